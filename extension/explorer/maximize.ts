/**
 * Activation maximisation ("what the unit wants to see"; Erhan et al. 2009, regularised as in Yosinski et al. 2015):
 * gradient ascent on the 28×28 input to raise one unit's pre-activation (a channel's summed over positions),
 * x ← clip₀¹(x + lr·g/‖g‖∞ − λ·x), with a Gaussian blur (σ 0.5 px) every few steps so the result is an image,
 * not high-frequency noise. The pre-activation, not the output: a saturated tanh passes no gradient.
 *
 * NOTE: it runs here, in the page, as a loop of the worker's existing `runWithCache` with a `{ layer, unit }`
 * objective, rather than as a new worker call: each step is one round trip (~0.5 ms), the page draws the image as
 * it improves and can stop it, and the worker API needs nothing new for it.
 */
import { gaussianBlur } from '../../src/interpret/image.ts';
import type { ModelId, SeeingDigitsApi } from '../../worker/api.ts';
import { PIXELS } from '../shared/digits.ts';

export interface MaximizeOptions {
  steps?: number;
  lr?: number;
  /** L2 penalty λ (pulls pixels towards black). */
  l2?: number;
  /** Blur every this many steps. */
  blurEvery?: number;
  /** Called every few steps with the current input; return false to stop. */
  onStep?: (x: Float32Array, step: number, value: number) => boolean;
}

export async function maximize(
  api: SeeingDigitsApi,
  model: ModelId,
  layer: string,
  kind: 'Dense' | 'Conv2D',
  unit: number,
  o: MaximizeOptions = {},
): Promise<{ x: Float32Array; value: number; steps: number }> {
  const steps = o.steps ?? 160, lr = o.lr ?? 0.08, l2 = o.l2 ?? 0.01, blurEvery = o.blurEvery ?? 4;
  const points = await api.hookPoints(model);
  const input = points[0].name; // the first layer's .in: the pixels
  const at = points.some((p) => p.name === `${layer}.pre`) ? `${layer}.pre` : layer;
  const objective = kind === 'Conv2D' ? { layer: at, channel: unit } : { layer: at, unit };
  let x: Float32Array = new Float32Array(PIXELS).fill(0.1);
  let value = -Infinity, step = 0;
  for (; step < steps; step++) {
    const r = await api.runWithCache(model, x.slice(), { names: [input], grads: { objective } });
    value = r.objective![0];
    const g = r.grads![input]!;
    let m = 0;
    for (let i = 0; i < PIXELS; i++) m = Math.max(m, Math.abs(g[i]));
    const k = m > 0 ? lr / m : 0;
    for (let i = 0; i < PIXELS; i++) x[i] = Math.min(1, Math.max(0, x[i] + k * g[i] - l2 * x[i]));
    if (step % blurEvery === blurEvery - 1) x = gaussianBlur(x, 28, 28, 0.5);
    if (step % 8 === 0 && o.onStep && !o.onStep(x, step, value)) break;
  }
  o.onStep?.(x, step, value);
  return { x, value, steps: step };
}
