// maxPool / avgPool (any window and strides, 'valid', floor) against tf.maxPool / tf.avgPool and their gradients on
// the cpu backend, and against central differences of our own forward kernel.
import { describe, expect, it } from 'vitest';
import { maxRelDiff, randomArray } from '../helpers/random.ts';
import { checkOp, expectGuard, guarded, k, numericGrad, relToMax, useKernels, type OpTest, type Tensor, type TF } from './harness.ts';

useKernels();

type Shape = [number, number, number, number];
/** [ph, pw, sh, sw] */
type Pool = [number, number, number, number];
type Kind = 'max' | 'avg';

const outSize = ([, h, w]: Shape, [ph, pw, sh, sw]: Pool) => [Math.floor((h - ph) / sh) + 1, Math.floor((w - pw) / sw) + 1];

function forward(kind: Kind, s: Shape, p: Pool, px: number, py: number): void {
  if (kind === 'max') k.ex.maxPoolForward(px, py, ...s, ...p);
  else k.ex.avgPoolForward(px, py, ...s, ...p);
}

/** Forward and the gradient for upstream dy. */
function pool(kind: Kind, s: Shape, p: Pool, x: Float32Array, seed: number): OpTest {
  const [n, , , c] = s;
  const [oh, ow] = outSize(s, p);
  const dy = randomArray(n * oh * ow * c, seed + 1);
  return {
    ours: (k) => {
      const px = k.put(x), pdy = k.put(dy);
      const py = guarded(dy.length), pdx = guarded(x.length); // NaN-filled: anything not written shows
      forward(kind, s, p, px, py);
      if (kind === 'max') k.ex.maxPoolBackward(px, pdy, pdx, ...s, ...p);
      else k.ex.avgPoolBackward(pdy, pdx, ...s, ...p);
      expectGuard(py, dy.length);
      expectGuard(pdx, x.length);
      return { y: k.get(py, dy.length), dx: k.get(pdx, x.length) };
    },
    reference: (tf) => {
      const f = (t: Tensor) => reference(tf, kind, t, p);
      const xt = tf.tensor4d(x, s);
      return { y: f(xt), dx: tf.grad(f)(xt, tf.tensor4d(dy, [n, oh, ow, c])) };
    },
    // Max copies values: exact, unless overlapping windows add several dy at one tap (in another order than tf).
    tol: kind === 'avg' ? 1e-6 : { y: 0, dx: p[0] > p[2] || p[1] > p[3] ? 1e-6 : 0 },
    metric: kind === 'max' ? undefined : relToMax,
  };
}

function reference(tf: TF, kind: Kind, t: Tensor, [ph, pw, sh, sw]: Pool): Tensor {
  const x = t as Parameters<typeof tf.maxPool>[0];
  return kind === 'max' ? tf.maxPool(x, [ph, pw], [sh, sw], 'valid') : tf.avgPool(x, [ph, pw], [sh, sw], 'valid');
}

const cases: [Shape, Pool][] = [
  [[1, 28, 28, 1], [2, 2, 2, 2]],
  [[2, 13, 13, 3], [3, 3, 2, 2]], // MaxPool2d(3, 2): overlapping windows
  [[2, 7, 7, 5], [2, 2, 2, 2]], // odd size: the last row and column dropped (floor)
  [[1, 9, 11, 8], [3, 3, 3, 3]],
  [[3, 10, 9, 4], [2, 3, 1, 2]], // stride 1 rows, stride 2 columns, a 2×3 window
  [[2, 6, 6, 6], [3, 3, 1, 1]], // stride 1: every tap in up to 9 windows
  [[1, 5, 5, 7], [5, 5, 1, 1]], // one window: global pooling
  [[4, 14, 14, 16], [2, 2, 2, 2]],
  [[2, 12, 12, 9], [4, 4, 4, 4]],
  [[1, 3, 8, 2], [3, 1, 1, 3]], // w − pw not a multiple of sw
];

describe.each(['max', 'avg'] as Kind[])('%sPool vs tf', (kind) => {
  cases.forEach(([s, p], i) => {
    const size = s[0] * s[1] * s[2] * s[3];
    it(`x=[${s}] pool=[${p.slice(0, 2)}] strides=[${p.slice(2)}] random`, () => void checkOp(pool(kind, s, p, randomArray(size, 10 + i), 20 + i)));
    if (kind === 'max') {
      // Values on a coarse grid make ties common: the gradient must go to the first max in row-major order.
      const coarse = randomArray(size, 30 + i).map((v) => Math.round(v * 2) / 2);
      it(`x=[${s}] pool=[${p.slice(0, 2)}] strides=[${p.slice(2)}] ties`, () => void checkOp(pool(kind, s, p, coarse, 40 + i)));
    }
  });

  it('x=[2,7,9,6] pool=[3,2] strides=[2,3]: backward matches central differences of our forward', () => {
    const s: Shape = [2, 7, 9, 6], p: Pool = [3, 2, 2, 3];
    const [oh, ow] = outSize(s, p);
    const x = randomArray(2 * 7 * 9 * 6, 5, 1), dy = randomArray(2 * oh * ow * 6, 6, 1);
    const ny = dy.length;
    const px = k.alloc(x.length), py = k.alloc(ny), pdx = k.alloc(x.length);
    const loss = (a: Float64Array) => {
      k.set(px, a);
      forward(kind, s, p, px, py);
      return k.get(py, ny).reduce((acc, v, i) => acc + v * dy[i], 0);
    };
    const numeric = numericGrad(x, loss, 1e-3);
    k.set(px, x);
    if (kind === 'max') k.ex.maxPoolBackward(px, k.put(dy), pdx, ...s, ...p);
    else k.ex.avgPoolBackward(k.put(dy), pdx, ...s, ...p);
    expect(maxRelDiff(k.get(pdx, x.length), numeric)).toBeLessThan(2e-3);
  });
});

describe('maxPool edge cases', () => {
  it('a NaN in a window routes nothing from that window (vector lanes and scalar tail alike)', () => {
    const s: Shape = [1, 2, 2, 5], p: Pool = [2, 2, 2, 2];
    const x = Float32Array.from({ length: 20 }, (_, i) => i);
    x[1] = NaN; // channel 1 (a vector lane)
    x[4] = NaN; // channel 4 (the scalar tail)
    const py = k.fill(5), pdx = k.fill(20);
    const px = k.put(x);
    k.ex.maxPoolForward(px, py, ...s, ...p);
    k.ex.maxPoolBackward(px, k.put([1, 1, 1, 1, 1]), pdx, ...s, ...p);
    const y = k.get(py, 5), dx = k.get(pdx, 20);
    expect(Number.isNaN(y[1]) && Number.isNaN(y[4])).toBe(true);
    expect([y[0], y[2], y[3]]).toEqual([15, 17, 18]);
    expect([1, 4, 6, 9, 11, 14, 16, 19].map((i) => dx[i])).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect([15, 17, 18].map((i) => dx[i])).toEqual([1, 1, 1]);
  });

  it('the 2×2 stride-2 case gives exactly what the maxPool2 kernels give', () => {
    const s: Shape = [3, 9, 8, 6];
    const x = randomArray(3 * 9 * 8 * 6, 77).map((v) => Math.round(v * 2) / 2);
    const dy = randomArray(3 * 4 * 4 * 6, 78);
    const px = k.put(x), pdy = k.put(dy);
    const [a, b, da, db] = [k.fill(dy.length), k.fill(dy.length), k.fill(x.length), k.fill(x.length)];
    k.ex.maxPoolForward(px, a, ...s, 2, 2, 2, 2);
    k.ex.maxPool2Forward(px, b, ...s);
    k.ex.maxPoolBackward(px, pdy, da, ...s, 2, 2, 2, 2);
    k.ex.maxPool2Backward(px, pdy, db, ...s);
    expect(k.get(a, dy.length)).toEqual(k.get(b, dy.length));
    expect(k.get(da, x.length)).toEqual(k.get(db, x.length));
  });
});
