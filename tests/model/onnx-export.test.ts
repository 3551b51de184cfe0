// ONNX export checked by a real ONNX runtime (onnxruntime-web, wasm backend, in Node): our shipped models give the
// same predictions there as in our engine on all 10 000 MNIST test digits; round trips through our importer are exact.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { shippedModelDir } from '../../src/cli/models.ts';
import { createSimdEngineNode } from '../../src/engines/simd-node.ts';
import type { SimdEngine } from '../../src/engines/simd.ts';
import { loadModelFromFile } from '../../src/model/load-node.ts';
import { parseOnnx } from '../../src/model/onnx.ts';
import { serializeOnnx } from '../../src/model/onnx-write.ts';
import type { LoadedModel, ModelSpec } from '../../src/model/spec.ts';
import { initModel } from '../../src/train/architectures.ts';
import { argmax } from '../../src/util/array.ts';
import { mnistTest } from '../helpers/digits.ts';

ort.env.wasm.numThreads = 1;

/** Runs an exported model in onnxruntime on `count` MNIST test digits, in batches; returns count × classes outputs. */
async function runOrt(file: Uint8Array, count: number, nchw: boolean): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file, { executionProviders: ['wasm'] });
  const { images } = mnistTest();
  const parts: Float32Array[] = [];
  for (let start = 0; start < count; start += 1000) {
    const n = Math.min(1000, count - start);
    const x = images.slice(start * 784, (start + n) * 784);
    const out = await session.run({ input: new ort.Tensor('float32', x, nchw ? [n, 1, 28, 28] : [n, 784]) });
    parts.push(out.output.data as Float32Array);
  }
  await session.release();
  const all = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  parts.reduce((o, p) => (all.set(p, o), o + p.length), 0);
  return all;
}

/** Our engine's outputs (probabilities if the model ends in softmax, else logits) on the same digits. */
function runOurs(engine: SimdEngine, id: string, count: number): Float32Array {
  const net = engine.network(id);
  const { images } = mnistTest();
  const out = new Float32Array(count * net.classes);
  for (let start = 0; start < count; start += net.capacity) {
    const n = Math.min(net.capacity, count - start);
    net.setInput(images.subarray(start * 784, (start + n) * 784), n);
    net.forward(n);
    const last = net.spec.layers.at(-1)!;
    const endsInSoftmax = 'activation' in last && last.activation === 'softmax';
    out.set(net.arena.f32(endsInSoftmax ? net.probs.ptr : net.logits.ptr, n * net.classes), start * net.classes);
  }
  return out;
}

const maxDiff = (a: Float32Array, b: Float32Array, n = a.length) => {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

let engine: SimdEngine;
beforeAll(async () => {
  engine = await createSimdEngineNode();
});

describe('ONNX export: the shipped models in onnxruntime-web', () => {
  for (const id of ['mlp', 'cnn'] as const) {
    it(`${id}: the same digit as our engine on all 10 000 test digits, probabilities within 1e-4`, async () => {
      const model = await loadModelFromFile(shippedModelDir(id));
      await engine.load(id, model);
      const theirs = await runOrt(serializeOnnx(model), 10_000, true);
      const ours = runOurs(engine, id, 10_000);
      let same = 0;
      for (let i = 0; i < 10_000; i++) if (argmax(theirs, i * 10, 10) === argmax(ours, i * 10, 10)) same++;
      expect(same).toBe(10_000);
      expect(maxDiff(theirs, ours)).toBeLessThan(1e-4);
    }, 120_000);
  }
});

describe('ONNX export: layouts a runtime must read as we do', () => {
  // Stride 2 'same' pads bottom/right only (TensorFlow's rule), written as explicit asymmetric pads; a 'valid' 5×2
  // kernel; a separate Activation layer; a flatten of a multi-channel map; logits out (no softmax).
  const spec: ModelSpec = {
    name: 'layouts',
    inputShape: [28, 28, 1],
    layers: [
      { kind: 'Conv2D', name: 'c1', filters: 3, kernelSize: [3, 3], strides: 2, padding: 'same', activation: 'linear', useBias: true },
      { kind: 'Activation', name: 'a1', activation: 'sigmoid' },
      { kind: 'Conv2D', name: 'c2', filters: 5, kernelSize: [5, 2], strides: 1, padding: 'valid', activation: 'tanh', useBias: true },
      { kind: 'MaxPooling2D', name: 'p' },
      { kind: 'Flatten', name: 'f' },
      { kind: 'Dense', name: 'd', units: 10, activation: 'linear', useBias: true },
    ],
  };
  let model: LoadedModel;
  beforeAll(async () => {
    model = initModel(spec, 5);
    // initModel zeroes the biases: give them values, so a bias in the wrong place shows.
    for (const p of model.params.values()) p.bias = p.bias!.map((_, i) => 0.1 * Math.sin(i + 1));
    await engine.load('layouts', model);
  });

  it('onnxruntime gives our logits within 1e-4 on 200 test digits', async () => {
    const theirs = await runOrt(serializeOnnx(model), 200, true);
    const ours = runOurs(engine, 'layouts', 200);
    expect(maxDiff(theirs, ours)).toBeLessThan(1e-4);
    expect(maxDiff(ours, new Float32Array(ours.length))).toBeGreaterThan(0.1); // not a degenerate all-zero model
  });

  it('round trip: export, import, the same layers and bit-identical parameters', () => {
    const back = parseOnnx(serializeOnnx(model));
    expect(back.spec.inputShape).toEqual(spec.inputShape);
    // The import fuses an activation into the conv/dense before it, as it does for PyTorch's Conv → Relu.
    const [c1, , ...rest] = spec.layers;
    expect(back.spec.layers).toEqual([{ ...c1, activation: 'sigmoid' }, ...rest]);
    for (const [name, p] of model.params) {
      expect(back.params.get(name)!.kernel).toEqual(p.kernel);
      expect(back.params.get(name)!.bias).toEqual(p.bias);
    }
  });

  it('round trip of the shipped models: same layers, same logits', async () => {
    for (const id of ['mlp', 'cnn'] as const) {
      const model = await loadModelFromFile(shippedModelDir(id));
      const back = parseOnnx(serializeOnnx(model));
      expect(back.spec.layers).toEqual(model.spec.layers);
      await engine.load(`${id}-back`, back);
      await engine.load(id, model);
      expect(runOurs(engine, `${id}-back`, 300)).toEqual(runOurs(engine, id, 300));
    }
  });

  it('a flat-input model exports with input [N,784]', async () => {
    const flat = initModel({ name: 'flat', inputShape: [784], layers: [{ kind: 'Dense', name: 'd', units: 10, activation: 'softmax', useBias: true }] }, 3);
    await engine.load('flat', flat);
    const theirs = await runOrt(serializeOnnx(flat), 100, false);
    expect(maxDiff(theirs, runOurs(engine, 'flat', 100))).toBeLessThan(1e-4);
  });
});

describe('ONNX export of an imported PyTorch model', () => {
  it('cnn_bn_dropout (BN folded at import) gives PyTorch outputs in onnxruntime', async () => {
    const dir = new URL('../fixtures/onnx/', import.meta.url).pathname;
    const expected = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8'));
    const f = expected.models.cnn_bn_dropout;
    const theirs = await runOrt(serializeOnnx(await loadModelFromFile(`${dir}${f.file}`)), expected.digits.length, true);
    expect(maxDiff(theirs, Float32Array.from(f.outputs.flat()))).toBeLessThan(1e-4);
  });
});

describe('ONNX export of the layers PyTorch CNNs need (padding, any pooling, leaky relu)', () => {
  const dir = new URL('../fixtures/onnx/', import.meta.url).pathname;
  const expected = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8'));
  for (const name of ['cnn_pad_pool_leaky', 'cnn_odd_pools']) {
    it(`${name}: onnxruntime gives PyTorch's logits; importing the export gives the same layers and parameters`, async () => {
      const f = expected.models[name];
      const model = await loadModelFromFile(`${dir}${f.file}`);
      const file = serializeOnnx(model);
      const theirs = await runOrt(file, expected.digits.length, true);
      expect(maxDiff(theirs, Float32Array.from(f.outputs.flat()))).toBeLessThan(1e-4);
      const back = parseOnnx(file);
      expect(back.spec.layers).toEqual(model.spec.layers);
      for (const [layer, p] of model.params) expect(back.params.get(layer)!.kernel).toEqual(p.kernel);
    });
  }
});
