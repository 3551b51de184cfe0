// Shared SIMD helpers for the kernels.

/** a·b + c per lane. The relaxed build (asconfig target "relaxed") fuses it into one relaxed_madd. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** [a, b, c, d] => a + b + c + d */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  const s = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1)); // [a+c, b+d, c+a, d+b]
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}
