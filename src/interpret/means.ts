/**
 * Mean activations for mean-ablation: the mean of every distinct tensor (HookIndex.canonicalPoints: the model's
 * input and every `.pre` and `.out`; a `.in` is its previous layer's `.out`) over the 10 000 MNIST test digits.
 * Written by `npm run means` (scripts/means.ts) as means.json beside each model.json; read by the worker and the
 * CLI, which hand them to the engine (`load(id, model, { means })`).
 *
 * One schema for the writer and the reader. Values are stored with 7 significant digits (float32 holds ~7.2):
 * the file stays readable and the rounding is below float32's own.
 */
import { HookIndex, type HookMeans } from './hooks.ts';
import type { InferenceEngine } from '../engines/types.ts';
import type { ModelSpec } from '../model/spec.ts';
import { size } from '../model/shapes.ts';

export const MEANS_FORMAT = 'seeing-digits-means';
export const MEANS_FILE = 'means.json';

export interface MeansFile {
  format: typeof MEANS_FORMAT;
  version: 1;
  /** The model's name (ModelSpec.name), so a file is not used with another model. */
  model: string;
  /** What the means are over, e.g. "MNIST test". */
  data: string;
  samples: number;
  points: Record<string, { shape: number[]; mean: number[] }>;
}

/** Means of the canonical points over `count` inputs, accumulated in float64, `batch` inputs per engine call. */
export async function computeMeans(
  engine: InferenceEngine,
  id: string,
  spec: ModelSpec,
  images: Float32Array,
  count: number,
  batch = 64,
): Promise<Map<string, Float64Array>> {
  const points = new HookIndex(spec).canonicalPoints();
  const inSize = size(spec.inputShape);
  const sums = new Map(points.map((p) => [p.name as string, new Float64Array(size(p.shape))]));
  for (let first = 0; first < count; first += batch) {
    const n = Math.min(batch, count - first);
    const run = await engine.runWithCache(id, images.subarray(first * inSize, (first + n) * inSize), n, { names: points.map((p) => p.name) });
    for (const p of points) {
      const s = sums.get(p.name)!;
      const a = run.acts[p.name]!;
      for (let b = 0; b < n; b++) for (let i = 0; i < s.length; i++) s[i] += a[b * s.length + i];
    }
  }
  for (const s of sums.values()) for (let i = 0; i < s.length; i++) s[i] /= count;
  return sums;
}

export function meansFile(spec: ModelSpec, means: Map<string, Float64Array>, data: string, samples: number): MeansFile {
  const shapes = new Map(new HookIndex(spec).canonicalPoints().map((p) => [p.name as string, p.shape]));
  const points: MeansFile['points'] = {};
  for (const [name, m] of means) points[name] = { shape: shapes.get(name)!, mean: Array.from(m, (v) => Number(v.toPrecision(7))) };
  return { format: MEANS_FORMAT, version: 1, model: spec.name, data, samples, points };
}

/** Checks a means file against the model: every canonical point present with its shape. */
export function parseMeans(json: unknown, spec: ModelSpec): HookMeans {
  const fail = (why: string): never => {
    throw new Error(`means file for model ${spec.name}: ${why}`);
  };
  const f = json as Partial<MeansFile> | null;
  if (typeof f !== 'object' || f === null || f.format !== MEANS_FORMAT || f.version !== 1) fail(`not a ${MEANS_FORMAT} version 1 file`);
  if (f!.model !== spec.name) fail(`it was made for model ${JSON.stringify(f!.model)}`);
  if (typeof f!.points !== 'object' || f!.points === null) fail('no points');
  const out = new Map<string, Float32Array>();
  for (const p of new HookIndex(spec).canonicalPoints()) {
    const e = f!.points![p.name];
    if (!e || !Array.isArray(e.mean) || e.mean.length !== size(p.shape)) fail(`${p.name} is missing or not ${size(p.shape)} values`);
    const m = Float32Array.from(e!.mean);
    if (m.some((v) => !Number.isFinite(v))) fail(`${p.name} has a value that is not a finite number`);
    out.set(p.name, m);
  }
  return out;
}
