// Shared SIMD helpers for the kernels.

/** a·b + c per lane. The relaxed build (asconfig target "relaxed") fuses it into one relaxed_madd. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * [a, b, c, d] => ((a + b) + c) + d. NOTE: added left to right on purpose: a pairwise sum ((a + c) + (b + d), one
 * shuffle fewer) rounds differently, and the shipped models' outputs must not move by an ulp.
 */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}
