// softmaxCrossEntropy against TensorFlow.js (tf.losses.softmaxCrossEntropy, mean over rows) and a float64
// finite-difference check of dlogits.
import { describe, expect, it } from 'vitest';
import { maxRelDiff, randomArray, rng } from '../helpers/random.ts';
import { checkOp, k, numericGrad, useKernels, type Tensor } from './harness.ts';

useKernels();

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
    // loss: |a − b| / max(1, |b|), the elementwise metric on one number.
    const got = checkOp({
      ours: () => run(xs, labels, rows, cols),
      reference: (tf) => {
        const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), cols);
        const x = tf.tensor2d(xs, [rows, cols]);
        const f = (l: Tensor) => tf.losses.softmaxCrossEntropy(onehot, l);
        return { loss: f(x).dataSync()[0], probs: tf.softmax(x), dlogits: tf.grad(f)(x) };
      },
      tol: 1e-4,
    }) as ReturnType<typeof run>;
    expect(Math.abs(got.loss - exactLoss(xs, labels, rows, cols)) / Math.max(1, got.loss)).toBeLessThan(1e-5);
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
    expect(maxRelDiff(got.dlogits, numericGrad(xs, (a) => exactLoss(a, labels, rows, cols), 1e-4))).toBeLessThan(1e-5);
  });
});
