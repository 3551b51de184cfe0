// conv2dForward / conv2dBackwardInput / conv2dBackwardParams against TensorFlow.js (cpu backend): tf.conv2d and
// its gradients through tf.grads, plus a float64 finite-difference check of the three gradients on a tiny conv.
import { describe, expect, it } from 'vitest';
import { randomArray, maxRelDiff, rng } from '../helpers/random.ts';
import { checkOp, expectGuard, GUARD, guarded, k, numericGrad, SENTINEL, useKernels, type OpTest, type Tensor } from './harness.ts';

useKernels();

type Pad = 'same' | 'valid';
interface Case {
  x: [number, number, number, number]; // n, h, w, c
  f: [number, number, number, number]; // kh, kw, c, co
  s: number;
  pad: Pad;
}

/** TensorFlow's output size and top/left padding (tfjs conv_util getPadAndOutInfo). */
function geometry({ x: [, h, w], f: [kh, kw], s, pad }: Case) {
  if (pad === 'valid') {
    return { oh: Math.ceil((h - kh + 1) / s), ow: Math.ceil((w - kw + 1) / s), padTop: 0, padLeft: 0 };
  }
  const oh = Math.ceil(h / s), ow = Math.ceil(w / s);
  const padH = Math.max((oh - 1) * s + kh - h, 0), padW = Math.max((ow - 1) * s + kw - w, 0);
  return { oh, ow, padTop: Math.floor(padH / 2), padLeft: Math.floor(padW / 2) };
}

type Grads = { y: Float32Array; dx: Float32Array; df: Float32Array; db: Float32Array };

/**
 * Runs the three kernels on x, f, b, upstream dy; checks no kernel wrote past an output or the scratch (every output
 * and the scratch are guarded: NaN-filled, sentinels after).
 */
function ours(cs: Case, x: Float32Array, f: Float32Array, b: Float32Array | null, dy: Float32Array): Grads {
  const [n, h, w, c] = cs.x, [kh, kw, , co] = cs.f;
  const { oh, ow, padTop, padLeft } = geometry(cs);
  const shape = [n, h, w, c, kh, kw, co, cs.s, padTop, padLeft, oh, ow] as const;
  const scratchLen = k.ex.conv2dScratchLength(...shape);
  const px = k.put(x), pf = k.put(f), pb = b ? k.put(b) : 0, pdy = k.put(dy);
  const ny = n * oh * ow * co;
  const py = guarded(ny), pdx = guarded(x.length), pdf = guarded(f.length), pdb = guarded(co);
  const scratch = guarded(scratchLen);
  // scratch is NaN before each call: padding must be written as zeros, never assumed from an earlier call
  const poison = () => new Float32Array(k.ex.memory.buffer, scratch, scratchLen).fill(NaN);
  k.ex.conv2dForward(px, pf, pb, py, ...shape, scratch);
  poison();
  k.ex.conv2dBackwardInput(pdy, pf, pdx, ...shape, scratch);
  poison();
  k.ex.conv2dBackwardParams(px, pdy, pdf, pdb, ...shape, scratch);
  for (const [p, len] of [[py, ny], [pdx, x.length], [pdf, f.length], [pdb, co], [scratch, scratchLen]]) expectGuard(p, len);
  expect(maxRelDiff(k.get(px, x.length), x), 'x must not change').toBe(0);
  expect(maxRelDiff(k.get(pdy, dy.length), dy), 'dy must not change').toBe(0);
  return { y: k.get(py, ny), dx: k.get(pdx, x.length), df: k.get(pdf, f.length), db: k.get(pdb, co) };
}

/** Case i with seeded x, f, b (none for every third case: b = 0) and dy: ours against tf.conv2d and tf.grads. */
function convOp(cs: Case, i: number): OpTest {
  const { oh, ow } = geometry(cs);
  const co = cs.f[3];
  const x = randomArray(cs.x.reduce((a, v) => a * v), 10 + i);
  const f = randomArray(cs.f.reduce((a, v) => a * v), 20 + i, 0.5);
  const b = i % 3 === 2 ? null : randomArray(co, 30 + i);
  const dy = randomArray(cs.x[0] * oh * ow * co, 40 + i);
  return {
    ours: () => ours(cs, x, f, b, dy),
    reference: (tf) => {
      const xt = tf.tensor4d(x, cs.x), ft = tf.tensor4d(f, cs.f);
      const conv = (...[a, g]: Tensor[]) => tf.conv2d(a as typeof xt, g as typeof ft, cs.s, cs.pad);
      let yt = conv(xt, ft);
      if (b) yt = tf.add(yt, tf.tensor1d(b));
      const dyt = tf.tensor(dy, yt.shape);
      const [dxt, dft] = tf.grads(conv)([xt, ft], dyt);
      return { y: yt, dx: dxt, df: dft, db: tf.sum(dyt, [0, 1, 2]) };
    },
    tol: 1e-4,
  };
}

const name = (cs: Case) => `x=[${cs.x}] f=[${cs.f}] s=${cs.s} ${cs.pad}`;

const cases: Case[] = [
  { x: [1, 5, 5, 1], f: [3, 3, 1, 8], s: 1, pad: 'same' },
  { x: [2, 5, 5, 3], f: [3, 3, 3, 8], s: 2, pad: 'same' },
  { x: [2, 7, 7, 1], f: [5, 5, 1, 3], s: 1, pad: 'valid' },
  { x: [1, 13, 13, 4], f: [3, 3, 4, 6], s: 2, pad: 'valid' },
  { x: [65, 28, 28, 1], f: [3, 3, 1, 8], s: 1, pad: 'same' }, // reference CNN, layer 1
  { x: [65, 14, 14, 8], f: [3, 3, 8, 16], s: 1, pad: 'same' }, // reference CNN, layer 2
  { x: [3, 28, 28, 1], f: [3, 3, 1, 16], s: 1, pad: 'same' },
  { x: [2, 14, 14, 16], f: [3, 3, 16, 32], s: 1, pad: 'same' },
  { x: [2, 6, 6, 2], f: [1, 1, 2, 1], s: 1, pad: 'same' },
  { x: [2, 6, 7, 3], f: [1, 1, 3, 5], s: 2, pad: 'valid' },
  { x: [1, 7, 5, 2], f: [5, 5, 2, 4], s: 2, pad: 'same' },
  { x: [2, 8, 8, 5], f: [5, 5, 5, 12], s: 2, pad: 'same' },
  { x: [1, 4, 4, 1], f: [5, 5, 1, 1], s: 1, pad: 'same' }, // kernel larger than the image
  { x: [2, 13, 13, 6], f: [3, 3, 6, 3], s: 1, pad: 'valid' },
  { x: [1, 28, 28, 1], f: [5, 5, 1, 16], s: 2, pad: 'same' },
  { x: [2, 9, 6, 3], f: [1, 3, 3, 8], s: 1, pad: 'same' }, // non-square kernel
  { x: [1, 10, 9, 7], f: [3, 5, 7, 9], s: 2, pad: 'same' },
  { x: [2, 6, 6, 3], f: [6, 6, 3, 4], s: 1, pad: 'valid' }, // 1×1 output
  { x: [1, 28, 28, 32], f: [3, 3, 32, 32], s: 1, pad: 'same' },
  { x: [2, 1, 9, 4], f: [3, 3, 4, 8], s: 1, pad: 'same' }, // one row
  // One output channel with input channels in fours: the forward pass's dot-product path (the path the input
  // gradient of a 1-channel first layer takes, covered above by every c = 1 case with co % 4 = 0)
  { x: [2, 9, 9, 8], f: [3, 3, 8, 1], s: 1, pad: 'same' },
  { x: [3, 7, 7, 4], f: [3, 3, 4, 1], s: 2, pad: 'valid' }, // 3·3·3 = 27 pixels: a clamped last tile
  { x: [3, 7, 1, 2], f: [3, 1, 2, 5], s: 2, pad: 'valid' }, // one column
  { x: [2, 28, 28, 1], f: [4, 4, 1, 6], s: 4, pad: 'valid' }, // stride 4: non-overlapping patches
  { x: [2, 11, 10, 3], f: [3, 3, 3, 5], s: 3, pad: 'same' },
  { x: [1, 13, 13, 4], f: [5, 5, 4, 6], s: 3, pad: 'valid' },
  ...sweep(24, 7),
];

/** Seeded random configurations over the edges: sizes 1–13, 1–9 input and 1–13 output channels, k 1–5. */
function sweep(count: number, seed: number): Case[] {
  const r = rng(seed), int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const out: Case[] = [];
  while (out.length < count) {
    const cs: Case = {
      x: [int(1, 3), int(1, 13), int(1, 13), int(1, 9)],
      f: [int(1, 5), int(1, 5), 0, int(1, 13)],
      s: int(1, 2),
      pad: r() < 0.5 ? 'same' : 'valid',
    };
    cs.f[2] = cs.x[3];
    const { oh, ow } = geometry(cs);
    if (oh >= 1 && ow >= 1) out.push(cs);
  }
  return out;
}

describe('conv2d vs tf.conv2d and tf.grads', () => {
  cases.forEach((cs, i) => it(name(cs), () => void checkOp(convOp(cs, i))));

  it('x=[2,5,5,3] f=[3,3,3,8] s=1 same: db = 0 skips the bias gradient', () => {
    const cs: Case = { x: [2, 5, 5, 3], f: [3, 3, 3, 8], s: 1, pad: 'same' };
    const [n, h, w, c] = cs.x, [kh, kw, , co] = cs.f;
    const { oh, ow, padTop, padLeft } = geometry(cs);
    const shape = [n, h, w, c, kh, kw, co, cs.s, padTop, padLeft, oh, ow] as const;
    const px = k.put(randomArray(n * h * w * c, 1)), pdy = k.put(randomArray(n * oh * ow * co, 2));
    const scratch = k.alloc(k.ex.conv2dScratchLength(...shape));
    const low = k.get(0, 256); // db = 0 ignored would write the bias gradient at address 0
    const df = k.fill(kh * kw * c * co + GUARD, SENTINEL);
    k.ex.conv2dBackwardParams(px, pdy, df, 0, ...shape, scratch);
    expect(maxRelDiff(k.get(0, 256), low)).toBe(0);
    expectGuard(df, kh * kw * c * co);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Finite differences in float64: L(x, f, b) = Σ y ⊙ r with a plain JS conv, so dL/dy = r.

function conv64(cs: Case, x: Float64Array, f: Float64Array, b: Float64Array): Float64Array {
  const [n, h, w, c] = cs.x, [kh, kw, , co] = cs.f;
  const { oh, ow, padTop, padLeft } = geometry(cs);
  const y = new Float64Array(n * oh * ow * co);
  for (let i = 0; i < n; i++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) for (let o = 0; o < co; o++) {
    let sum = b[o];
    for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const iy = oy * cs.s - padTop + ky, ix = ox * cs.s - padLeft + kx;
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
      for (let ci = 0; ci < c; ci++) sum += x[((i * h + iy) * w + ix) * c + ci] * f[((ky * kw + kx) * c + ci) * co + o];
    }
    y[((i * oh + oy) * ow + ox) * co + o] = sum;
  }
  return y;
}

describe('conv2d gradients vs float64 finite differences', () => {
  const tiny: Case[] = [
    { x: [2, 5, 5, 2], f: [3, 3, 2, 5], s: 1, pad: 'same' },
    { x: [1, 6, 5, 3], f: [3, 3, 3, 6], s: 2, pad: 'same' },
    { x: [2, 7, 6, 1], f: [2, 3, 1, 4], s: 2, pad: 'valid' },
  ];
  tiny.forEach((cs, i) => {
    it(name(cs), () => {
      const { oh, ow } = geometry(cs);
      const co = cs.f[3];
      const x = Float64Array.from(randomArray(cs.x.reduce((a, v) => a * v), 50 + i));
      const f = Float64Array.from(randomArray(cs.f.reduce((a, v) => a * v), 60 + i));
      const b = Float64Array.from(randomArray(co, 70 + i));
      const r = Float64Array.from(randomArray(cs.x[0] * oh * ow * co, 80 + i));
      const loss = (x: Float64Array, f: Float64Array, b: Float64Array) => conv64(cs, x, f, b).reduce((acc, v, j) => acc + v * r[j], 0);
      const got = ours(cs, Float32Array.from(x), Float32Array.from(f), Float32Array.from(b), Float32Array.from(r));
      // Central differences in float64, step 1e-5.
      expect(maxRelDiff(got.dx, numericGrad(x, (a) => loss(a, f, b), 1e-5)), 'dx').toBeLessThan(1e-4);
      expect(maxRelDiff(got.df, numericGrad(f, (a) => loss(x, a, b), 1e-5)), 'df').toBeLessThan(1e-4);
      expect(maxRelDiff(got.db, numericGrad(b, (a) => loss(x, f, a), 1e-5)), 'db').toBeLessThan(1e-4);
      // and the forward pass against the float64 conv
      expect(maxRelDiff(got.y, conv64(cs, x, f, b)), 'y').toBeLessThan(1e-5);
    });
  });
});
