// softmaxCrossEntropy against TensorFlow.js (tf.losses.softmaxCrossEntropy, mean over rows) and a float64
// finite-difference check of dlogits.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kernels, type Kernels } from '../helpers/engine.ts';
import { tfCpu } from '../helpers/tf.ts';
import { maxRelDiff, randomArray, rng } from '../helpers/random.ts';

let k: Kernels;
let tf: Awaited<ReturnType<typeof tfCpu>>;
beforeAll(async () => {
  k = await kernels();
  tf = await tfCpu();
});
beforeEach(() => k.reset());

type Tensor = ReturnType<typeof tf.tensor>;

function labelsFor(rows: number, cols: number, seed: number): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: rows }, () => Math.floor(r() * cols));
}

function run(xs: ArrayLike<number>, labels: ArrayLike<number>, rows: number, cols: number) {
  const probs = k.fill(rows * cols), dlogits = k.fill(rows * cols);
  const loss = k.ex.softmaxCrossEntropy(k.put(xs), k.putI32(labels), probs, dlogits, rows, cols);
  return { loss, probs: k.get(probs, rows * cols), dlogits: k.get(dlogits, rows * cols) };
}

/** Mean cross-entropy in float64 with log-sum-exp. */
function exactLoss(xs: ArrayLike<number>, labels: ArrayLike<number>, rows: number, cols: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, xs[r * cols + j]);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(xs[r * cols + j] - m);
    total += m + Math.log(s) - xs[r * cols + labels[r]];
  }
  return total / rows;
}

const SHAPES: [number, number][] = [[1, 10], [2, 3], [3, 2], [4, 7], [65, 10], [5, 33], [256, 10]];

describe.each(SHAPES)('softmaxCrossEntropy logits=[%d,%d]', (rows, cols) => {
  it.each([1, 20, 1e4])(`logits=[${rows},${cols}] in ±%d: loss, probs and dlogits match tfjs`, (scale) => {
    const xs = randomArray(rows * cols, rows * 13 + cols, scale);
    const labels = labelsFor(rows, cols, rows + cols);
    const got = run(xs, labels, rows, cols);
    const [refLoss, refProbs, refGrad] = tf.tidy(() => {
      const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), cols);
      const x = tf.tensor2d(xs, [rows, cols]);
      const f = (l: Tensor) => tf.losses.softmaxCrossEntropy(onehot, l);
      return [f(x).dataSync()[0], tf.softmax(x).dataSync(), tf.grad(f)(x).dataSync()];
    });
    expect(Math.abs(got.loss - refLoss) / Math.max(1, Math.abs(refLoss))).toBeLessThan(1e-4);
    expect(Math.abs(got.loss - exactLoss(xs, labels, rows, cols)) / Math.max(1, got.loss)).toBeLessThan(1e-5);
    expect(maxRelDiff(got.probs, refProbs)).toBeLessThan(1e-4);
    expect(maxRelDiff(got.dlogits, refGrad)).toBeLessThan(1e-4);
    expect(Number.isFinite(got.loss)).toBe(true);
  });
});

describe('softmaxCrossEntropy edge cases', () => {
  it('one column: loss 0, probs 1, dlogits 0', () => {
    const got = run([3, -7, 1e4], [0, 0, 0], 3, 1);
    expect(got.loss).toBe(0);
    expect(Array.from(got.probs)).toEqual([1, 1, 1]);
    expect(Array.from(got.dlogits)).toEqual([0, 0, 0]);
  });

  it('a label out of [0, cols) gives NaN loss (not a silent wrong number)', () => {
    expect(Number.isNaN(run([1, 2, 3, 4, 5, 6], [0, 3], 2, 3).loss)).toBe(true);
    expect(Number.isNaN(run([1, 2, 3, 4, 5, 6], [-1, 0], 2, 3).loss)).toBe(true);
  });

  it('confident and right: loss ≈ 0; confident and wrong: loss ≈ the logit gap', () => {
    expect(run([100, 0, 0, 0], [0], 1, 4).loss).toBeLessThan(1e-30);
    expect(run([100, 0, 0, 0], [1], 1, 4).loss).toBeCloseTo(100, 4);
  });

  it('finite differences of the mean loss (float64) match dlogits, logits=[3,5]', () => {
    const [rows, cols] = [3, 5];
    const xs = randomArray(rows * cols, 8, 3), labels = labelsFor(rows, cols, 9);
    const got = run(xs, labels, rows, cols);
    const a = Float64Array.from(xs), h = 1e-4, fd: number[] = [];
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      a[i] = v + h;
      const lp = exactLoss(a, labels, rows, cols);
      a[i] = v - h;
      const lm = exactLoss(a, labels, rows, cols);
      a[i] = v;
      fd.push((lp - lm) / (2 * h));
    }
    expect(maxRelDiff(got.dlogits, fd)).toBeLessThan(1e-5);
  });
});
