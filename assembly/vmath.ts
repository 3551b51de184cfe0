// Vector math shared by activations.ts and loss.ts (not a kernel file: index.ts does not re-export it).
// NaN propagates through every function: clamps use pmin/pmax with x as the FIRST operand
// (pmin(a, b) = b < a ? b : a, pmax(a, b) = a < b ? b : a: a NaN `a` is returned as is).
import { hsum, madd } from './simd';

/**
 * e^x for x ≤ 0 (Cephes expf): x = n·ln2 + r with n = round(x·log2 e), |r| ≤ ln2/2,
 * e^r by a degree-7 polynomial (≈1 ulp), then 2^n built in the exponent bits.
 * Below −88 (where e^x < 2^-127 is at most a denormal) the result is 0; −∞ gives 0.
 */
// @ts-ignore: decorator
@inline export function expNonPositive(x: v128): v128 {
  x = f32x4.pmax(x, f32x4.splat(-88.0)); // n ≥ −127: exponent field ≥ 0 (−127 → exactly 0)
  const n = f32x4.floor(madd(x, f32x4.splat(1.44269504088896341), f32x4.splat(0.5)));
  // r = x − n·ln2 in two steps (ln2 = C1 + C2, C1 exact in few bits) so r keeps full precision.
  let r = madd(n, f32x4.splat(-0.693359375), x);
  r = madd(n, f32x4.splat(2.12194440e-4), r);
  let p = madd(f32x4.splat(1.9875691500e-4), r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  p = madd(p, f32x4.mul(r, r), f32x4.add(r, f32x4.splat(1))); // 1 + r + r²·P(r)
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23); // bits of 2^n
  return f32x4.mul(p, pow2n);
}

/**
 * tanh by Eigen's rational approximation (generic_fast_tanh_float): x·P(x²)/Q(x²) with P of degree 6 and Q of
 * degree 3 in x², on x clamped to ±7.9053 (beyond, tanh rounds to ±1 in float32); |x| < 4e-4 returns x itself.
 * The quotient is clamped to [−1, 1] so rounding can never push it past.
 */
// @ts-ignore: decorator
@inline export function tanhV(x0: v128): v128 {
  const x = f32x4.pmax(f32x4.pmin(x0, f32x4.splat(7.90531110763549805)), f32x4.splat(-7.90531110763549805));
  const x2 = f32x4.mul(x, x);
  let p = madd(x2, f32x4.splat(-2.76076847742355e-16), f32x4.splat(2.00018790482477e-13));
  p = madd(x2, p, f32x4.splat(-8.60467152213735e-11));
  p = madd(x2, p, f32x4.splat(5.12229709037114e-8));
  p = madd(x2, p, f32x4.splat(1.48572235717979e-5));
  p = madd(x2, p, f32x4.splat(6.37261928875436e-4));
  p = madd(x2, p, f32x4.splat(4.89352455891786e-3));
  p = f32x4.mul(x, p);
  let q = madd(x2, f32x4.splat(1.19825839466702e-6), f32x4.splat(1.18534705686654e-4));
  q = madd(x2, q, f32x4.splat(2.26843463243900e-3));
  q = madd(x2, q, f32x4.splat(4.89352518554385e-3));
  const t = f32x4.pmax(f32x4.pmin(f32x4.div(p, q), f32x4.splat(1)), f32x4.splat(-1));
  const tiny = f32x4.lt(f32x4.abs(x0), f32x4.splat(0.0004));
  return v128.bitselect(x0, t, tiny);
}

/** 1 / (1 + e^−x) from e = e^−|x|: 1/(1+e) for x ≥ 0, e/(1+e) for x < 0, so neither side overflows. */
// @ts-ignore: decorator
@inline export function sigmoidV(x: v128): v128 {
  const e = expNonPositive(f32x4.neg(f32x4.abs(x)));
  const inv = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
  return v128.bitselect(f32x4.mul(e, inv), inv, f32x4.lt(x, f32x4.splat(0)));
}

/** Scalar versions for the tails: the same lane math, so a tail element equals its vector neighbours. */
// @ts-ignore: decorator
@inline export function expNonPositive1(x: f32): f32 {
  return f32x4.extract_lane(expNonPositive(f32x4.splat(x)), 0);
}

/** Largest of n floats at p (NaN if any is NaN: f32x4.max propagates it). */
export function rowMax(p: usize, n: i32): f32 {
  let m = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) m = f32x4.max(m, v128.load(p + (<usize>i << 2)));
  let s = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (; i < n; i++) s = max(s, load<f32>(p + (<usize>i << 2))); // scalar tail
  return s;
}

/**
 * y = softmax(x) over one row of n: e = exp(x − max) (stable: every exponent ≤ 0), y = e / Σe.
 * Returns Σe (≥ 1, the max's own term), from which log-sum-exp = max + ln Σe.
 */
export function softmaxRow(x: usize, y: usize, n: i32, m: f32): f32 {
  const mv = f32x4.splat(m);
  let sv = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const e = expNonPositive(f32x4.sub(v128.load(x + o), mv));
    v128.store(y + o, e);
    sv = f32x4.add(sv, e);
  }
  let s = hsum(sv);
  for (; i < n; i++) { // scalar tail
    const o = <usize>i << 2;
    const e = expNonPositive1(load<f32>(x + o) - m);
    store<f32>(y + o, e);
    s += e;
  }
  scaleRow(y, n, 1 / s);
  return s;
}

/** p[0, n) *= k. */
export function scaleRow(p: usize, n: i32, k: f32): void {
  const kv = f32x4.splat(k);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(p + (<usize>i << 2), f32x4.mul(v128.load(p + (<usize>i << 2)), kv));
  for (; i < n; i++) store<f32>(p + (<usize>i << 2), load<f32>(p + (<usize>i << 2)) * k); // scalar tail
}
