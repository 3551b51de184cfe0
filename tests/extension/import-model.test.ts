// Opening a model in the extension (extension/shared/import-model.ts): the files the user picks become the
// TensorFlow.js Layers files the models store keeps. Loaded back with parseModel, they must give the same logits as
// the model read straight from the file (and PyTorch's); everything that cannot be a digit model is refused clearly.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importModel, ImportError, type PickedFile } from '../../extension/shared/import-model.ts';
import { parseModel, serializeModel, SHARD_NAME } from '../../src/model/format.ts';
import { parseOnnx } from '../../src/model/onnx.ts';
import { loadModelFromFile } from '../../src/model/load-node.ts';
import type { LoadedModel } from '../../src/model/spec.ts';
import { createSimdEngineNode } from '../../src/engines/simd-node.ts';
import type { InferenceEngine } from '../../src/engines/types.ts';
import { digit } from '../helpers/digits.ts';

const DIR = new URL('../fixtures/onnx/', import.meta.url).pathname;
const EXPECTED = JSON.parse(readFileSync(`${DIR}expected.json`, 'utf8'));
const MAX = 64 * 2 ** 20;

const pick = (path: string, name = path.slice(path.lastIndexOf('/') + 1)): PickedFile => {
  const b = readFileSync(`${DIR}${path}`);
  return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
};
const KERAS = () => [pick('keras_cnn/model.json'), pick('keras_cnn/group1-shard1of1.bin')];

function refused(files: PickedFile[], message: RegExp, max = MAX): void {
  let err: unknown;
  try {
    importModel(files, max);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ImportError);
  expect((err as Error).message).toMatch(message);
}

let engine: InferenceEngine;
let n = 0;
async function logits(model: LoadedModel, k: number): Promise<Float32Array> {
  const id = `m${n++}`;
  await engine.load(id, model);
  return (await engine.predict(id, digit(k))).logits;
}
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

beforeAll(async () => {
  engine = await createSimdEngineNode();
});

describe('importModel: the stored files give the logits of the file the user opened', () => {
  for (const fixture of ['cnn_bn_dropout', 'mlp_flat_opset9', 'cnn_pad_pool_leaky', 'elu_cnn']) {
    it(`${fixture}.onnx → model.json + one shard, named after the file; same logits as parseOnnx and PyTorch on 8 digits`, async () => {
      const f = pick(`${fixture}.onnx`);
      const r = importModel([f], MAX);
      expect(r.name).toBe(fixture);
      expect(r.modelJson.weightsManifest[0].paths).toEqual(['group1-shard1of1.bin']);
      expect(r.bytes).toBe(JSON.stringify(r.modelJson).length + r.weights.byteLength);
      // What the store keeps, through JSON as IndexedDB's structured clone keeps it, read back as every context reads it.
      const back = parseModel(JSON.parse(JSON.stringify(r.modelJson)), [r.weights.slice(0)]);
      const direct = parseOnnx(new Uint8Array(f.bytes), fixture);
      expect(back.spec).toEqual(direct.spec);
      const want = EXPECTED.models[fixture];
      for (const [k, index] of (EXPECTED.digits as number[]).slice(0, 4).entries()) {
        const a = await logits(back, index);
        const b = await logits(direct, index);
        expect(Array.from(a)).toEqual(Array.from(b)); // the same weights, bit for bit
        if (want.output === 'logits') expect(maxDiff(a, want.outputs[k])).toBeLessThan(1e-4);
      }
      let params = 0;
      for (const p of direct.params.values()) params += p.kernel.length + (p.bias?.length ?? 0);
      expect(r.params).toBe(params);
    });
  }

  it('a model.json picked with its shard (Keras converter layout): the same logits as the CLI reading the folder', async () => {
    const r = importModel(KERAS(), MAX);
    expect(r.name).toBe('model');
    const direct = await loadModelFromFile(`${DIR}keras_cnn/model.json`);
    const back = parseModel(r.modelJson, [r.weights]);
    for (const index of [0, 1, 2]) expect(Array.from(await logits(back, index))).toEqual(Array.from(await logits(direct, index)));
    // The order the files are picked in does not matter.
    expect(importModel(KERAS().reverse(), MAX).weights).toEqual(r.weights);
  });
});

describe('importModel: refusals say what is wrong, and nothing comes back', () => {
  it('ONNX graphs the engine cannot run: the importer names the node and the op', () => {
    refused([pick('refuse_selu.onnx')], /^refuse_selu\.onnx: ONNX node '.*Selu.*': op Selu is not supported/);
    refused([pick('refuse_maxpool_padded.onnx')], /^refuse_maxpool_padded\.onnx: .*MaxPool/);
    for (const f of ['refuse_avgpool_exclude_pad', 'refuse_maxpool_ceil', 'refuse_norm_padded_conv']) refused([pick(`${f}.onnx`)], new RegExp(`^${f}\\.onnx: ONNX`));
  });

  it('a truncated .onnx file, and a file that is not ONNX', () => {
    const f = pick('cnn_bn_dropout.onnx');
    refused([{ name: 'cut.onnx', bytes: f.bytes.slice(0, 5000) }], /^cut\.onnx: .*(truncated|not an ONNX)/);
    refused([{ name: 'photo.onnx', bytes: new TextEncoder().encode('\x89PNG not a model at all').buffer as ArrayBuffer }], /^photo\.onnx: .*not an ONNX/);
    refused([{ name: 'empty.onnx', bytes: new ArrayBuffer(0) }], /^empty\.onnx: .*empty/);
  });

  it('model.json without its shard, with a stranger, or with a cut shard; JSON that is not JSON', () => {
    const [json, shard] = KERAS();
    refused([json], /model\.json needs its weight file group1-shard1of1\.bin: select it together with model\.json/);
    refused([json, shard, { name: 'other.bin', bytes: new ArrayBuffer(8) }], /other\.bin: not among the weight files model\.json lists/);
    refused([json, { name: shard.name, bytes: shard.bytes.slice(0, 1000) }], /^model\.json: model file: weights are truncated/);
    refused([{ name: 'model.json', bytes: new TextEncoder().encode('{"format": ').buffer as ArrayBuffer }], /model\.json is not valid JSON/);
  });

  it('files that are no model, several models at once, nothing picked', () => {
    refused([], /Choose an \.onnx file/);
    refused([{ name: 'digit.png', bytes: new ArrayBuffer(10) }], /digit\.png: not a model/);
    refused([pick('mlp_nchw.onnx'), pick('elu_cnn.onnx')], /Open one \.onnx file on its own/);
    refused([...KERAS(), pick('keras_cnn/model.json', 'copy.json')], /Open one model\.json at a time/);
  });

  it('too big for the store, checked on the files before any parsing and on the converted model', () => {
    refused([pick('cnn_bn_dropout.onnx')], /cnn_bn_dropout\.onnx: 0\.1 MB, more than the 0\.0 MB kept/, 50_000);
  });

  it('a model.json that does not read a 28×28 digit, or does not give 10 classes', () => {
    // Well-formed files (written by our writer) of the wrong shape: only the digit-classifier check can refuse them.
    const files = (inputShape: number[], classes: number): PickedFile[] => {
      const inputs = inputShape.reduce((a, b) => a * b, 1);
      const model: LoadedModel = {
        spec: { name: 'wrong', inputShape, layers: [
          ...(inputShape.length > 1 ? [{ kind: 'Flatten' as const, name: 'flat' }] : []),
          { kind: 'Dense', name: 'fc', units: classes, activation: 'softmax', useBias: true },
        ] },
        params: new Map([['fc', { kernel: new Float32Array(inputs * classes), bias: new Float32Array(classes) }]]),
      };
      const { modelJson, weightData } = serializeModel(model);
      return [{ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(modelJson)).buffer as ArrayBuffer }, { name: SHARD_NAME, bytes: weightData }];
    };
    expect(importModel(files([784], 10), MAX).params).toBe(7850); // the control: the right shape opens
    refused(files([1024], 10), /^The model reads input \[1024\], not a 28×28 digit \(784 pixels\)\.$/);
    refused(files([14, 56, 1], 10), /reads input \[14,56,1\], not a 28×28 digit/);
    refused(files([784], 5), /^The model gives output \[5\], not the 10 digit classes\.$/);
  });
});
