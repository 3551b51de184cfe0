/**
 * Saliency maps built only on `engine.inputGradients`, so every engine gets all four methods. Every map is SIGNED
 * (positive: more of this pixel raises the target's logit); the UI chooses to show |map|, the positive part, or a
 * diverging colour scale. All of them explain the logit (pre-softmax score), not the probability: the softmax
 * saturates, and the logit's attributions have the completeness property below.
 *
 * - gradient            ∂z_t/∂x (Simonyan et al. 2013, "Deep Inside Convolutional Networks").
 * - gradient-x-input    x ⊙ ∂z_t/∂x (Shrikumar et al. 2016).
 * - integrated-gradients (x − x′) ⊙ ∫₀¹ ∂z_t/∂x (x′ + α(x − x′)) dα with a black baseline x′ = 0 (Sundararajan et al.
 *   2017), the integral by the midpoint rule over `steps` points, all in ONE inputGradients call. Completeness:
 *   Σᵢ IGᵢ = z_t(x) − z_t(x′) up to the quadrature error, which shrinks as O(1/steps²) for smooth networks.
 * - smoothgrad          (1/n) Σₖ ∂z_t/∂x (x + εₖ), εₖ ~ N(0, σ²) with σ = 0.15 (15% of the [0, 1] input range,
 *   Smilkov et al. 2017), `steps` samples from a seeded generator, so the same request gives the same map.
 */
import type { InferenceEngine } from '../engines/types.ts';

export const SALIENCY_METHODS = ['gradient', 'gradient-x-input', 'integrated-gradients', 'smoothgrad'] as const;
export type SaliencyMethod = (typeof SALIENCY_METHODS)[number];

export const DEFAULT_STEPS = 32;
/** Enough for IG to converge on our models; bounds the batch an untrusted request can ask for. */
export const MAX_STEPS = 256;
export const SMOOTHGRAD_SIGMA = 0.15;

export interface SaliencyOptions {
  method: SaliencyMethod;
  /** The class whose logit is explained. */
  target: number;
  /** Integrated-gradients points / SmoothGrad samples (default 32, at most 256). */
  steps?: number;
  /** SmoothGrad noise seed (default 1). */
  seed?: number;
  /** SmoothGrad noise standard deviation (default 0.15). */
  sigma?: number;
}

export interface Saliency {
  method: SaliencyMethod;
  target: number;
  /** One signed value per input pixel. */
  map: Float32Array;
}

export async function saliency(
  engine: InferenceEngine,
  model: string,
  input: Float32Array,
  opts: SaliencyOptions,
): Promise<Saliency> {
  const { method, target } = opts;
  const steps = opts.steps ?? DEFAULT_STEPS;
  if (!(SALIENCY_METHODS as readonly string[]).includes(method)) {
    throw new Error(`saliency: unknown method ${JSON.stringify(method)} (${SALIENCY_METHODS.join(', ')})`);
  }
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS) {
    throw new Error(`saliency: steps must be an integer from 1 to ${MAX_STEPS}, not ${steps}`);
  }
  const map = await compute(engine, model, input, { ...opts, steps });
  return { method, target, map };
}

async function compute(engine: InferenceEngine, model: string, x: Float32Array, o: SaliencyOptions & { steps: number }) {
  switch (o.method) {
    case 'gradient':
      return (await engine.inputGradients(model, x, 1, o.target)).grads;
    case 'gradient-x-input':
      return mul((await engine.inputGradients(model, x, 1, o.target)).grads, x);
    case 'integrated-gradients':
      return integratedGradients(engine, model, x, o.target, o.steps);
    case 'smoothgrad':
      return smoothGrad(engine, model, x, o.target, o.steps, o.sigma ?? SMOOTHGRAD_SIGMA, o.seed ?? 1);
  }
}

/** Midpoint rule: α_k = (k + ½)/steps, IG = x ⊙ (1/steps) Σ_k ∇z_t(α_k x) (black baseline). */
async function integratedGradients(engine: InferenceEngine, model: string, x: Float32Array, target: number, steps: number) {
  const n = x.length;
  const batch = new Float32Array(n * steps);
  for (let k = 0; k < steps; k++) {
    const alpha = (k + 0.5) / steps;
    for (let i = 0; i < n; i++) batch[k * n + i] = alpha * x[i];
  }
  const { grads } = await engine.inputGradients(model, batch, steps, target);
  return mul(meanRows(grads, n, steps), x);
}

async function smoothGrad(
  engine: InferenceEngine,
  model: string,
  x: Float32Array,
  target: number,
  samples: number,
  sigma: number,
  seed: number,
) {
  if (!(sigma >= 0 && sigma <= 1)) throw new Error(`saliency: SmoothGrad sigma must be in [0, 1], not ${sigma}`);
  const n = x.length;
  const noise = gaussian(seed);
  const batch = new Float32Array(n * samples);
  for (let k = 0; k < samples; k++) for (let i = 0; i < n; i++) batch[k * n + i] = x[i] + sigma * noise();
  const { grads } = await engine.inputGradients(model, batch, samples, target);
  return meanRows(grads, n, samples);
}

function meanRows(rows: Float32Array, n: number, count: number): Float32Array {
  const out = new Float32Array(n);
  for (let k = 0; k < count; k++) for (let i = 0; i < n; i++) out[i] += rows[k * n + i];
  for (let i = 0; i < n; i++) out[i] /= count;
  return out;
}

function mul(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] * b[i];
  return out;
}

/** Standard normal samples: mulberry32 uniforms through the Box–Muller transform (both outputs used). */
export function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - uniform(); // (0, 1]: log(u) is finite
    const r = Math.sqrt(-2 * Math.log(u));
    const th = 2 * Math.PI * uniform();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}
