// Dense kernels against TensorFlow.js (cpu backend): y = x·W + b and its gradients, over shapes that hit every
// path of assembly/dense.ts (4×8 tiles, leftover rows, partial panels, the batch-1 mat-vec, dw column tails).
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

const TOL = 1e-4;
const SENTINEL = 12345.5;

/** Largest |a − b| relative to max(1, max |b|): sums of many products are compared at their own scale. */
function relToMax(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 1;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(b[i]));
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    d = Number.isNaN(e) ? Infinity : Math.max(d, e);
  }
  return d / m;
}

/** An output buffer pre-filled with NaN (an unwritten element shows) followed by 8 sentinel floats. */
function output(n: number) {
  const p = k.fill(n + 8, NaN);
  k.set(p + n * 4, new Array(8).fill(SENTINEL));
  return p;
}

function expectSentinel(p: number, n: number) {
  expect(Array.from(k.get(p + n * 4, 8))).toEqual(new Array(8).fill(SENTINEL));
}

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
    expectSentinel(wp, len);
    return wp;
  }

  it(`${name(s)} forward with bias`, () => {
    const wp = packed();
    const y = output(batch * nOut);
    k.ex.denseForward(k.put(xs), wp, k.put(bs), y, batch, nIn, nOut);
    const ref = tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(xs, [batch, nIn]), tf.tensor2d(ws, [nIn, nOut])), tf.tensor1d(bs)).dataSync());
    expect(relToMax(k.get(y, batch * nOut), ref)).toBeLessThan(TOL);
    if (scale === 1) expect(maxRelDiff(k.get(y, batch * nOut), ref)).toBeLessThan(TOL);
    expectSentinel(y, batch * nOut);
  });

  it(`${name(s)} forward without bias (b = 0)`, () => {
    const wp = packed();
    const y = output(batch * nOut);
    k.ex.denseForward(k.put(xs), wp, 0, y, batch, nIn, nOut);
    const ref = tf.tidy(() => tf.matMul(tf.tensor2d(xs, [batch, nIn]), tf.tensor2d(ws, [nIn, nOut])).dataSync());
    expect(relToMax(k.get(y, batch * nOut), ref)).toBeLessThan(TOL);
    expectSentinel(y, batch * nOut);
  });

  it(`${name(s)} backward dx, dw, db match tf.grads`, () => {
    const wp = packed();
    const px = k.put(xs), pdy = k.put(dys);
    const dx = output(batch * nIn), dw = output(nIn * nOut), db = output(nOut);
    k.ex.denseBackwardInput(pdy, wp, dx, batch, nIn, nOut);
    k.ex.denseBackwardParams(px, pdy, dw, db, batch, nIn, nOut);
    const [rdx, rdw, rdb] = tf.tidy(() => {
      const f = tf.grads((x, w, b) => tf.add(tf.matMul(x, w), b));
      const g = f([tf.tensor2d(xs, [batch, nIn]), tf.tensor2d(ws, [nIn, nOut]), tf.tensor1d(bs)], tf.tensor2d(dys, [batch, nOut]));
      return g.map((t) => t.dataSync());
    });
    expect(relToMax(k.get(dx, batch * nIn), rdx)).toBeLessThan(TOL);
    expect(relToMax(k.get(dw, nIn * nOut), rdw)).toBeLessThan(TOL);
    expect(relToMax(k.get(db, nOut), rdb)).toBeLessThan(TOL);
    for (const [p, n] of [[dx, batch * nIn], [dw, nIn * nOut], [db, nOut]]) expectSentinel(p, n);
  });

  it(`${name(s)} backward params with db = 0 leaves db alone`, () => {
    const dw = output(nIn * nOut);
    k.ex.denseBackwardParams(k.put(xs), k.put(dys), dw, 0, batch, nIn, nOut);
    const ref = tf.tidy(() => tf.matMul(tf.tensor2d(xs, [batch, nIn]), tf.tensor2d(dys, [batch, nOut]), true, false).dataSync());
    expect(relToMax(k.get(dw, nIn * nOut), ref)).toBeLessThan(TOL);
    expectSentinel(dw, nIn * nOut);
  });
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
  const fd = (arr: Float32Array, f: (a: Float64Array) => number) => {
    const a = Float64Array.from(arr), h = 1e-3, g = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      a[i] = v + h;
      const lp = f(a);
      a[i] = v - h;
      const lm = f(a);
      a[i] = v;
      g[i] = (lp - lm) / (2 * h);
    }
    return g;
  };

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
