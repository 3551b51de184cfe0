// Dense kernels against TensorFlow.js (cpu backend): y = x·W + b and its gradients, over shapes that hit every
// path of assembly/dense.ts (4×8 tiles, leftover rows, partial panels, the batch-1 mat-vec, dw column tails).
import { describe, expect, it } from 'vitest';
import { maxRelDiff, randomArray } from '../helpers/random.ts';
import { checkOp, expectGuard, guarded as output, k, numericGrad, relToMax, tf, useKernels } from './harness.ts';

useKernels();

// Sums of many products are compared at their own scale (relToMax); outputs are guarded (NaN-filled, sentinels after).
const TOL = 1e-4;

interface Shape {
  batch: number;
  nIn: number;
  nOut: number;
  scale?: number;
}

const SHAPES: Shape[] = [
  { batch: 1, nIn: 784, nOut: 128 },
  { batch: 1, nIn: 128, nOut: 64 },
  { batch: 1, nIn: 64, nOut: 10 },
  { batch: 1, nIn: 1, nOut: 1 },
  { batch: 1, nIn: 7, nOut: 33 },
  { batch: 2, nIn: 3, nOut: 7 },
  { batch: 3, nIn: 785, nOut: 10 },
  { batch: 4, nIn: 33, nOut: 1 },
  { batch: 5, nIn: 10, nOut: 40 },
  { batch: 65, nIn: 33, nOut: 10 },
  { batch: 65, nIn: 128, nOut: 64 },
  { batch: 7, nIn: 1, nOut: 3 },
  { batch: 256, nIn: 784, nOut: 128 },
  { batch: 65, nIn: 785, nOut: 7 },
  { batch: 9, nIn: 16, nOut: 24, scale: 1e3 },
  { batch: 66, nIn: 785, nOut: 33, scale: 50 },
];

const name = (s: Shape) => `x=[${s.batch},${s.nIn}] W=[${s.nIn},${s.nOut}]${s.scale ? ` scale=${s.scale}` : ''}`;

describe.each(SHAPES)('dense $batch×$nIn → $nOut', (s) => {
  const { batch, nIn, nOut } = s;
  const scale = s.scale ?? 1;
  const xs = randomArray(batch * nIn, 11 + nIn, scale);
  const ws = randomArray(nIn * nOut, 12 + nOut, scale * Math.sqrt(3 / nIn));
  const bs = randomArray(nOut, 13, scale);
  const dys = randomArray(batch * nOut, 14 + batch, scale);

  function packed() {
    const len = k.ex.densePackedLength(nIn, nOut);
    const wp = output(len);
    k.ex.densePack(k.put(ws), wp, nIn, nOut);
    expectGuard(wp, len);
    return wp;
  }

  /** denseForward with the bias, or with b = 0 (no bias), against x·W (+ b). */
  const forward = (bias: boolean) => {
    const y = checkOp({
      ours: (k) => {
        const y = output(batch * nOut);
        k.ex.denseForward(k.put(xs), packed(), bias ? k.put(bs) : 0, y, batch, nIn, nOut);
        expectGuard(y, batch * nOut);
        return { y: k.get(y, batch * nOut) };
      },
      reference: (tf) => {
        const xw = tf.matMul(tf.tensor2d(xs, [batch, nIn]), tf.tensor2d(ws, [nIn, nOut]));
        return { y: bias ? tf.add(xw, tf.tensor1d(bs)) : xw };
      },
      tol: TOL,
      metric: relToMax,
    }).y;
    return y as Float32Array;
  };

  it(`${name(s)} forward with bias`, () => {
    const y = forward(true);
    // At unit scale, element by element too.
    if (scale === 1) {
      const ref = tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(xs, [batch, nIn]), tf.tensor2d(ws, [nIn, nOut])), tf.tensor1d(bs)).dataSync());
      expect(maxRelDiff(y, ref)).toBeLessThan(TOL);
    }
  });

  it(`${name(s)} forward without bias (b = 0)`, () => void forward(false));

  it(`${name(s)} backward dx, dw, db match tf.grads`, () =>
    void checkOp({
      ours: (k) => {
        const wp = packed();
        const px = k.put(xs), pdy = k.put(dys);
        const dx = output(batch * nIn), dw = output(nIn * nOut), db = output(nOut);
        k.ex.denseBackwardInput(pdy, wp, dx, batch, nIn, nOut);
        k.ex.denseBackwardParams(px, pdy, dw, db, batch, nIn, nOut);
        for (const [p, n] of [[dx, batch * nIn], [dw, nIn * nOut], [db, nOut]]) expectGuard(p, n);
        return { dx: k.get(dx, batch * nIn), dw: k.get(dw, nIn * nOut), db: k.get(db, nOut) };
      },
      reference: (tf) => {
        const f = tf.grads((x, w, b) => tf.add(tf.matMul(x, w), b));
        const [dx, dw, db] = f([tf.tensor2d(xs, [batch, nIn]), tf.tensor2d(ws, [nIn, nOut]), tf.tensor1d(bs)], tf.tensor2d(dys, [batch, nOut]));
        return { dx, dw, db };
      },
      tol: TOL,
      metric: relToMax,
    }));

  it(`${name(s)} backward params with db = 0 leaves db alone`, () =>
    void checkOp({
      ours: (k) => {
        const dw = output(nIn * nOut);
        k.ex.denseBackwardParams(k.put(xs), k.put(dys), dw, 0, batch, nIn, nOut);
        expectGuard(dw, nIn * nOut);
        return { dw: k.get(dw, nIn * nOut) };
      },
      reference: (tf) => ({ dw: tf.matMul(tf.tensor2d(xs, [batch, nIn]), tf.tensor2d(dys, [batch, nOut]), true, false) }),
      tol: TOL,
      metric: relToMax,
    }));
});

describe('dense packing', () => {
  it('densePackedLength = forward panels [⌈nOut/8⌉][nIn][8] + transposed panels [⌈nIn/8⌉][nOut][8]', () => {
    expect(k.ex.densePackedLength(784, 128)).toBe(16 * 784 * 8 + 98 * 128 * 8);
    expect(k.ex.densePackedLength(7, 10)).toBe(2 * 7 * 8 + 1 * 10 * 8);
    expect(k.ex.densePackedLength(1, 1)).toBe(8 + 8);
  });

  it('repacking after W changes gives the new product', () => {
    const [batch, nIn, nOut] = [3, 9, 11];
    const xs = randomArray(batch * nIn, 1), w1 = randomArray(nIn * nOut, 2), w2 = randomArray(nIn * nOut, 3);
    const wp = k.alloc(k.ex.densePackedLength(nIn, nOut));
    const pw = k.put(w1), px = k.put(xs), y = k.alloc(batch * nOut);
    k.ex.densePack(pw, wp, nIn, nOut);
    k.set(pw, w2);
    k.ex.densePack(pw, wp, nIn, nOut);
    k.ex.denseForward(px, wp, 0, y, batch, nIn, nOut);
    const ref = tf.tidy(() => tf.matMul(tf.tensor2d(xs, [batch, nIn]), tf.tensor2d(w2, [nIn, nOut])).dataSync());
    expect(relToMax(k.get(y, batch * nOut), ref)).toBeLessThan(TOL);
  });
});

describe('dense finite differences (float64 JS reference)', () => {
  // L(x, W, b) = Σ dy ⊙ (x·W + b). L is linear in each argument, so the central difference is exact up to
  // float64 rounding: it checks the kernels' gradient formulas independently of TensorFlow.js.
  const [batch, nIn, nOut] = [2, 3, 5];
  const xs = randomArray(batch * nIn, 21), ws = randomArray(nIn * nOut, 22), bs = randomArray(nOut, 23);
  const dys = randomArray(batch * nOut, 24);
  const loss = (x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>) => {
    let l = 0;
    for (let r = 0; r < batch; r++) {
      for (let j = 0; j < nOut; j++) {
        let y = b[j];
        for (let i = 0; i < nIn; i++) y += x[r * nIn + i] * w[i * nOut + j];
        l += dys[r * nOut + j] * y;
      }
    }
    return l;
  };
  const fd = (arr: Float32Array, f: (a: Float64Array) => number) => numericGrad(arr, f, 1e-3);

  it(`x=[${batch},${nIn}] W=[${nIn},${nOut}] dx, dw, db`, () => {
    const wp = k.alloc(k.ex.densePackedLength(nIn, nOut));
    k.ex.densePack(k.put(ws), wp, nIn, nOut);
    const px = k.put(xs), pdy = k.put(dys);
    const dx = k.alloc(batch * nIn), dw = k.alloc(nIn * nOut), db = k.alloc(nOut);
    k.ex.denseBackwardInput(pdy, wp, dx, batch, nIn, nOut);
    k.ex.denseBackwardParams(px, pdy, dw, db, batch, nIn, nOut);
    expect(maxRelDiff(k.get(dx, batch * nIn), fd(xs, (a) => loss(a, ws, bs)))).toBeLessThan(1e-5);
    expect(maxRelDiff(k.get(dw, nIn * nOut), fd(ws, (a) => loss(xs, a, bs)))).toBeLessThan(1e-5);
    expect(maxRelDiff(k.get(db, nOut), fd(bs, (a) => loss(xs, ws, a)))).toBeLessThan(1e-5);
  });
});
