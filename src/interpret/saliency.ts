/**
 * Attribution maps: which input pixels drive a target (a class logit, or a hidden unit or channel), one signed
 * value per pixel of the 28×28 input. The methods live in gradients.ts, occlusion.ts and gradcam.ts; this file
 * names them, checks the options once and dispatches, so every engine gets every method with the same messages.
 *
 * `saliency()` is the popup's narrower entry (a class, the four gradient methods, `steps` for IG steps and
 * SmoothGrad samples alike).
 */
import type { InferenceEngine } from '../engines/types.ts';
import { BASELINES, baseline, gradient, integratedGradients, smoothGrad, type Baseline, type MapResult, type Subject } from './gradients.ts';
import { occlusion } from './occlusion.ts';
import { defaultCamLayer, gradCam } from './gradcam.ts';
import type { Target } from './target.ts';
import type { Intervention } from './hooks.ts';

export { BASELINES, type Baseline } from './gradients.ts';
export { gaussian } from './noise.ts';
export type { Target } from './target.ts';

/** The methods the popup offers (cheap enough to run on every stroke). */
export const SALIENCY_METHODS = ['gradient', 'gradient-x-input', 'integrated-gradients', 'smoothgrad'] as const;
export type SaliencyMethod = (typeof SALIENCY_METHODS)[number];
export const ATTRIBUTION_METHODS = [...SALIENCY_METHODS, 'occlusion', 'grad-cam'] as const;
export type AttributionMethod = (typeof ATTRIBUTION_METHODS)[number];

export const DEFAULT_STEPS = 32;
/** Enough for IG to converge on our models; bounds the batch an untrusted request can ask for. */
export const MAX_STEPS = 256;
export const SMOOTHGRAD_SIGMA = 0.15;
export const OCCLUSION_PATCH = 4;
export const OCCLUSION_STRIDE = 2;

export interface AttributionOptions {
  method: AttributionMethod;
  target: Target;
  /** Integrated gradients: points on the path (default 32, at most 256). */
  steps?: number;
  /** Integrated gradients: the baseline (default black). */
  baseline?: Baseline;
  /** SmoothGrad: noisy samples (default 32, at most 256). */
  samples?: number;
  /** SmoothGrad: the noise's standard deviation in pixel units, 0 to 1 (default 0.15). */
  sigma?: number;
  /** SmoothGrad noise and the noise baseline (default 1): the same seed gives the same map. */
  seed?: number;
  /** Occlusion: the square's side in pixels (default 4) and its step (default 2), 1 to 28. */
  patch?: number;
  stride?: number;
  /** Grad-CAM: the conv layer (default the last one). */
  layer?: string;
  /** Interventions (hooks.ts) in force while attributing, e.g. units ablated (default none). */
  hooks?: readonly Intervention[];
}

export interface Attribution extends MapResult {
  method: AttributionMethod;
  target: Target;
}

export class AttributionError extends Error {
  override name = 'AttributionError';
}

export async function attribute(
  engine: InferenceEngine,
  model: string,
  input: Float32Array,
  opts: AttributionOptions,
): Promise<Attribution> {
  const o = checkOptions(opts);
  const r = await compute(engine, model, input, o);
  return { method: o.method, target: o.target, ...r };
}

type Checked = Required<Omit<AttributionOptions, 'layer'>> & Pick<AttributionOptions, 'layer'>;

function compute(engine: InferenceEngine, model: string, x: Float32Array, o: Checked): Promise<MapResult> {
  const s: Subject = { engine, model, target: o.target, hooks: o.hooks };
  switch (o.method) {
    case 'gradient':
      return gradient(s, x);
    case 'gradient-x-input':
      return gradient(s, x, true);
    case 'integrated-gradients':
      return integratedGradients(s, x, o.steps, baseline(o.baseline, x, o.seed));
    case 'smoothgrad':
      return smoothGrad(s, x, o.samples, o.sigma, o.seed);
    case 'occlusion':
      return occlusion(s, x, o.patch, o.stride);
    case 'grad-cam':
      return gradCam(s, x, o.layer ?? defaultCamLayer(engine, model));
  }
}

function checkOptions(opts: AttributionOptions): Checked {
  const fail = (msg: string): never => {
    throw new AttributionError(`attribution: ${msg}`);
  };
  const { method } = opts;
  if (!(ATTRIBUTION_METHODS as readonly string[]).includes(method)) {
    fail(`unknown method ${JSON.stringify(method)} (${ATTRIBUTION_METHODS.join(', ')})`);
  }
  const int = (name: keyof AttributionOptions, dflt: number, min: number, max: number): number => {
    const v = opts[name] ?? dflt;
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
      fail(`${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(v)}`);
    }
    return v as number;
  };
  const sigma = opts.sigma ?? SMOOTHGRAD_SIGMA;
  if (typeof sigma !== 'number' || !(sigma >= 0 && sigma <= 1)) fail(`sigma must be a number from 0 to 1, not ${JSON.stringify(sigma)}`);
  const base = opts.baseline ?? 'black';
  if (!(BASELINES as readonly string[]).includes(base)) fail(`baseline must be one of ${BASELINES.join(', ')}, not ${JSON.stringify(base)}`);
  const seed = int('seed', 1, 0, 2 ** 32 - 1);
  const t = opts.target as unknown;
  if (typeof t !== 'object' || t === null) fail(`target must be { class } or { layer, unit }, not ${JSON.stringify(t)}`);
  if (opts.layer !== undefined && typeof opts.layer !== 'string') fail('layer must be a layer name');
  if (opts.hooks !== undefined && !Array.isArray(opts.hooks)) fail('hooks must be a list of interventions');
  return {
    method,
    target: opts.target,
    steps: int('steps', DEFAULT_STEPS, 1, MAX_STEPS),
    samples: int('samples', DEFAULT_STEPS, 1, MAX_STEPS),
    sigma,
    baseline: base,
    seed,
    patch: int('patch', OCCLUSION_PATCH, 1, 28),
    stride: int('stride', OCCLUSION_STRIDE, 1, 28),
    layer: opts.layer,
    hooks: opts.hooks ?? [],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The popup's entry.

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

export async function saliency(engine: InferenceEngine, model: string, input: Float32Array, opts: SaliencyOptions): Promise<Saliency> {
  const { method, target, steps, seed, sigma } = opts;
  if (!(SALIENCY_METHODS as readonly string[]).includes(method)) {
    throw new AttributionError(`saliency: unknown method ${JSON.stringify(method)} (${SALIENCY_METHODS.join(', ')})`);
  }
  const r = await attribute(engine, model, input, { method, target: { class: target }, steps, samples: steps, seed, sigma });
  return { method, target, map: r.map };
}
