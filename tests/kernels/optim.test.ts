// Optimiser steps against TensorFlow.js's own optimisers run for several steps on the same gradients:
// tf.train.adam (its update is Kingma & Ba's Algorithm 1, ε added to √v̂, exactly the kernel's formula) and
// tf.train.momentum (heavy ball, no Nesterov). Lengths cover the scalar tail.
import { describe, expect, it } from 'vitest';
import { maxRelDiff, randomArray } from '../helpers/random.ts';
import { checkOp, k, useKernels, type OpTest, type TF } from './harness.ts';

useKernels();

const LENGTHS = [1, 3, 4, 7, 64, 1003];
const STEPS = 4;
const grads = (n: number, t: number, scale = 1) => randomArray(n, 1000 * t + n, scale);

/**
 * STEPS optimiser steps from w0 on the gradients g(t), ours (`step` on the weights at pw and gradients at pg) and
 * TensorFlow.js's optimiser: the weights after every step (w1 … w4) compared.
 */
function stepsOp(
  w0: Float32Array,
  g: (t: number) => Float32Array,
  ours: { state: (n: number) => number[]; step: (pw: number, pg: number, state: number[], n: number, t: number) => void },
  optimizer: (tf: TF) => ReturnType<TF['train']['adam']> | ReturnType<TF['train']['momentum']>,
): OpTest {
  const n = w0.length;
  return {
    ours: (k) => {
      const pw = k.put(w0), pg = k.alloc(n), state = ours.state(n), out: Record<string, Float32Array> = {};
      for (let t = 1; t <= STEPS; t++) {
        k.set(pg, g(t));
        ours.step(pw, pg, state, n, t);
        out[`w${t}`] = k.get(pw, n);
      }
      return out;
    },
    reference: (tf) => {
      const opt = optimizer(tf);
      const v = tf.variable(tf.tensor1d(w0));
      const out: Record<string, Float32Array> = {};
      for (let t = 1; t <= STEPS; t++) {
        tf.tidy(() => opt.applyGradients([{ name: v.name, tensor: tf.tensor1d(g(t)) }]));
        out[`w${t}`] = Float32Array.from(v.dataSync());
      }
      v.dispose();
      opt.dispose();
      return out;
    },
    tol: 1e-5,
  };
}

describe('adamStep', () => {
  const [lr, beta1, beta2, eps] = [0.01, 0.9, 0.999, 1e-7];
  // The second set makes every term matter at the test's tolerance (a large ε, fast-moving averages).
  const HYPER = [[lr, beta1, beta2, eps], [0.1, 0.5, 0.9, 0.1]];

  describe.each(HYPER)('lr=%d β1=%d β2=%d ε=%d', (lr, beta1, beta2, eps) => {
    const adam = {
      state: (n: number) => [k.put(new Float32Array(n)), k.put(new Float32Array(n))],
      step: (pw: number, pg: number, [pm, pv]: number[], n: number, t: number) =>
        k.ex.adamStep(pw, pg, pm, pv, n, lr, beta1, beta2, eps, 1 - beta1 ** t, 1 - beta2 ** t),
    };
    it.each(LENGTHS)(`len=%d, ${STEPS} steps lr=${lr} β1=${beta1} β2=${beta2} ε=${eps} match tf.train.adam`, (n) =>
      // one step (t = 2) with large gradients
      void checkOp(stepsOp(randomArray(n, n, 1), (t) => grads(n, t, t === 2 ? 1e3 : 1), adam, (tf) => tf.train.adam(lr, beta1, beta2, eps))));
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
    const sgd = {
      state: (n: number) => [k.put(new Float32Array(n))],
      step: (pw: number, pg: number, [pvel]: number[], n: number) => k.ex.sgdStep(pw, pg, pvel, n, lr, momentum),
    };
    checkOp(stepsOp(randomArray(n, n + 1, 1), (t) => grads(n, t), sgd, (tf) => tf.train.momentum(lr, momentum)));
  });

  it('momentum 0 is plain SGD: w − lr·g, vel = g', () => {
    const w = Float32Array.from([1, 2, 3, 4, 5]), g = Float32Array.from([0.5, -1, 2, 0, 8]);
    const pw = k.put(w), pvel = k.put([9, 9, 9, 9, 9]);
    k.ex.sgdStep(pw, k.put(g), pvel, 5, 0.1, 0);
    expect(maxRelDiff(k.get(pw, 5), Array.from(w, (x, i) => x - 0.1 * g[i]))).toBeLessThan(1e-7);
    expect(Array.from(k.get(pvel, 5))).toEqual(Array.from(g));
  });
});

describe('meanOfTwo (two data-parallel replicas\' gradients averaged)', () => {
  it.each(LENGTHS)('len %i: exactly the float32 sum halved, in place too', (n) => {
    const a = grads(n, 1, 3), b = grads(n, 2, 1e-3);
    const want = a.map((v, i) => Math.fround(v + b[i]) * 0.5);
    const pa = k.put(a), pb = k.put(b), pd = k.alloc(n);
    k.ex.meanOfTwo(pd, pa, pb, n);
    expect(k.get(pd, n)).toEqual(want);
    k.ex.meanOfTwo(pa, pa, pb, n); // dst = a
    expect(k.get(pa, n)).toEqual(want);
  });
});
