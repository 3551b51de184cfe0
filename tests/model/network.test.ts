import { describe, expect, it } from 'vitest';
import { loadEngineNode } from '../../src/wasm/node.ts';
import { Arena } from '../../src/wasm/wasm.ts';
import { Network } from '../../src/model/network.ts';
import { paramShapes } from '../../src/model/shapes.ts';
import type { LayerParams, LoadedModel, ModelSpec } from '../../src/model/spec.ts';
import { tfCpu } from '../helpers/tf.ts';
import { maxRelDiff, randomArray, rng } from '../helpers/random.ts';
import { loadedFromTf, tfCnn, tfMlp } from '../helpers/models.ts';
import { CLASSES, INPUT_SHAPE, INPUT_SIZE } from '../../src/model/shipped.ts';

function randomModel(spec: ModelSpec, seed: number, scale = 0.5): LoadedModel {
  const params = new Map<string, LayerParams>();
  for (const [name, s] of paramShapes(spec)) {
    const k = s.kernel.reduce((a, b) => a * b, 1);
    params.set(name, {
      kernel: randomArray(k, seed++, scale),
      bias: s.bias ? randomArray(s.bias[0], seed++, 0.2) : undefined,
    });
  }
  return { spec, params };
}

async function network(model: LoadedModel, capacity: number): Promise<Network> {
  return new Network(new Arena(await loadEngineNode()), model, capacity);
}

const tanhMlp: ModelSpec = {
  name: 'tiny-mlp',
  inputShape: [12],
  layers: [
    { kind: 'Dense', name: 'd1', units: 9, activation: 'tanh', useBias: true },
    { kind: 'Dense', name: 'd2', units: 7, activation: 'sigmoid', useBias: true },
    { kind: 'Dense', name: 'd3', units: 5, activation: 'softmax', useBias: true },
  ],
};

const reluCnn: ModelSpec = {
  name: 'tiny-cnn',
  inputShape: [7, 6, 2],
  layers: [
    { kind: 'Conv2D', name: 'c1', filters: 3, kernelSize: [3, 3], strides: 1, padding: 'same', activation: 'relu', useBias: true },
    { kind: 'MaxPooling2D', name: 'p1' },
    { kind: 'Conv2D', name: 'c2', filters: 5, kernelSize: [2, 2], strides: 1, padding: 'valid', activation: 'tanh', useBias: true },
    { kind: 'Flatten', name: 'f' },
    { kind: 'Dense', name: 'd', units: 4, activation: 'linear', useBias: true },
    { kind: 'Activation', name: 'sm', activation: 'softmax' },
  ],
};

/** Padding (asymmetric), overlapping max-pooling, leaky relu, a stride-2 'valid' conv with elu, stride-1 average pooling. */
const newOpsCnn: ModelSpec = {
  name: 'tiny-new-ops',
  inputShape: [11, 10, 2],
  layers: [
    { kind: 'ZeroPadding2D', name: 'pad1', padding: [[1, 0], [2, 1]] }, // 12 × 13
    { kind: 'Conv2D', name: 'c1', filters: 4, kernelSize: [3, 3], strides: 1, padding: 'valid', activation: 'tanh', useBias: true },
    { kind: 'MaxPooling2D', name: 'p1', poolSize: [3, 3], strides: [2, 2] }, // 10 × 11 → 4 × 5
    { kind: 'LeakyReLU', name: 'leaky', alpha: 0.2 },
    { kind: 'ZeroPadding2D', name: 'pad2', padding: [[1, 1], [0, 1]] }, // 6 × 6
    { kind: 'Conv2D', name: 'c2', filters: 3, kernelSize: [2, 2], strides: 2, padding: 'valid', activation: 'elu', useBias: true },
    { kind: 'AveragePooling2D', name: 'p2', poolSize: [2, 2], strides: [1, 1] }, // 3 × 3 → 2 × 2
    { kind: 'Flatten', name: 'f' },
    { kind: 'Dense', name: 'd', units: 4, activation: 'softmax', useBias: true },
  ],
};

/**
 * Central finite differences of the mean cross-entropy in float32, against the analytic gradient, for every
 * parameter and every input value. eps is large enough for float32 round-off, small enough for curvature.
 */
async function gradientCheck(spec: ModelSpec, seed: number) {
  const model = randomModel(spec, seed);
  const n = 3;
  const net = await network(model, n);
  const inSize = net.input.size;
  const x = randomArray(n * inSize, seed + 100, 1);
  const r = rng(seed);
  const labels = Array.from({ length: n }, () => Math.floor(r() * net.classes));
  const lossAt = () => {
    net.forward(n);
    return net.loss(labels, n);
  };
  net.setInput(x, n);
  lossAt();
  net.backward(n, { params: true, input: true });
  const analytic = new Map(net.params.map((p) => [p.layer, { k: net.arena.f32(p.dKernel, p.kernelLen).slice(), b: p.biasLen ? net.arena.f32(p.dBias, p.biasLen).slice() : undefined }]));
  const dx = net.readGrad(net.input, 0, n);

  const eps = 4e-3;
  let worst = 0;
  let checked = 0;
  let where = '';
  const compare = (numeric: number, exact: number) => {
    const err = Math.abs(numeric - exact) / Math.max(2e-2, Math.abs(exact) + Math.abs(numeric));
    if (process.env.DEBUG_FD && err > 2e-2) console.log(where, numeric, exact);
    worst = Math.max(worst, err);
    checked++;
  };
  // Near a relu kink or a max-pool tie a difference quotient straddles two linear pieces: there FD(eps) and
  // FD(eps/2) disagree. Such points are skipped (and counted: they must stay rare).
  let kinks = 0;
  const fd = (view: () => Float32Array, i: number, h: number, after?: () => void) => {
    const v = view()[i];
    view()[i] = v + h;
    after?.();
    const up = lossAt();
    view()[i] = v - h;
    after?.();
    const down = lossAt();
    view()[i] = v;
    after?.();
    return (up - down) / (2 * h);
  };
  const probe = (view: () => Float32Array, i: number, exact: number, after?: () => void) => {
    const a = fd(view, i, eps, after);
    const b = fd(view, i, eps / 2, after);
    if (Math.abs(a - b) > 0.05 * Math.abs(a) + 2e-3) kinks++;
    else compare(b, exact);
  };
  for (const p of net.params) {
    const g = analytic.get(p.layer)!;
    where = p.layer;
    for (let i = 0; i < p.kernelLen; i++) probe(() => net.arena.f32(p.kernel, p.kernelLen), i, g.k[i], () => net.repack());
    for (let i = 0; i < p.biasLen; i++) probe(() => net.arena.f32(p.bias, p.biasLen), i, g.b![i]);
  }
  where = 'input';
  for (let i = 0; i < n * inSize; i++) probe(() => net.arena.f32(net.input.ptr, n * inSize), i, dx[i]);
  return { worst, checked, kinks };
}

describe('Network: finite-difference gradient checks of whole models', () => {
  it('tanh/sigmoid MLP 12→9→7→5: every parameter and input', async () => {
    const { worst, checked, kinks } = await gradientCheck(tanhMlp, 11);
    expect(kinks).toBe(0); // smooth activations: no kinks
    expect(checked).toBe(12 * 9 + 9 + 9 * 7 + 7 + 7 * 5 + 5 + 3 * 12);
    expect(worst).toBeLessThan(2e-2);
  });

  it('relu CNN with pooling, valid/same convs, flatten, softmax layer: every parameter and input', async () => {
    const { worst, checked, kinks } = await gradientCheck(reluCnn, 5);
    expect(kinks).toBeLessThan(checked / 50);
    expect(checked).toBeGreaterThan(200);
    expect(worst).toBeLessThan(2e-2);
  });
});

describe('Network: finite-difference gradient checks with padding, any pooling, leaky relu', () => {
  it('pad → conv → max-pool 3×3/2 → leaky relu → pad → conv stride 2 (elu) → avg-pool 2×2/1 → dense: every parameter and input', async () => {
    const { worst, checked, kinks } = await gradientCheck(newOpsCnn, 7);
    expect(kinks).toBeLessThan(checked / 50);
    expect(checked).toBeGreaterThan(300);
    expect(worst).toBeLessThan(2e-2);
  });
});

describe('Network matches TensorFlow.js on whole models', () => {
  /** A small tfjs model with seeded weights, the same model on our Network, and n seeded digit-like inputs run forward. */
  async function pair(make: typeof tfMlp | typeof tfCnn, seed: number, n: number, inputSeed: number) {
    const tf = await tfCpu();
    const tfModel = make(tf, seed);
    const net = await network(await loadedFromTf(tf, tfModel), n);
    const x = randomArray(n * INPUT_SIZE, inputSeed, 0.5).map((v) => v + 0.5);
    net.setInput(x, n);
    net.forward(n);
    return { tf, tfModel, net, xt: tf.tensor4d(x, [n, ...INPUT_SHAPE]) };
  }

  for (const [name, make] of [['mlp', tfMlp], ['cnn', tfCnn]] as const) {
    it(`${name}: every layer's output, the probabilities, and d logit / d input`, async () => {
      const n = 5;
      const { tf, tfModel, net, xt } = await pair(make, 3, n, 9);
      // Every layer's output, layer by layer through TensorFlow.js.
      let h: any = xt;
      for (const [i, layer] of tfModel.layers.entries()) {
        h = layer.apply(h);
        const step = net.steps[i];
        expect(maxRelDiff(net.read(step.a, 0, n), h.dataSync()), `layer ${layer.name}`).toBeLessThan(1e-4);
      }
      // Gradient of logit[3] with respect to the input.
      // The logits: every layer but the final softmax (an Activation layer, or the last Dense's activation).
      const f = (inp: any) => {
        let y = inp;
        for (const layer of tfModel.layers) {
          const last = layer === tfModel.layers.at(-1);
          if (last && layer.getClassName() === 'Activation') continue;
          if (last && layer.getClassName() === 'Dense') {
            y = tf.add(tf.matMul(y, (layer as any).kernel.read()), (layer as any).bias.read());
          } else y = layer.apply(y);
        }
        return tf.sum(tf.slice(y, [0, 3], [-1, 1]));
      };
      const expected = tf.grad(f)(xt).dataSync();
      net.seedTarget(n, 3);
      net.backward(n, { params: false, input: true });
      expect(maxRelDiff(net.readGrad(net.input, 0, n), expected)).toBeLessThan(1e-4);
    });
  }

  it('parameter gradients of the cross-entropy match tf.grads', async () => {
    const n = 6;
    const { tf, tfModel, net, xt } = await pair(tfCnn, 4, n, 2);
    const labels = [0, 1, 2, 3, 4, 9];
    const loss = net.loss(labels, n);
    net.backward(n);
    const yt = tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES);
    // softmax(log p) = p, so this is the plain mean cross-entropy of the model's probabilities.
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(yt, tf.log(tfModel.predict(xt) as any)) as any);
    expect(Math.abs(loss - value.dataSync()[0])).toBeLessThan(1e-4);
    // trainableWeights are kernel, bias per layer, in layer order, like net.params.
    const tfGrads = tfModel.trainableWeights.map((w) => grads[(w.read() as any).name].dataSync());
    expect(tfGrads.length).toBe(2 * net.params.length);
    net.params.forEach((p, i) => {
      expect(maxRelDiff(net.arena.f32(p.dKernel, p.kernelLen).slice(), tfGrads[2 * i]), `${p.layer}/kernel`).toBeLessThan(1e-4);
      expect(maxRelDiff(net.arena.f32(p.dBias, p.biasLen).slice(), tfGrads[2 * i + 1]), `${p.layer}/bias`).toBeLessThan(1e-4);
    });
  });
});
