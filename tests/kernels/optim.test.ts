// Optimiser steps against TensorFlow.js's own optimisers run for several steps on the same gradients:
// tf.train.adam (its update is Kingma & Ba's Algorithm 1, ε added to √v̂, exactly the kernel's formula) and
// tf.train.momentum (heavy ball, no Nesterov). Lengths cover the scalar tail.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kernels, type Kernels } from '../helpers/engine.ts';
import { tfCpu } from '../helpers/tf.ts';
import { maxRelDiff, randomArray } from '../helpers/random.ts';

let k: Kernels;
let tf: Awaited<ReturnType<typeof tfCpu>>;
beforeAll(async () => {
  k = await kernels();
  tf = await tfCpu();
});
beforeEach(() => k.reset());

const LENGTHS = [1, 3, 4, 7, 64, 1003];
const STEPS = 4;
const grads = (n: number, t: number, scale = 1) => randomArray(n, 1000 * t + n, scale);

describe('adamStep', () => {
  const [lr, beta1, beta2, eps] = [0.01, 0.9, 0.999, 1e-7];
  // The second set makes every term matter at the test's tolerance (a large ε, fast-moving averages).
  const HYPER = [[lr, beta1, beta2, eps], [0.1, 0.5, 0.9, 0.1]];

  describe.each(HYPER)('lr=%d β1=%d β2=%d ε=%d', (lr, beta1, beta2, eps) => {
    it.each(LENGTHS)(`len=%d, ${STEPS} steps lr=${lr} β1=${beta1} β2=${beta2} ε=${eps} match tf.train.adam`, (n) => {
      const w0 = randomArray(n, n, 1);
      const pw = k.put(w0), pg = k.alloc(n), pm = k.put(new Float32Array(n)), pv = k.put(new Float32Array(n));
      const opt = tf.train.adam(lr, beta1, beta2, eps);
      const v = tf.variable(tf.tensor1d(w0));
      for (let t = 1; t <= STEPS; t++) {
        const g = grads(n, t, t === 2 ? 1e3 : 1); // one step with large gradients
        k.set(pg, g);
        k.ex.adamStep(pw, pg, pm, pv, n, lr, beta1, beta2, eps, 1 - beta1 ** t, 1 - beta2 ** t);
        tf.tidy(() => opt.applyGradients([{ name: v.name, tensor: tf.tensor1d(g) }]));
        expect(maxRelDiff(k.get(pw, n), v.dataSync())).toBeLessThan(1e-5);
      }
      v.dispose();
      opt.dispose();
    });
  });

  it('first step moves every weight by ≈ lr·sign(g) and keeps m, v as the formula says', () => {
    const n = 7;
    const g = Float32Array.from([1, -2, 3e-3, -4e4, 5, 0.5, -1e-2]);
    const pw = k.put(new Float32Array(n)), pm = k.put(new Float32Array(n)), pv = k.put(new Float32Array(n));
    k.ex.adamStep(pw, k.put(g), pm, pv, n, lr, beta1, beta2, 0, 1 - beta1, 1 - beta2);
    expect(maxRelDiff(k.get(pw, n), Array.from(g, (x) => -lr * Math.sign(x)))).toBeLessThan(1e-6);
    expect(maxRelDiff(k.get(pm, n), Array.from(g, (x) => (1 - beta1) * x))).toBeLessThan(1e-6);
    expect(maxRelDiff(k.get(pv, n), Array.from(g, (x) => (1 - beta2) * x * x))).toBeLessThan(1e-6);
  });
});

describe('sgdStep', () => {
  it.each(LENGTHS)(`len=%d, ${STEPS} steps lr=0.05 momentum=0.9 match tf.train.momentum`, (n) => {
    const [lr, momentum] = [0.05, 0.9];
    const w0 = randomArray(n, n + 1, 1);
    const pw = k.put(w0), pg = k.alloc(n), pvel = k.put(new Float32Array(n));
    const opt = tf.train.momentum(lr, momentum);
    const v = tf.variable(tf.tensor1d(w0));
    for (let t = 1; t <= STEPS; t++) {
      const g = grads(n, t);
      k.set(pg, g);
      k.ex.sgdStep(pw, pg, pvel, n, lr, momentum);
      tf.tidy(() => opt.applyGradients([{ name: v.name, tensor: tf.tensor1d(g) }]));
      expect(maxRelDiff(k.get(pw, n), v.dataSync())).toBeLessThan(1e-5);
    }
    v.dispose();
    opt.dispose();
  });

  it('momentum 0 is plain SGD: w − lr·g, vel = g', () => {
    const w = Float32Array.from([1, 2, 3, 4, 5]), g = Float32Array.from([0.5, -1, 2, 0, 8]);
    const pw = k.put(w), pvel = k.put([9, 9, 9, 9, 9]);
    k.ex.sgdStep(pw, k.put(g), pvel, 5, 0.1, 0);
    expect(maxRelDiff(k.get(pw, 5), Array.from(w, (x, i) => x - 0.1 * g[i]))).toBeLessThan(1e-7);
    expect(Array.from(k.get(pvel, 5))).toEqual(Array.from(g));
  });
});
