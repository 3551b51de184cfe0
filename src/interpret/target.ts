/**
 * What an attribution explains, and the two primitives every method is built on, each ONE engine call for a
 * batch of inputs: the target's value f (forward only), and f with its gradient ∇ₓf.
 *
 * Targets (hooks.ts' objectives): `{ class }` is the class's logit (the pre-softmax score: the softmax saturates,
 * and the logit's attributions are complete, see integrated gradients); `{ layer, unit }` one unit of a hidden
 * activation (flattened NHWC index; `layer` is a layer name, meaning its output, or any hook point like
 * `conv2.pre`); `{ layer, channel }` one channel of an [h, w, c] activation summed over positions.
 *
 * Optional interventions (hooks.ts) apply in forward and backward: attributions of the model with units ablated.
 */
import type { InferenceEngine } from '../engines/types.ts';
import type { Intervention, Objective } from './hooks.ts';
import { size } from '../model/shapes.ts';

export type Target = Objective;

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

/** The hook point a unit target reads (`layer` alone means its output). */
export function targetPoint(t: Exclude<Target, { class: number }>): string {
  return t.layer.includes('.') ? t.layer : `${t.layer}.out`;
}

/** f and ∇f of `count` inputs (count × input size floats) in one engine call. */
export async function evaluate(
  engine: InferenceEngine,
  model: string,
  inputs: Float32Array,
  count: number,
  target: Target,
  hooks: readonly Intervention[] = [],
): Promise<Evaluated> {
  if ('class' in target && hooks.length === 0) {
    const { grads, logits } = await engine.inputGradients(model, inputs, count, target.class);
    const classes = logits.length / count;
    return { grads, scores: Float32Array.from({ length: count }, (_, b) => logits[b * classes + target.class]) };
  }
  const input = engine.hookPoints(model)[0].name; // the first layer's .in: the model's input
  const r = await engine.runWithHooks(model, inputs, count, hooks, { names: [input], grads: { objective: target } });
  return { scores: r.objective!, grads: r.grads![input]! };
}

/** f of `count` inputs, forward only, in one engine call. */
export async function scores(
  engine: InferenceEngine,
  model: string,
  inputs: Float32Array,
  count: number,
  target: Target,
  hooks: readonly Intervention[] = [],
): Promise<Float32Array> {
  if ('class' in target) {
    const { logits } = await engine.runWithHooks(model, inputs, count, hooks);
    const classes = logits.length / count;
    if (!Number.isInteger(target.class) || target.class < 0 || target.class >= classes) {
      throw new Error(`attribution: target class ${target.class} is not in 0..${classes - 1}`);
    }
    return Float32Array.from({ length: count }, (_, b) => logits[b * classes + target.class]);
  }
  const name = targetPoint(target);
  const point = engine.hookPoints(model).find((p) => p.name === name);
  if (!point) throw new Error(`attribution: ${name} is not a hook point of model ${model}`);
  const n = size(point.shape);
  const pick = unitPicker(target, point.shape);
  const { acts } = await engine.runWithHooks(model, inputs, count, hooks, { names: [point.name] });
  const a = acts[point.name]!;
  return Float32Array.from({ length: count }, (_, b) => pick(a.subarray(b * n, (b + 1) * n)));
}

/** The value of a unit or channel target within one item's activation (checked against the point's shape). */
function unitPicker(t: Exclude<Target, { class: number }>, shape: number[]): (a: Float32Array) => number {
  const n = size(shape);
  if ('unit' in t) {
    if (!Number.isInteger(t.unit) || t.unit < 0 || t.unit >= n) {
      throw new Error(`attribution: unit ${t.unit} is not in 0..${n - 1} (${targetPoint(t)} is [${shape}])`);
    }
    return (a) => a[t.unit];
  }
  const c = shape.length === 3 ? shape[2] : 0;
  if (!Number.isInteger(t.channel) || t.channel < 0 || t.channel >= c) {
    throw new Error(`attribution: channel ${t.channel} is not a channel of ${targetPoint(t)} ([${shape}])`);
  }
  return (a) => {
    let s = 0;
    for (let i = t.channel; i < n; i += c) s += a[i];
    return s;
  };
}
