/**
 * A hook request checked against a model and compiled for the engines (src/engines/simd.ts, tfjs.ts): the
 * objective as a seed on a tensor, the interventions as one x ↦ keep ⊙ x + fill per tensor, and the tensors to
 * copy out. Every refusal is a HookError with the same message on every engine.
 */
import { size } from '../model/shapes.ts';
import {
  HookError,
  HookIndex,
  INTERVENTION_MODES,
  type CacheOptions,
  type HookMeans,
  type HookPoint,
  type HookPointName,
  type HookRun,
  type InterventionMode,
  type Tensor,
} from './hooks.ts';

/**
 * An objective resolved to a tensor and a seed: the objective of each input is Σ seed ⊙ activation (one item's
 * worth: `size` floats). `logits` objectives are seeded at the logits.
 */
export type ResolvedObjective =
  | { kind: 'class'; target: number }
  | { kind: 'unit'; tensor: Tensor; seed: Float32Array };

export function resolveObjective(index: HookIndex, o: unknown, classes: number): ResolvedObjective {
  const bad = (why: string): never => {
    throw new HookError(`objective ${JSON.stringify(o)}: ${why}`);
  };
  if (typeof o !== 'object' || o === null) return bad('must be { class }, { layer, unit } or { layer, channel }');
  const r = o as Record<string, unknown>;
  if ('class' in r) {
    if (!Number.isInteger(r.class) || (r.class as number) < 0 || (r.class as number) >= classes) {
      bad(`class must be an integer from 0 to ${classes - 1}`);
    }
    return { kind: 'class', target: r.class as number };
  }
  if (typeof r.layer !== 'string') return bad('needs class, or layer (a layer or hook point name) with unit or channel');
  const name = r.layer.includes('.') ? r.layer : `${r.layer}.out`;
  const tensor = index.tensor(name, 'objective layer');
  const shape = tensor.point.shape;
  const n = size(shape);
  const seed = new Float32Array(n);
  if ('unit' in r === 'channel' in r) bad('give exactly one of unit and channel');
  if ('unit' in r) {
    if (!isIndex(r.unit, n)) bad(`unit must be an integer from 0 to ${n - 1} (${name} is [${shape}])`);
    seed[r.unit as number] = 1;
  } else {
    const c = channelsOf(shape, name);
    if (!isIndex(r.channel, c)) bad(`channel must be an integer from 0 to ${c - 1} (${name} is [${shape}])`);
    for (let i = r.channel as number; i < n; i += c) seed[i] = 1;
  }
  return { kind: 'unit', tensor, seed };
}

/**
 * Interventions compiled per tensor into x ↦ keep ⊙ x + fill (applied to the tensor once computed, in forward;
 * `keep` multiplies the gradient in backward). `fill` holds one item (size) or every item (count × size).
 */
export interface Edit {
  tensor: Tensor;
  keep: Float32Array;
  fill: Float32Array;
  perItem: boolean;
}

export function compileInterventions(
  index: HookIndex,
  hooks: unknown,
  count: number,
  means: HookMeans | undefined,
): Map<string, Edit> {
  if (!Array.isArray(hooks)) throw new HookError('hooks must be a list of interventions { at, mode, units?, channels? }');
  const edits = new Map<string, Edit>();
  hooks.forEach((h, hi) => {
    const where = `hook ${hi}`;
    if (typeof h !== 'object' || h === null) throw new HookError(`${where} must be an object { at, mode, … }`);
    const iv = h as Record<string, unknown>;
    const tensor = index.tensor(iv.at, `${where}: at`);
    const p = tensor.point;
    const n = size(p.shape);
    if (!(INTERVENTION_MODES as readonly unknown[]).includes(iv.mode)) {
      throw new HookError(`${where} at ${p.name}: mode must be one of ${INTERVENTION_MODES.join(', ')}, not ${JSON.stringify(iv.mode)}`);
    }
    const idx = selection(iv, p, where);
    const key = HookIndex.key(tensor);
    let e = edits.get(key);
    // The new intervention y = k·x + f composes with the previous x = k0·x0 + f0 as k·k0·x0 + (k·f0 + f).
    let k = 1;
    let f: Float32Array | number = 0;
    switch (iv.mode as InterventionMode) {
      case 'zero':
        k = 0;
        break;
      case 'scale':
        if (typeof iv.factor !== 'number' || !Number.isFinite(iv.factor)) {
          throw new HookError(`${where} at ${p.name}: scale needs a finite factor, not ${JSON.stringify(iv.factor)}`);
        }
        k = iv.factor;
        break;
      case 'mean': {
        const m = means?.get(index.canonicalName(tensor));
        if (!m) throw new HookError(`${where} at ${p.name}: no means are loaded for model ${index.spec.name} (means.bin beside model.json)`);
        k = 0;
        f = m;
        break;
      }
      case 'patch': {
        const v = iv.values;
        if (!(v instanceof Float32Array) || (v.length !== n && v.length !== n * count)) {
          const got = v instanceof Float32Array ? `${v.length} values` : JSON.stringify(v)?.slice(0, 40) ?? String(v);
          throw new HookError(`${where} at ${p.name}: patch needs values, a Float32Array of ${n} (one [${p.shape}] activation) or ${count} × ${n}; got ${got}`);
        }
        const bad = v.findIndex((x) => !Number.isFinite(x));
        if (bad >= 0) throw new HookError(`${where} at ${p.name}: patch values[${bad}] is ${v[bad]}; values must be finite`);
        k = 0;
        f = v;
        break;
      }
    }
    const perItem = f instanceof Float32Array && f.length === n * count && count > 1;
    if (!e) {
      e = { tensor, keep: new Float32Array(n).fill(1), fill: new Float32Array(perItem ? n * count : n), perItem };
      edits.set(key, e);
    } else if (perItem && !e.perItem) {
      const wide = new Float32Array(n * count);
      for (let b = 0; b < count; b++) wide.set(e.fill, b * n);
      e.fill = wide;
      e.perItem = true;
    }
    const items = e.perItem ? count : 1;
    for (const i of idx ?? range(n)) {
      e.keep[i] *= k;
      for (let b = 0; b < items; b++) {
        const fi = typeof f === 'number' ? f : f.length === n ? f[i] : f[b * n + i];
        e.fill[b * n + i] = k * e.fill[b * n + i] + fi;
      }
    }
  });
  return edits;
}

/** The flattened indices an intervention picks (undefined: all). */
function selection(iv: Record<string, unknown>, p: HookPoint, where: string): number[] | undefined {
  const n = size(p.shape);
  const { units, channels } = iv;
  if (units !== undefined && channels !== undefined) throw new HookError(`${where} at ${p.name}: give units or channels, not both`);
  if (units !== undefined) {
    if (!Array.isArray(units)) throw new HookError(`${where} at ${p.name}: units must be a list of indices`);
    const bad = units.find((u) => !isIndex(u, n));
    if (bad !== undefined) throw new HookError(`${where} at ${p.name}: unit ${JSON.stringify(bad)} is out of range (${p.name} is [${p.shape}]: units 0 to ${n - 1})`);
    return [...new Set(units as number[])];
  }
  if (channels !== undefined) {
    const c = channelsOf(p.shape, p.name);
    if (!Array.isArray(channels)) throw new HookError(`${where} at ${p.name}: channels must be a list of indices`);
    const bad = channels.find((u) => !isIndex(u, c));
    if (bad !== undefined) throw new HookError(`${where} at ${p.name}: channel ${JSON.stringify(bad)} is out of range (${p.name} is [${p.shape}]: channels 0 to ${c - 1})`);
    const out: number[] = [];
    for (const ch of new Set(channels as number[])) for (let i = ch; i < n; i += c) out.push(i);
    return out;
  }
  return undefined;
}

function channelsOf(shape: number[], name: string): number {
  if (shape.length !== 3) throw new HookError(`${name} is [${shape}], not [h, w, c]: it has units, not channels`);
  return shape[2];
}

const isIndex = (u: unknown, n: number) => Number.isInteger(u) && (u as number) >= 0 && (u as number) < n;

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Applies an edit to a chunk of `items` inputs starting at input `first` of the call (values at x, item-major). */
export function applyEdit(e: Edit, x: Float32Array, first: number, items: number): void {
  const n = e.keep.length;
  for (let b = 0; b < items; b++) {
    const fo = e.perItem ? (first + b) * n : 0;
    const xo = b * n;
    // keep = 0 writes the fill itself, so an ablated unit is exact even where the value was not finite.
    for (let i = 0; i < n; i++) x[xo + i] = e.keep[i] === 0 ? e.fill[fo + i] : e.keep[i] * x[xo + i] + e.fill[fo + i];
  }
}

/** Multiplies a chunk's gradient by the edit's keep (the derivative of x ↦ keep ⊙ x + fill). */
export function applyEditGrad(e: Edit, g: Float32Array, items: number): void {
  const n = e.keep.length;
  for (let b = 0; b < items; b++) for (let i = 0; i < n; i++) g[b * n + i] *= e.keep[i];
}

/** A checked request, ready for an engine: which tensors to copy out, which to edit, what to differentiate. */
export interface RunPlan {
  count: number;
  points: HookPoint[];
  /** Tensor key → the requested names of that tensor (aliases share a tensor). */
  wanted: Map<string, HookPointName[]>;
  edits: Map<string, Edit>;
  objective?: ResolvedObjective;
}

export function planRun(
  index: HookIndex,
  req: { inputs: unknown; count: unknown; inputSize: number; classes: number; means?: HookMeans },
  hooks: unknown,
  opts: CacheOptions | undefined,
  defaultNames: 'all' | 'none',
): RunPlan {
  const { inputs, count, inputSize } = req;
  if (!Number.isInteger(count) || (count as number) < 1) throw new HookError(`count must be a positive integer, not ${count}`);
  const n = count as number;
  if (!(inputs instanceof Float32Array) || inputs.length !== n * inputSize) {
    const got = inputs instanceof Float32Array ? `${inputs.length} floats` : typeof inputs;
    throw new HookError(`model ${index.spec.name} takes ${n} × ${inputSize} floats, got ${got}`);
  }
  if (opts !== undefined && (typeof opts !== 'object' || opts === null)) throw new HookError('options must be { names?, grads? }');
  const points = opts?.names === undefined && defaultNames === 'none' ? [] : index.names(opts?.names);
  const wanted = new Map<string, HookPointName[]>();
  for (const p of points) {
    const key = HookIndex.key(index.tensor(p.name));
    wanted.set(key, [...(wanted.get(key) ?? []), p.name]);
  }
  const edits = compileInterventions(index, hooks, n, req.means);
  if (opts?.grads !== undefined && (typeof opts.grads !== 'object' || opts.grads === null)) {
    throw new HookError('grads must be { objective }');
  }
  const objective = opts?.grads ? resolveObjective(index, opts.grads.objective, req.classes) : undefined;
  return { count: n, points, wanted, edits, objective };
}

/** Whether tensor t is computed after tensor `from` (its gradient of an objective at `from` is then zero). */
export function isAfter(t: { layer: number; site: 'pre' | 'out' }, from: { layer: number; site: 'pre' | 'out' }): boolean {
  return t.layer > from.layer || (t.layer === from.layer && from.site === 'pre' && t.site === 'out');
}

/** The result arrays of a run, zero-filled (gradients of points after the objective stay zero). */
export function allocateRun(plan: RunPlan, classes: number): HookRun {
  const acts: Partial<Record<HookPointName, Float32Array>> = {};
  const grads: Partial<Record<HookPointName, Float32Array>> = {};
  for (const p of plan.points) {
    acts[p.name] = new Float32Array(plan.count * size(p.shape));
    if (plan.objective) grads[p.name] = new Float32Array(plan.count * size(p.shape));
  }
  return {
    logits: new Float32Array(plan.count * classes),
    probs: new Float32Array(plan.count * classes),
    acts,
    ...(plan.objective ? { grads, objective: new Float32Array(plan.count) } : {}),
  };
}
