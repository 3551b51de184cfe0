// pad2dForward / pad2dBackward (ZeroPadding2D, any and asymmetric pads) against tf.pad and its gradient (a slice).
import { describe, it } from 'vitest';
import { randomArray } from '../helpers/random.ts';
import { checkOp, expectGuard, guarded, useKernels, type OpTest, type Tensor } from './harness.ts';

useKernels();

type Shape = [number, number, number, number];
/** [top, bottom, left, right] */
type Pads = [number, number, number, number];

function pad(s: Shape, p: Pads, seed: number): OpTest {
  const [n, h, w, c] = s;
  const [t, b, l, r] = p;
  const x = randomArray(n * h * w * c, seed);
  const outShape: Shape = [n, h + t + b, w + l + r, c];
  const dy = randomArray(outShape.reduce((a, v) => a * v, 1), seed + 1);
  return {
    ours: (k) => {
      const py = guarded(dy.length), pdx = guarded(x.length);
      k.ex.pad2dForward(k.put(x), py, ...s, ...p);
      k.ex.pad2dBackward(k.put(dy), pdx, ...s, ...p);
      expectGuard(py, dy.length);
      expectGuard(pdx, x.length);
      return { y: k.get(py, dy.length), dx: k.get(pdx, x.length) };
    },
    reference: (tf) => {
      const f = (v: Tensor) => tf.pad(v, [[0, 0], [t, b], [l, r], [0, 0]]);
      const xt = tf.tensor4d(x, s);
      return { y: f(xt), dx: tf.grad(f)(xt, tf.tensor4d(dy, outShape)) };
    },
    tol: 0, // copies: exact
  };
}

const cases: [Shape, Pads][] = [
  [[1, 28, 28, 1], [1, 1, 1, 1]],
  [[2, 28, 28, 1], [1, 0, 1, 0]], // what PyTorch's stride-2 padding=1 conv needs on top of TensorFlow's 'valid'
  [[2, 14, 14, 6], [2, 2, 2, 2]],
  [[3, 5, 7, 3], [0, 3, 2, 0]], // asymmetric
  [[1, 4, 4, 5], [0, 0, 0, 0]], // nothing
  [[2, 1, 1, 2], [3, 1, 0, 2]],
];

describe('pad2d vs tf.pad', () => {
  cases.forEach(([s, p], i) => it(`x=[${s}] pads=[${p}] (top, bottom, left, right)`, () => void checkOp(pad(s, p, 50 + i))));
});
