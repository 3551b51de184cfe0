// The layers PyTorch CNNs need beyond the shipped ones (ZeroPadding2D, MaxPooling2D and AveragePooling2D with any
// window and strides, LeakyReLU): a TensorFlow.js model that has them → our model files → TensorFlow.js again, and
// the SIMD engine against TensorFlow.js on it: every layer, the logits, input gradients, hook points.
import { beforeAll, describe, expect, it } from 'vitest';
import type * as tfType from '@tensorflow/tfjs';
import { parseModel, serializeModel } from '../../src/model/format.ts';
import { hookPoints } from '../../src/interpret/hooks.ts';
import type { LoadedModel } from '../../src/model/spec.ts';
import { createSimdEngineNode } from '../../src/engines/simd-node.ts';
import { TfjsEngine } from '../../src/engines/tfjs.ts';
import type { InferenceEngine } from '../../src/engines/types.ts';
import { tfCpu } from '../helpers/tf.ts';
import { tfFiles, tfOpen } from '../helpers/models.ts';
import { digit } from '../helpers/digits.ts';
import { maxRelDiff } from '../helpers/random.ts';

type TF = Awaited<ReturnType<typeof tfCpu>>;

/** What PyTorch's Conv2d(stride 2, padding 1), Conv2d(5×5, padding 2), MaxPool2d(3, 2), AvgPool2d(2) and LeakyReLU become. */
function tfNewOps(tf: TF, seed = 1): tfType.Sequential {
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const binit = () => tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed++ });
  const conv = (filters: number, kernelSize: number, strides: number, name: string, extra = {}) =>
    tf.layers.conv2d({ filters, kernelSize, strides, padding: 'valid', name, kernelInitializer: init(), biasInitializer: binit(), ...extra });
  return tf.sequential({
    name: 'new-ops',
    layers: [
      tf.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], inputShape: [28, 28, 1], name: 'pad1' }),
      conv(6, 3, 2, 'conv1'), // 30 → 14
      tf.layers.leakyReLU({ alpha: 0.1, name: 'leaky1' }),
      tf.layers.zeroPadding2d({ padding: [[2, 2], [2, 2]], name: 'pad2' }),
      conv(8, 5, 1, 'conv2', { activation: 'relu' }), // 18 → 14
      tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1' }), // 14 → 6
      tf.layers.zeroPadding2d({ padding: [[0, 1], [2, 0]], name: 'pad3' }), // asymmetric: 7 × 8
      tf.layers.averagePooling2d({ poolSize: 2, strides: 2, name: 'pool2' }), // 3 × 4 (floor)
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ units: 10, name: 'logits', kernelInitializer: init(), biasInitializer: binit() }),
    ],
  });
}

describe('ZeroPadding2D, pooling with any window, LeakyReLU: model files', () => {
  it('a TensorFlow.js model with them → ours → TensorFlow.js (tf.loadLayersModel) predicts the same', async () => {
    const tf = await tfCpu();
    const original = tfNewOps(tf, 3);
    const { modelJson, shards } = await tfFiles(tf, original);
    const ours = parseModel(modelJson, shards);
    expect(ours.spec.layers.map((l) => l.kind)).toEqual(original.layers.map((l) => l.getClassName()));
    const byName = new Map(ours.spec.layers.map((l) => [l.name, l]));
    expect(byName.get('pad3')).toEqual({ kind: 'ZeroPadding2D', name: 'pad3', padding: [[0, 1], [2, 0]] });
    expect(byName.get('pool1')).toEqual({ kind: 'MaxPooling2D', name: 'pool1', poolSize: [3, 3], strides: [2, 2] });
    expect(byName.get('pool2')).toEqual({ kind: 'AveragePooling2D', name: 'pool2' }); // 2×2 stride 2: the default
    expect(byName.get('leaky1')).toMatchObject({ kind: 'LeakyReLU', alpha: expect.closeTo(0.1, 7) });
    const { modelJson: json2, weightData } = serializeModel(ours);
    const reopened = await tfOpen(tf, JSON.parse(JSON.stringify(json2)), weightData);
    expect(reopened.layers.map((l) => l.outputShape)).toEqual(original.layers.map((l) => l.outputShape));
    const x = tf.tensor4d(Float32Array.from([0, 1, 2].flatMap((k) => Array.from(digit(k)))), [3, 28, 28, 1]);
    const a = (original.predict(x) as tfType.Tensor).dataSync();
    const b = (reopened.predict(x) as tfType.Tensor).dataSync();
    expect(maxRelDiff(b, a)).toBeLessThan(1e-6);
  });

  it('Keras padding forms (p, [ph, pw]) and LeakyReLU slopes (alpha, Keras 3 negative_slope, the 0.3 default)', async () => {
    const tf = await tfCpu();
    const { modelJson, shards } = await tfFiles(tf, tfNewOps(tf, 3));
    const layers = modelJson.modelTopology.config.layers;
    const read = () => parseModel(JSON.parse(JSON.stringify(modelJson)), shards).spec.layers;
    layers[0].config.padding = 1;
    layers[2].config = { name: 'leaky1', negative_slope: 0.2 };
    expect(read()[0]).toMatchObject({ padding: [[1, 1], [1, 1]] });
    expect(read()[2]).toMatchObject({ alpha: 0.2 });
    layers[2].config = { name: 'leaky1' };
    layers[3].config.padding = [2, 2];
    expect(read()[2]).toMatchObject({ alpha: 0.3 });
    expect(read()[3]).toMatchObject({ padding: [[2, 2], [2, 2]] });
  });

  it('refuses what the engine cannot run, naming the layer', async () => {
    const tf = await tfCpu();
    const { modelJson, shards } = await tfFiles(tf, tfNewOps(tf, 3));
    const edit = (f: (layers: any[]) => void) => {
      const j = JSON.parse(JSON.stringify(modelJson));
      f(j.modelTopology.config.layers);
      return () => parseModel(j, shards);
    };
    expect(edit((l) => (l[5].config.padding = 'same'))).toThrow(/layer pool1 \(MaxPooling2D\): only 'valid' pooling/);
    expect(edit((l) => (l[0].config.padding = [[1, -1], [0, 0]]))).toThrow(/layer pad1 \(ZeroPadding2D\): padding .* must hold sizes from 0/);
    expect(edit((l) => (l[0].config.padding = 'x'))).toThrow(/pad1.*is not p, \[ph, pw\] or \[\[top, bottom\], \[left, right\]\]/);
    expect(edit((l) => (l[2].config.alpha = 'big'))).toThrow(/layer leaky1 \(LeakyReLU\): alpha "big" is not a number/);
    expect(edit((l) => (l[7].config.pool_size = [9, 9]))).toThrow(/layer pool2 \(AveragePooling2D\) cannot pool \[7,8,8\] with 9×9 windows/);
  });
});

describe('ZeroPadding2D, pooling with any window, LeakyReLU: SIMD engine vs TensorFlow.js', () => {
  let model: LoadedModel;
  let tfModel: tfType.Sequential;
  let tf: TF;
  const engines: [string, InferenceEngine][] = [];
  beforeAll(async () => {
    tf = await tfCpu();
    tfModel = tfNewOps(tf, 5);
    const { modelJson, shards } = await tfFiles(tf, tfModel);
    model = parseModel(modelJson, shards);
    engines.push(
      ['simd', await createSimdEngineNode()],
      ['tfjs-cpu', await TfjsEngine.create({ backend: 'cpu' })],
      ['tfjs-wasm', await TfjsEngine.create({ backend: 'wasm' })],
    );
    for (const [, e] of engines) await e.load('m', model);
  });

  it('every layer and the logits match TensorFlow.js layer by layer, on every engine (SIMD, TensorFlow.js cpu and wasm)', async () => {
    const x = digit(4);
    await tf.setBackend('cpu');
    const want = tf.tidy(() => {
      const all = tf.model({ inputs: tfModel.inputs, outputs: tfModel.layers.map((l) => l.output as tfType.SymbolicTensor) });
      return (all.predict(tf.tensor(x, [1, 28, 28, 1])) as tfType.Tensor[]).map((t) => t.dataSync() as Float32Array);
    });
    for (const [name, e] of engines) {
      const p = await e.predict('m', x, { activations: true });
      p.layers!.forEach((l, i) => expect(maxRelDiff(l.out, want[i]), `${name} ${l.name}`).toBeLessThan(1e-5));
      expect(maxRelDiff(p.logits, want.at(-1)!), name).toBeLessThan(1e-5);
    }
  });

  it('input gradients of a logit (batch 3) on SIMD and TensorFlow.js cpu match TensorFlow.js autodiff', async () => {
    const xs = Float32Array.from([7, 8, 9].flatMap((k) => Array.from(digit(k))));
    // NOTE: not on tfjs-wasm: its MaxPoolGrad routes some windows differently from tfjs-cpu (and from ours) even on
    // distinct values, e.g. 20 of 588 elements of a 14×14×3 map under a plain 2×2 stride-2 pool (tfjs 4.22).
    const graded = engines.filter(([name]) => name !== 'tfjs-wasm');
    const got = await Promise.all(graded.map(([, e]) => e.inputGradients('m', xs, 3, 6)));
    await tf.setBackend('cpu');
    const want = tf.tidy(() => {
      const f = (t: tfType.Tensor) => tf.sum(tf.slice(tfModel.apply(t) as tfType.Tensor, [0, 6], [-1, 1]));
      return tf.grad(f)(tf.tensor(xs, [3, 28, 28, 1])).dataSync();
    });
    got.forEach((g, i) => expect(maxRelDiff(g.grads, want), graded[i][0]).toBeLessThan(1e-4));
  });

  it('hook points pad.in/.out, pool and leaky relu points: cached values and gradients agree, ablating a padded border changes the logits', async () => {
    const names = hookPoints(model.spec).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['pad1.in', 'pad1.out', 'leaky1.out', 'pool1.out', 'pad3.out', 'pool2.out']));
    expect(names.filter((n) => n.endsWith('.pre'))).toEqual(['conv2.pre']);
    const x = digit(2);
    const opts = { names: ['pad2.out', 'pool1.out', 'leaky1.out', 'pool2.out'] as const, grads: { objective: { class: 2 } } };
    const [a, ...others] = await Promise.all(engines.map(([, e]) => e.runWithCache('m', x, 1, { names: [...opts.names], grads: opts.grads })));
    for (const [i, b] of others.entries()) {
      const name = engines[i + 1][0];
      for (const n of opts.names) {
        expect(maxRelDiff(a.acts[n]!, b.acts[n]!), `${name} ${n}`).toBeLessThan(1e-5);
        if (name !== 'tfjs-wasm') expect(maxRelDiff(a.grads![n]!, b.grads![n]!), `${name} grad ${n}`).toBeLessThan(1e-4); // see above
      }
    }
    // pad2.out is 18×18×6: its border rows are the zeros the padding added.
    expect(a.acts['pad2.out']!.subarray(0, 2 * 18 * 6).every((v) => v === 0)).toBe(true);
    // Scaling the padded map scales what the next conv sees: logits change the same way on both engines.
    const hooks = [{ at: 'pad2.out' as const, mode: 'scale' as const, factor: 0.5 }];
    const [ha, ...hb] = await Promise.all(engines.map(([, e]) => e.runWithHooks('m', x, 1, hooks)));
    for (const h of hb) expect(maxRelDiff(ha.logits, h.logits)).toBeLessThan(1e-5);
    expect(maxRelDiff(ha.logits, a.logits)).toBeGreaterThan(1e-3);
  });
});
