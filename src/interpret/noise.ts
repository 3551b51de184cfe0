/**
 * The random draws of the attribution methods, all from the project's one seeded generator (mulberry32 in
 * src/util/random.ts), so the same request gives the same map on every engine and in every process.
 */
import { mulberry32 } from '../util/random.ts';

/**
 * Standard normal samples N(0, 1): the Box–Muller transform (Box & Muller 1958) of two mulberry32 uniforms,
 * u₁ ∈ (0, 1] and u₂ ∈ [0, 1): r = √(−2 ln u₁), θ = 2π u₂, giving r cos θ and then r sin θ (both are used, and
 * they are independent). Exact in distribution up to the uniforms' 2⁻³² resolution: |z| ≤ √(−2 ln 2⁻³²) ≈ 6.66,
 * so the tails beyond 6.66σ (probability 3·10⁻¹¹) are cut.
 */
export function gaussian(seed: number): () => number {
  const uniform = mulberry32(seed);
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - uniform())); // 1 − u ∈ (0, 1]: the log is finite
    const th = 2 * Math.PI * uniform();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}

/** `count` rows of x + ε, ε ~ N(0, σ²) independently per pixel, drawn row after row from gaussian(seed). */
export function noisyCopies(x: Float32Array, count: number, sigma: number, seed: number): Float32Array {
  const n = x.length;
  const z = gaussian(seed);
  const out = new Float32Array(n * count);
  for (let k = 0; k < count; k++) for (let i = 0; i < n; i++) out[k * n + i] = x[i] + sigma * z();
  return out;
}

/** n samples of U[0, 1) from mulberry32(seed). */
export function uniformNoise(n: number, seed: number): Float32Array {
  const u = mulberry32(seed);
  return Float32Array.from({ length: n }, u);
}
