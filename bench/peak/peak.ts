// The machine's limit for our kernels: a pure f32x4 multiply-add loop in WebAssembly, nothing loaded or stored.
// Compiled for the benchmark only (bench/peak/asconfig.json; `npm run bench` builds it), never shipped.
// Twelve independent accumulators hide the add latency (V8 gives wasm 15–16 vector registers on x64: 12 + the two
// operands fit); the baseline build issues mul + add, the relaxed build one relaxed_madd (FMA where the CPU has it).

/** Runs `iters` rounds of 12 f32x4 multiply-adds (96 flops each); returns a sum so nothing is optimised away. */
export function peak(iters: i32, a: f32, b: f32): f32 {
  const x = f32x4.splat(a), y = f32x4.splat(b);
  let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
  let c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
  for (let i = 0; i < iters; i++) {
    c0 = madd(x, y, c0); c1 = madd(x, y, c1); c2 = madd(x, y, c2); c3 = madd(x, y, c3);
    c4 = madd(x, y, c4); c5 = madd(x, y, c5); c6 = madd(x, y, c6); c7 = madd(x, y, c7);
    c8 = madd(x, y, c8); c9 = madd(x, y, c9); c10 = madd(x, y, c10); c11 = madd(x, y, c11);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)));
  const t = f32x4.add(f32x4.add(c8, c9), f32x4.add(c10, c11));
  return f32x4.extract_lane(f32x4.add(s, t), 0);
}

export const FLOPS_PER_ITER: i32 = 12 * 4 * 2;

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
