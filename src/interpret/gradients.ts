/**
 * The gradient-based attributions. Every map is SIGNED (positive: more of this pixel raises the target) and every
 * method makes ONE engine call (its steps or samples, and the input itself for the score, batched together).
 *
 * - gradient             ∂f/∂x (Simonyan et al. 2013, "Deep Inside Convolutional Networks").
 * - gradient-x-input     x ⊙ ∂f/∂x (Shrikumar et al. 2016).
 * - integrated-gradients (x − x′) ⊙ ∫₀¹ ∂f/∂x (x′ + α(x − x′)) dα (Sundararajan et al. 2017), the integral by the
 *   midpoint rule over `steps` points α_k = (k + ½)/steps. Completeness: Σᵢ IGᵢ = f(x) − f(x′) up to the
 *   quadrature error. Baselines x′ (see baseline()): black, the input blurred, uniform noise.
 * - smoothgrad           (1/n) Σₖ ∂f/∂x (x + εₖ), εₖ ~ N(0, σ²) per pixel (Smilkov et al. 2017; σ is absolute, in
 *   the [0, 1] pixel range, so σ = 0.15 is their "15 % noise level"), n seeded samples (noise.ts). The noisy
 *   inputs are not clipped to [0, 1], as in the paper.
 */
import type { InferenceEngine } from '../engines/types.ts';
import { gaussianBlur } from './image.ts';
import { noisyCopies, uniformNoise } from './noise.ts';
import { evaluate, type Target } from './target.ts';
import type { Intervention } from './hooks.ts';

/** What every method is asked: which engine and model, which target, under which interventions (none: []). */
export interface Subject {
  engine: InferenceEngine;
  model: string;
  target: Target;
  hooks: readonly Intervention[];
}

export const BASELINES = ['black', 'blur', 'noise'] as const;
export type Baseline = (typeof BASELINES)[number];
/** The blur baseline's Gaussian σ in pixels: wide enough on 28×28 that no stroke (2–4 px) survives as a stroke. */
export const BLUR_SIGMA = 4;

export interface MapResult {
  map: Float32Array;
  /** f(x). */
  score: number;
  /** f(x′) for methods with a baseline. */
  baselineScore?: number;
}

/** The baseline x′ of integrated gradients for input x (28×28): black, blurred, or U[0, 1) noise (seeded). */
export function baseline(kind: Baseline, x: Float32Array, seed: number): Float32Array {
  switch (kind) {
    case 'black':
      return new Float32Array(x.length);
    case 'blur':
      return gaussianBlur(x, 28, 28, BLUR_SIGMA);
    case 'noise':
      return uniformNoise(x.length, seed);
  }
}

export async function gradient(s: Subject, x: Float32Array, times = false): Promise<MapResult> {
  const { grads, scores } = await evaluate(s.engine, s.model, x, 1, s.target, s.hooks);
  return { map: times ? mul(grads, x) : grads, score: scores[0] };
}

/** Rows: the `steps` path points, then x′ and x (for the scores). */
export async function integratedGradients(s: Subject, x: Float32Array, steps: number, x0: Float32Array): Promise<MapResult> {
  const n = x.length;
  const batch = new Float32Array(n * (steps + 2));
  for (let k = 0; k < steps; k++) {
    const alpha = (k + 0.5) / steps;
    for (let i = 0; i < n; i++) batch[k * n + i] = x0[i] + alpha * (x[i] - x0[i]);
  }
  batch.set(x0, steps * n);
  batch.set(x, (steps + 1) * n);
  const { grads, scores } = await evaluate(s.engine, s.model, batch, steps + 2, s.target, s.hooks);
  const mean = meanRows(grads, n, steps);
  const map = new Float32Array(n);
  for (let i = 0; i < n; i++) map[i] = (x[i] - x0[i]) * mean[i];
  return { map, score: scores[steps + 1], baselineScore: scores[steps] };
}

/** Rows: the `samples` noisy copies, then x (for the score). */
export async function smoothGrad(s: Subject, x: Float32Array, samples: number, sigma: number, seed: number): Promise<MapResult> {
  const n = x.length;
  const batch = new Float32Array(n * (samples + 1));
  batch.set(noisyCopies(x, samples, sigma, seed));
  batch.set(x, samples * n);
  const { grads, scores } = await evaluate(s.engine, s.model, batch, samples + 1, s.target, s.hooks);
  return { map: meanRows(grads, n, samples), score: scores[samples] };
}

/** The mean of the first `count` rows (sums in float64). */
function meanRows(rows: Float32Array, n: number, count: number): Float32Array {
  const sum = new Float64Array(n);
  for (let k = 0; k < count; k++) for (let i = 0; i < n; i++) sum[i] += rows[k * n + i];
  return Float32Array.from(sum, (s) => s / count);
}

function mul(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => v * b[i]);
}
