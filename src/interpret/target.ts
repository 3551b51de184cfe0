/**
 * What an attribution explains, and the one primitive every gradient method is built on: for a batch of inputs,
 * the target's value f and its gradient ∇ₓf, in ONE engine call.
 *
 * Targets: `{ class }` is the class's logit (the pre-softmax score: the softmax saturates, and the logit's
 * attributions are complete, see integrated gradients); `{ layer, unit }` is one unit of a hidden activation
 * (flattened NHWC index, see src/interpret/hooks.ts) and `{ layer, channel }` one channel summed over positions.
 */
import type { InferenceEngine } from '../engines/types.ts';

export type Target = { class: number } | { layer: string; unit: number } | { layer: string; channel: number };

export interface Evaluated {
  /** f(inputᵢ) for each of the count inputs. */
  scores: Float32Array;
  /** ∂f/∂input for each input: count × input size. */
  grads: Float32Array;
}

/** A short name for messages and JSON: "class 7", "hidden1:12", "conv2#3". */
export function targetLabel(t: Target): string {
  if ('class' in t) return `class ${t.class}`;
  return 'unit' in t ? `${t.layer}:${t.unit}` : `${t.layer}#${t.channel}`;
}

/** f and ∇f of `count` inputs (count × input size floats) in one engine call. */
export async function evaluate(
  engine: InferenceEngine,
  model: string,
  inputs: Float32Array,
  count: number,
  target: Target,
): Promise<Evaluated> {
  if ('class' in target) {
    const { grads, logits } = await engine.inputGradients(model, inputs, count, target.class);
    const classes = logits.length / count;
    return { grads, scores: Float32Array.from({ length: count }, (_, b) => logits[b * classes + target.class]) };
  }
  throw new Error(`attribution: hidden-unit targets (${targetLabel(target)}) need the hook engine (runWithCache)`);
}
