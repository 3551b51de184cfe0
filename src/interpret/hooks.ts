/**
 * Hook points and interventions, TransformerLens-style (`HookPoint`, `run_with_cache`, `run_with_hooks`), as plain
 * data so they cross the worker boundary and can be logged. Both engines implement them (InferenceEngine
 * .runWithCache / .runWithHooks); this file holds the types, the names and their shapes; hook-plan.ts checks and
 * compiles a request for the engines, so a bad one fails with the same message on every engine.
 *
 * Names. Every layer of a Sequential model has
 *   `<layer>.in`   its input;
 *   `<layer>.pre`  the Dense/Conv2D output before its activation (only where that activation is not linear);
 *   `<layer>.out`  its output.
 * `<layer>.in` of layer k is the same tensor as `<layer>.out` of layer k − 1: both names are accepted and mean
 * the same value (an intervention at one is seen at the other). The first layer's `.in` is the model's input.
 * For a model ending in Dense(softmax), `<last>.pre` holds the logits and `<last>.out` the probabilities.
 *
 * Units. An activation of shape [h, w, c] is indexed as NHWC flattened: unit = (y·w + x)·c + channel. `units`
 * picks flattened indices; `channels` picks whole channels of an [h, w, c] point (every position).
 *
 * What is cached at a point is the value after that point's interventions (what the rest of the model sees), and
 * its gradient is d objective / d that value. An intervention x ↦ k·x + f (zero/mean/patch: k = 0, scale: k =
 * factor) passes k times that gradient upstream: an ablated unit has zero gradient through it.
 */
import { layerShapes } from '../model/shapes.ts';
import type { ModelSpec } from '../model/spec.ts';

export const HOOK_SITES = ['in', 'pre', 'out'] as const;
export type HookSite = (typeof HOOK_SITES)[number];
export type HookPointName = `${string}.${HookSite}`;

export interface HookPoint {
  name: HookPointName;
  layer: string;
  site: HookSite;
  /** Without the batch dimension. */
  shape: number[];
}

export const INTERVENTION_MODES = ['zero', 'mean', 'scale', 'patch'] as const;
export type InterventionMode = (typeof INTERVENTION_MODES)[number];

/**
 * Replaces the activation at `at` for every input of the call. Without `units` or `channels` it applies to the
 * whole activation.
 * - zero:  0.
 * - mean:  the unit's mean over the 10 000 MNIST test digits (the model's means.bin; see src/interpret/means.ts).
 * - scale: factor × the value.
 * - patch: `values`, e.g. another input's activation at the same point (from runWithCache): one activation
 *          (size of the point, used for every input) or one per input (count × size).
 */
export interface Intervention {
  at: HookPointName;
  units?: number[];
  channels?: number[];
  mode: InterventionMode;
  factor?: number;
  values?: Float32Array;
}

/**
 * What gradients are taken of, per input (the batch's gradient is the sum of each input's own objective's, so
 * every input gets its own gradient):
 * - `{ class }`: the class's logit (pre-softmax score);
 * - `{ layer, unit }`: one unit of an activation (flattened NHWC index, as above);
 * - `{ layer, channel }`: the sum of one channel of an [h, w, c] activation over every position.
 * `layer` is a layer name (its output, `<layer>.out`) or any hook point name (e.g. `conv2.pre`).
 */
export type Objective = { class: number } | { layer: string; unit: number } | { layer: string; channel: number };

export interface CacheOptions {
  /** Hook points to return activations (and gradients) for; default every point. */
  names?: readonly HookPointName[];
  /** Also the gradients of `objective` at those points. */
  grads?: { objective: Objective };
}

/** What a run returns: per point, count × size floats (input-major). */
export interface HookRun {
  /** count × classes. */
  logits: Float32Array;
  probs: Float32Array;
  acts: Partial<Record<HookPointName, Float32Array>>;
  grads?: Partial<Record<HookPointName, Float32Array>>;
  /** The objective's value for each input (when grads were asked for). */
  objective?: Float32Array;
}

/** Mean activation over the MNIST test set, by canonical point name (see HookIndex.canonicalPoints, means.ts). */
export type HookMeans = ReadonlyMap<string, Float32Array>;

/** Every hook point of the model, in forward order (a layer's .in, .pre, .out). */
export function hookPoints(spec: ModelSpec): HookPoint[] {
  const shapes = layerShapes(spec);
  const out: HookPoint[] = [];
  spec.layers.forEach((l, i) => {
    const add = (site: HookSite, shape: number[]) => out.push({ name: `${l.name}.${site}`, layer: l.name, site, shape });
    add('in', shapes[i].input);
    if ((l.kind === 'Dense' || l.kind === 'Conv2D') && l.activation !== 'linear') add('pre', shapes[i].output);
    add('out', shapes[i].output);
  });
  return out;
}

/**
 * Where a point's value lives: layer index and site, with `.in` of layer k > 0 resolved to `.out` of layer k − 1.
 * Layer −1 is the model's input.
 */
export interface Tensor {
  layer: number;
  site: 'pre' | 'out';
  point: HookPoint;
}

export class HookError extends Error {
  override name = 'HookError';
}

/** The points of a model by name, and where each one's value lives. */
export class HookIndex {
  readonly points: HookPoint[];
  private readonly byName = new Map<string, HookPoint>();
  private readonly layerIndex = new Map<string, number>();

  constructor(readonly spec: ModelSpec) {
    this.points = hookPoints(spec);
    for (const p of this.points) this.byName.set(p.name, p);
    spec.layers.forEach((l, i) => this.layerIndex.set(l.name, i));
  }

  point(name: unknown, what = 'hook point'): HookPoint {
    const p = typeof name === 'string' ? this.byName.get(name) : undefined;
    if (!p) {
      throw new HookError(
        `${what} ${JSON.stringify(name)} is not a hook point of model ${this.spec.name}; it has ${this.points.map((q) => q.name).join(', ')}`,
      );
    }
    return p;
  }

  /** The tensor a point names (aliases resolved). */
  tensor(name: unknown, what?: string): Tensor {
    const point = this.point(name, what);
    const i = this.layerIndex.get(point.layer)!;
    if (point.site !== 'in') return { layer: i, site: point.site, point };
    return { layer: i - 1, site: 'out', point };
  }

  /** The name a tensor's means are stored under: `<first layer>.in` for the input, else `<layer>.pre|out`. */
  canonicalName(t: { layer: number; site: 'pre' | 'out' }): HookPointName {
    return t.layer < 0 ? `${this.spec.layers[0].name}.in` : `${this.spec.layers[t.layer].name}.${t.site}`;
  }

  /** The points that name distinct tensors (no `.in` aliases but the model's input): what means.bin stores. */
  canonicalPoints(): HookPoint[] {
    return this.points.filter((p) => this.canonicalName(this.tensor(p.name)) === p.name);
  }

  /** One key per distinct tensor ("-1.out" is the input). */
  static key(t: { layer: number; site: 'pre' | 'out' }): string {
    return `${t.layer}.${t.site}`;
  }

  names(names: readonly unknown[] | undefined): HookPoint[] {
    if (names === undefined) return this.points;
    if (!Array.isArray(names)) throw new HookError('names must be a list of hook point names');
    return [...new Set(names)].map((n) => this.point(n));
  }
}
