// maxPool2Forward / maxPool2Backward against tf.maxPool (2×2, stride 2, 'valid') and its gradient on the cpu backend.
import { describe, it } from 'vitest';
import { randomArray } from '../helpers/random.ts';
import { checkOp, useKernels, type OpTest, type Tensor } from './harness.ts';

useKernels();

type Shape = [number, number, number, number];

/** Forward and the gradient for upstream dy (seeded from `seed`); both exact: max and routing copy values. */
function maxPool(s: Shape, x: Float32Array, seed: number): OpTest {
  const [n, h, w, c] = s;
  const dy = randomArray(n * (h >> 1) * (w >> 1) * c, seed + 1);
  return {
    ours: (k) => {
      const ny = dy.length;
      const px = k.put(x), pdy = k.put(dy);
      const py = k.fill(ny), pdx = k.fill(x.length); // NaN: anything the kernel forgets to write shows up
      k.ex.maxPool2Forward(px, py, n, h, w, c);
      k.ex.maxPool2Backward(px, pdy, pdx, n, h, w, c);
      return { y: k.get(py, ny), dx: k.get(pdx, x.length) };
    },
    reference: (tf) => {
      const pool = (t: Tensor) => tf.maxPool(t as Parameters<typeof tf.maxPool>[0], 2, 2, 'valid');
      const xt = tf.tensor4d(x, s);
      return { y: pool(xt), dx: tf.grad(pool)(xt, tf.tensor4d(dy, [n, h >> 1, w >> 1, c])) };
    },
    tol: 0,
  };
}

const shapes: Shape[] = [
  [1, 2, 2, 1],
  [1, 28, 28, 1],
  [2, 5, 5, 3],
  [3, 7, 6, 8],
  [2, 13, 13, 16],
  [1, 28, 28, 32],
  [65, 14, 14, 16],
  [4, 9, 11, 6],
  [2, 6, 7, 5],
  [1, 1, 4, 4], // h = 1: no output rows, dx all zero
  [2, 4, 1, 3], // w = 1: no output columns, dx all zero
];

describe('maxPool2 vs tf.maxPool', () => {
  shapes.forEach((s, i) => {
    const size = s[0] * s[1] * s[2] * s[3];
    it(`x=[${s}] random`, () => void checkOp(maxPool(s, randomArray(size, 100 + i), 200 + i)));
    // Values on a coarse grid make ties common: the gradient must go to the first max in row-major order.
    const coarse = randomArray(size, 300 + i).map((v) => Math.round(v * 2) / 2);
    it(`x=[${s}] ties`, () => void checkOp(maxPool(s, coarse, 400 + i)));
  });

  it('x=[2,4,4,5] all equal: every window routes to its top-left tap', () =>
    void checkOp(maxPool([2, 4, 4, 5], new Float32Array(160).fill(0.5), 7)));
});
