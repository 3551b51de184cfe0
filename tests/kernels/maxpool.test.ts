// maxPool2Forward / maxPool2Backward against tf.maxPool (2×2, stride 2, 'valid') and its gradient on the cpu backend.
import { beforeEach, describe, expect, it } from 'vitest';
import { kernels, type Kernels } from '../helpers/engine.ts';
import { randomArray, maxRelDiff } from '../helpers/random.ts';
import { tfCpu } from '../helpers/tf.ts';

type Shape = [number, number, number, number];

let k: Kernels;
beforeEach(async () => {
  k = await kernels();
  k.reset();
});

/** tf.maxPool and its gradient for upstream dy. */
async function reference(x: Float32Array, dy: Float32Array, s: Shape) {
  const tf = await tfCpu();
  const [n, h, w, c] = s;
  const xt = tf.tensor4d(x, s);
  const yt = tf.maxPool(xt, 2, 2, 'valid');
  const dyt = tf.tensor4d(dy, [n, h >> 1, w >> 1, c]);
  const dxt = tf.grad((t) => tf.maxPool(t as typeof xt, 2, 2, 'valid'))(xt, dyt);
  const out = { y: yt.dataSync() as Float32Array, dx: dxt.dataSync() as Float32Array };
  tf.dispose([xt, yt, dyt, dxt]);
  return out;
}

function ours(x: Float32Array, dy: Float32Array, [n, h, w, c]: Shape) {
  const ny = n * (h >> 1) * (w >> 1) * c;
  const px = k.put(x), pdy = k.put(dy);
  const py = k.fill(ny), pdx = k.fill(x.length); // NaN: anything the kernel forgets to write shows up
  k.ex.maxPool2Forward(px, py, n, h, w, c);
  k.ex.maxPool2Backward(px, pdy, pdx, n, h, w, c);
  return { y: k.get(py, ny), dx: k.get(pdx, x.length) };
}

function check(s: Shape, x: Float32Array, seed: number) {
  return async () => {
    const [n, h, w, c] = s;
    const dy = randomArray(n * (h >> 1) * (w >> 1) * c, seed + 1);
    const want = await reference(x, dy, s);
    const got = ours(x, dy, s);
    expect(maxRelDiff(got.y, want.y)).toBe(0); // max is exact
    expect(maxRelDiff(got.dx, want.dx)).toBe(0); // routing copies dy exactly
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
    it(`x=[${s}] random`, check(s, randomArray(size, 100 + i), 200 + i));
    // Values on a coarse grid make ties common: the gradient must go to the first max in row-major order.
    const coarse = randomArray(size, 300 + i).map((v) => Math.round(v * 2) / 2);
    it(`x=[${s}] ties`, check(s, coarse, 400 + i));
  });

  it('x=[2,4,4,5] all equal: every window routes to its top-left tap', check([2, 4, 4, 5], new Float32Array(160).fill(0.5), 7));
});
