/**
 * Grad-CAM (Selvaraju et al. 2017, "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based
 * Localization", eq. 1–2) at a conv layer's output A (h × w × c, after its activation):
 *
 *   α_k = (1/hw) Σ_ij ∂f/∂A_ijk          (global-average-pooled gradient: channel k's weight)
 *   L   = ReLU(Σ_k α_k A_··k)            (only what raises the target)
 *
 * then L is upsampled to 28 × 28 by bilinear interpolation with half-pixel centres (image.ts: resizeBilinear, as
 * PyTorch's interpolate(align_corners=False)). Non-negative, not signed like the gradient maps. A and ∂f/∂A come
 * from ONE runWithHooks call (the hooks core's cache with gradients).
 */
import type { InferenceEngine } from '../engines/types.ts';
import type { MapResult, Subject } from './gradients.ts';
import type { HookPointName } from './hooks.ts';
import { resizeBilinear } from './image.ts';

/** The layer Grad-CAM looks at by default: the last conv layer (a layer with a .pre point and an [h, w, c] output). */
export function defaultCamLayer(engine: InferenceEngine, model: string): string {
  const convs = engine.hookPoints(model).filter((p) => p.site === 'pre' && p.shape.length === 3);
  if (!convs.length) throw new Error(`grad-cam: model ${model} has no conv layer`);
  return convs[convs.length - 1].layer;
}

export async function gradCam({ engine, model, target, hooks }: Subject, x: Float32Array, layer: string): Promise<MapResult> {
  // A layer name means its output (after the activation, as in the paper); a hook point (conv2.pre) is taken as is.
  const name = (layer.includes('.') ? layer : `${layer}.out`) as HookPointName;
  const points = engine.hookPoints(model);
  const point = points.find((p) => p.name === name);
  if (!point || point.shape.length !== 3) {
    const ok = [...new Set(points.filter((p) => p.shape.length === 3 && p.site === 'out').map((p) => p.layer))];
    // NOTE: the message names layers; their .pre points are accepted too.
    throw new Error(`grad-cam: ${JSON.stringify(layer)} is not a layer of model ${model} with an [h, w, c] output (${ok.join(', ')})`);
  }
  const r = await engine.runWithHooks(model, x, 1, hooks, { names: [name], grads: { objective: target } });
  const [h, w, c] = point.shape;
  return { map: camFrom(r.acts[name]!, r.grads![name]!, h, w, c), score: r.objective![0] };
}

/** The Grad-CAM map (28 × 28) from one input's activation A and gradient G at an h × w × c point (NHWC). */
export function camFrom(a: Float32Array, g: Float32Array, h: number, w: number, c: number): Float32Array {
  const alpha = new Float64Array(c);
  for (let i = 0; i < h * w * c; i++) alpha[i % c] += g[i] / (h * w);
  const cam = new Float32Array(h * w);
  for (let p = 0; p < h * w; p++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += alpha[k] * a[p * c + k];
    cam[p] = Math.max(0, s);
  }
  return resizeBilinear(cam, h, w, 28, 28);
}
