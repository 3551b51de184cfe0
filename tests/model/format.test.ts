import { describe, expect, it } from 'vitest';
import { parseModel, serializeModel, manifestPaths } from '../../src/model/format.ts';
import { tfCpu } from '../helpers/tf.ts';
import { randomArray, maxRelDiff } from '../helpers/random.ts';
import { tfCnn, tfFiles, tfMlp, tfOpen } from '../helpers/models.ts';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

describe('TensorFlow.js Layers format', () => {
  for (const [name, make] of [['mlp', tfMlp], ['cnn', tfCnn]] as const) {
    it(`${name}: a TensorFlow.js model → ours → TensorFlow.js predicts the same`, async () => {
      const tf = await tfCpu();
      const original = make(tf, 7);
      const { modelJson, shards } = await tfFiles(tf, original);
      const ours = parseModel(modelJson, shards);
      expect(ours.spec.inputShape).toEqual([28, 28, 1]);
      expect(ours.spec.layers.map((l) => l.kind)).toEqual(original.layers.map((l) => l.getClassName()));
      const { modelJson: json2, weightData } = serializeModel(ours);
      const reopened = await tfOpen(tf, json2, weightData);
      const x = tf.tensor4d(randomArray(3 * 784, 3, 0.5).map((v) => v + 0.5), [3, 28, 28, 1]);
      const a = (original.predict(x) as any).dataSync();
      const b = (reopened.predict(x) as any).dataSync();
      expect(maxRelDiff(b, a)).toBeLessThan(1e-6);
      // And what we wrote parses back to the same parameters.
      const again = parseModel(JSON.parse(JSON.stringify(json2)), [weightData]);
      for (const [k, p] of ours.params) expect(again.params.get(k)!.kernel).toEqual(p.kernel);
    });
  }

  it('opens a Keras conversion (model_config wrapper, InputLayer, scoped weight names)', async () => {
    const tf = await tfCpu();
    const { modelJson, shards } = await tfFiles(tf, tfMlp(tf, 3));
    const layers = modelJson.modelTopology.config.layers;
    delete layers[0].config.batch_input_shape;
    const keras = {
      modelTopology: {
        keras_version: '2.15.0',
        backend: 'tensorflow',
        model_config: {
          class_name: 'Sequential',
          config: { name: 'seq', layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 28, 28, 1], name: 'in' } }, ...layers] },
        },
      },
      weightsManifest: modelJson.weightsManifest.map((g: any) => ({
        ...g,
        weights: g.weights.map((w: any) => ({ ...w, name: `seq/${w.name}` })),
      })),
    };
    const m = parseModel(keras, shards);
    expect(m.spec.layers.map((l) => l.name)).toEqual(['flatten', 'hidden1', 'hidden2', 'logits']);
    expect(m.params.get('hidden1')!.kernel.length).toBe(784 * 32);
  });

  describe('refuses bad files with a message that names the problem', () => {
    const cases: [string, (j: any, s: ArrayBuffer[]) => [any, ArrayBuffer[]], RegExp][] = [
      ['not an object', () => [42, []], /not a JSON object/],
      ['functional model', (j, s) => { j.modelTopology.class_name = 'Model'; return [j, s]; }, /only Sequential/],
      ['unknown layer', (j, s) => { j.modelTopology.config.layers[1].class_name = 'LSTM'; return [j, s]; }, /unsupported layer type LSTM/],
      ['unknown activation', (j, s) => { j.modelTopology.config.layers[1].config.activation = 'gelu'; return [j, s]; }, /activation "gelu"/],
      ['shape mismatch', (j, s) => { j.weightsManifest[0].weights[0].shape = [784, 31]; return [j, s]; }, /hidden1\/kernel has shape \[784,31\] but layer hidden1 needs \[784,32\]/],
      ['truncated weights', (j, s) => [j, [s[0].slice(0, s[0].byteLength - 8)]], /truncated/],
      ['extra bytes', (j, s) => [j, [s[0], new ArrayBuffer(8)]], /describes only/],
      ['NaN weight', (j, s) => { const b = s[0].slice(0); new Float32Array(b)[5] = NaN; return [j, [b]]; }, /hidden1\/kernel holds NaN at index 5/],
      ['huge weight', (j, s) => { const b = s[0].slice(0); new Float32Array(b)[7] = 3e38; return [j, [b]]; }, /hidden1\/kernel holds 3\.\d+e\+38 at index 7; weights beyond ±1000000 overflow/],
      ['absurd units', (j, s) => { j.modelTopology.config.layers[1].config.units = 1e9; return [j, s]; }, /units: 1000000000 is not a size/],
      ['absurd input', (j, s) => { j.modelTopology.config.layers[0].config.batch_input_shape = [null, 1e6, 1e6, 1]; return [j, s]; }, /input shape/],
      ['int32 weights', (j, s) => { j.weightsManifest[0].weights[0].dtype = 'int32'; return [j, s]; }, /only float32/],
      ['quantized weights', (j, s) => { j.weightsManifest[0].weights[0].quantization = { dtype: 'uint8' }; return [j, s]; }, /quantized/],
      ['missing weight', (j, s) => { j.weightsManifest[0].weights[1].name = 'other/bias'; return [j, s]; }, /hidden1 has no bias/],
      ['no manifest', (j, s) => { delete j.weightsManifest; return [j, s]; }, /weightsManifest is missing/],
      ['dense without flatten', (j, s) => { j.modelTopology.config.layers.splice(0, 1); j.modelTopology.config.layers[0].config.batch_input_shape = [null, 28, 28, 1]; return [j, s]; }, /needs a flat input/],
      ['padded pooling', (j, s) => { j.modelTopology.config.layers[1].class_name = 'MaxPooling2D'; j.modelTopology.config.layers[1].config = { name: 'p', pool_size: [3, 3], padding: 'same' }; return [j, s]; }, /layer p \(MaxPooling2D\): only 'valid' pooling is supported/],
      // Once parsed: the engine then read past the weights into neighbouring wasm memory (wrong answers, no error).
      ['duplicate weight name', (j, s) => { j.weightsManifest[0].weights.push({ name: 'hidden1/kernel', shape: [1], dtype: 'float32' }); return [j, [s[0], new ArrayBuffer(4)]]; }, /weight hidden1\/kernel appears twice/],
      ['duplicate weight name, first entry short', (j, s) => { j.weightsManifest[0].weights.unshift({ name: 'hidden1/kernel', shape: [1], dtype: 'float32' }); return [j, [new ArrayBuffer(4), s[0]]]; }, /hidden1\/kernel (appears twice|has shape \[1\])/],
      ['duplicate names', (j, s) => { j.modelTopology.config.layers[2].config.name = 'hidden1'; return [j, s]; }, /two layers are named hidden1/],
    ];
    for (const [name, corrupt, message] of cases) {
      it(name, async () => {
        const tf = await tfCpu();
        const { modelJson, shards } = await tfFiles(tf, tfMlp(tf, 5));
        const [j, s] = corrupt(clone(modelJson), shards);
        expect(() => parseModel(j, s)).toThrow(message);
      });
    }
  });

  it('refuses shard paths that leave the model folder', () => {
    expect(() => manifestPaths({ weightsManifest: [{ paths: ['../../etc/passwd'], weights: [] }] })).toThrow(/not a plain file name/);
    expect(() => manifestPaths({ weightsManifest: [{ paths: ['https://example.com/x.bin'], weights: [] }] })).toThrow(/not a plain file name/);
    expect(manifestPaths({ weightsManifest: [{ paths: ['a.bin', 'b.bin'], weights: [] }] })).toEqual(['a.bin', 'b.bin']);
  });
});
