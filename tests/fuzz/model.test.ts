// Property-based fuzzing of model files (fast-check): the shipped MLP and CNN files, mutated (truncated or padded
// shards, NaN/Inf/huge weights, wrong dtypes, wrong or huge shapes, duplicate or missing manifest entries, unknown
// layers, prototype keys such as __proto__ and constructor, any JSON value anywhere). Every case must end in a
// clear Error, or in a model whose parameters have exactly the sizes its layers need (so the engine, which never
// validates, cannot read past them) and that predicts finite probabilities. Never a trap, a TypeError or a hang.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseModel } from '../../src/model/format.ts';
import { loadEngineNode } from '../../src/wasm/node.ts';
import type { EngineExports } from '../../src/wasm/abi.ts';
import { checkModel } from './check.ts';

type Json = any;
interface Files {
  json: Json;
  shard: Uint8Array<ArrayBuffer>;
}

const read = (id: string): Files => {
  const dir = fileURLToPath(new URL(`../../extension/models/${id}/`, import.meta.url));
  return { json: JSON.parse(readFileSync(dir + 'model.json', 'utf8')), shard: new Uint8Array(readFileSync(dir + 'group1-shard1of1.bin')) };
};

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
const NASTY_NUMBERS = [0, -1, 1.5, 2 ** 31, 2 ** 32 + 1, 1e308, Number.MAX_SAFE_INTEGER, 4096, 65536, 1 << 20];
const nasty = fc.oneof(
  fc.constantFrom<unknown>(...NASTY_NUMBERS, null, '', 'NaN', 'Infinity', [], {}, true, ...PROTO_KEYS),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Every path (list of keys) to a value inside `v`. */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (v && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k], [...at, Array.isArray(v) ? Number(k) : k], out);
  return out;
}

const parentOf = (root: Json, path: (string | number)[]) => path.slice(0, -1).reduce((o, k) => o?.[k], root);

/** One mutation, as plain data, so fast-check can shrink and print it. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: nasty }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('protoKey' as const), pick: fc.nat(), key: fc.constantFrom(...PROTO_KEYS), value: nasty }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({ kind: fc.constant('weight' as const), index: fc.nat(), value: fc.constantFrom(NaN, Infinity, -Infinity, 3.4e38, -1e7, 1e6, 1e-45) }),
  fc.record({ kind: fc.constant('flip' as const), index: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('dtype' as const), pick: fc.nat(), dtype: fc.constantFrom<unknown>('int32', 'float16', 'uint8', 'bool', 'string', 'complex64', 7, null) }),
  fc.record({ kind: fc.constant('shape' as const), pick: fc.nat(), shape: fc.array(fc.constantFrom<unknown>(...NASTY_NUMBERS, 1, 2, 3, 10, 784, -3, 'x', null), { maxLength: 5 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat(), shape: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('dropEntry' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('layerClass' as const), pick: fc.nat(), cls: fc.constantFrom('LSTM', 'BatchNormalization', 'Dropout', 'InputLayer', 'Dense', 'Conv2D', 'Flatten', ...PROTO_KEYS) }),
  fc.record({ kind: fc.constant('layerField' as const), pick: fc.nat(), field: fc.constantFrom('units', 'filters', 'kernel_size', 'strides', 'activation', 'name', 'padding', 'use_bias', 'batch_input_shape', 'pool_size'), value: nasty }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function apply(files: Files, m: Mutation): Files {
  const json = structuredClone(files.json);
  let shard = files.shard.slice();
  const weights = () => json.weightsManifest?.[0]?.weights as Json[] | undefined;
  const layers = () => json.modelTopology?.config?.layers as Json[] | undefined;
  const pickOf = <T>(list: T[] | undefined, n: number): T | undefined => (list?.length ? list[n % list.length] : undefined);
  switch (m.kind) {
    case 'replace':
    case 'delete': {
      const path = pickOf(paths(json).slice(1), m.pick)!;
      const parent = parentOf(json, path);
      const key = path[path.length - 1];
      if (m.kind === 'replace') parent[key] = m.value;
      else if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    }
    case 'protoKey': {
      // As JSON.parse makes it: an own property named "__proto__", not a prototype change.
      const objects = paths(json).map((p) => p.reduce((o: Json, k) => o[k], json)).filter((v) => v && typeof v === 'object' && !Array.isArray(v));
      Object.defineProperty(pickOf(objects, m.pick), m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
      break;
    }
    case 'truncate':
      shard = shard.slice(0, m.at % (shard.length + 1));
      break;
    case 'append':
      shard = concat(shard, m.bytes);
      break;
    case 'weight':
      new DataView(shard.buffer).setFloat32(4 * (m.index % (shard.length / 4)), m.value, true);
      break;
    case 'flip':
      shard[m.index % shard.length] ^= 1 << m.bit;
      break;
    case 'dtype': {
      const w = pickOf(weights(), m.pick);
      if (w) w.dtype = m.dtype;
      break;
    }
    case 'shape': {
      const w = pickOf(weights(), m.pick);
      if (w) w.shape = m.shape;
      break;
    }
    case 'duplicate': {
      const w = pickOf(weights(), m.pick);
      if (w) {
        weights()!.push({ ...w, shape: m.shape });
        shard = concat(shard, new Uint8Array(4 * m.shape.reduce((a, b) => a * b, 1)));
      }
      break;
    }
    case 'dropEntry': {
      const list = weights();
      if (list?.length) list.splice(m.pick % list.length, 1);
      break;
    }
    case 'layerClass': {
      const l = pickOf(layers(), m.pick);
      if (l) l.class_name = m.cls;
      break;
    }
    case 'layerField': {
      const l = pickOf(layers(), m.pick);
      if (l?.config) l.config[m.field] = m.value;
      break;
    }
  }
  return { json, shard };
}

let ex: EngineExports;
const base: Record<string, Files> = {};
const input = new Float32Array(784).map((_, i) => ((i * 7919) % 97) / 97);
beforeAll(async () => {
  ex = await loadEngineNode();
  for (const id of ['mlp', 'cnn']) base[id] = read(id);
});

/** Every step either refuses clearly or works (check.ts). */
const MESSAGES = /^(model file: |network: |engine: |model \S+ is too large)/;
const check = (files: Files, m: unknown) => checkModel(ex, () => parseModel(files.json, [files.shard.slice().buffer]), input, m, MESSAGES);

describe('fuzzed model files', () => {
  for (const id of ['mlp', 'cnn']) {
    it(`${id}: one to three mutations end in a clear error or finite predictions`, () => {
      const seen = { refused: 0, ran: 0 };
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
          const files = ms.reduce(apply, base[id]);
          seen[check(files, ms)]++;
        }),
        { numRuns: 300, seed: id === 'mlp' ? 15 : 16 },
      );
      // Both outcomes happen: the mutations are neither all fatal nor all harmless.
      expect(seen.refused).toBeGreaterThan(30);
      expect(seen.ran).toBeGreaterThan(10);
    });
  }

  it('the unmutated files load and predict', () => {
    for (const id of ['mlp', 'cnn']) expect(check(base[id], 'none')).toBe('ran');
  });
});
