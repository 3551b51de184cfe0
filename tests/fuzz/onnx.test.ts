// Property-based fuzzing of ONNX files (fast-check): real PyTorch exports from tests/fixtures/onnx, mutated at the
// byte level (truncated, bytes flipped, zeroed or replaced, chunks cut out, duplicated or appended). Protobuf gives
// a mutated file many readings: most mutations break the wire format, some give a different but valid graph. Every
// case must end in a clear ModelFormatError naming ONNX, or in a model whose parameters have exactly the sizes its
// layers need and that predicts finite probabilities on the engine. Never a TypeError, a RangeError out of the
// protobuf reader, a wasm trap or a hang.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseOnnx } from '../../src/model/onnx.ts';
import { loadEngineNode } from '../../src/wasm/node.ts';
import type { EngineExports } from '../../src/wasm/abi.ts';
import { checkModel } from './check.ts';

const FIXTURES = ['mlp_nchw', 'cnn_opset17', 'cnn_bn_dropout', 'mlp_flat_opset9'];
const read = (name: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/onnx/${name}.onnx`, import.meta.url))));

/** One byte-level mutation, as plain data, so fast-check can shrink and print it. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0, 0x7f, 0x80, 0xff, 0x08, 0x0a, 0x12, 0x1a) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(b: Uint8Array, m: Mutation): Uint8Array {
  const at = b.length ? ('at' in m ? m.at % b.length : 0) : 0;
  switch (m.kind) {
    case 'truncate':
      return b.slice(0, at);
    case 'flip': {
      const c = b.slice();
      if (c.length) c[at] ^= 1 << m.bit;
      return c;
    }
    case 'set': {
      const c = b.slice();
      if (c.length) c[at] = m.value;
      return c;
    }
    case 'cut':
      return new Uint8Array([...b.subarray(0, at), ...b.subarray(at + m.length)]);
    case 'repeat':
      return new Uint8Array([...b.subarray(0, at + m.length), ...b.subarray(at)]);
    case 'append':
      return new Uint8Array([...b, ...m.bytes]);
  }
}

let ex: EngineExports;
const base: Record<string, Uint8Array> = {};
beforeAll(async () => {
  ex = await loadEngineNode();
  for (const f of FIXTURES) base[f] = read(f);
});

/** Every step either refuses clearly or works (check.ts). */
const MESSAGES = /^(ONNX|model file: |network: |engine: |model \S+ is too large)/;
const check = (bytes: Uint8Array, m: unknown) => checkModel(ex, () => parseOnnx(bytes, 'fuzzed'), new Float32Array([0.5]), m, MESSAGES);

describe('fuzzed ONNX files', () => {
  it('the unmutated PyTorch exports load and predict', () => {
    for (const f of FIXTURES) expect(check(base[f], 'none')).toBe('ran');
  });

  for (const [k, f] of FIXTURES.entries()) {
    it(`${f}: one to three byte mutations end in a clear error or finite predictions`, () => {
      const seen = { refused: 0, ran: 0 };
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
          seen[check(ms.reduce(apply, base[f]), ms)]++;
        }),
        { numRuns: 150, seed: 40 + k },
      );
      expect(seen.refused).toBeGreaterThan(10);
    });
  }
});
