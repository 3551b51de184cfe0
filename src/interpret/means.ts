/**
 * Mean activations for mean-ablation: the mean of every distinct tensor (HookIndex.canonicalPoints: the model's
 * input and every `.pre` and `.out`; a `.in` is its previous layer's `.out`) over the 10 000 MNIST test digits.
 * Written by `npm run means` (scripts/means.ts) as means.bin beside each model.json; read by the worker and the
 * CLI, which hand them to the engine (`load(id, model, { means })`).
 *
 * One format for the writer and the reader, binary because the worker reads it at every start (the CNN's 44 964
 * means as JSON were 466 KiB and took 10 ms to parse; as float32, 176 KiB and no parsing):
 *   u32 LE  header length H (bytes)
 *   H bytes UTF-8 JSON header { format, version, model, data, samples, points: [{ name, shape }] }, space-padded
 *           so the values start at a multiple of 4
 *   float32 LE values, the points' means one after another in header order
 */
import { HookIndex, type HookMeans } from './hooks.ts';
import type { InferenceEngine } from '../engines/types.ts';
import type { ModelSpec } from '../model/spec.ts';
import { size } from '../model/shapes.ts';

export const MEANS_FORMAT = 'seeing-digits-means';
export const MEANS_FILE = 'means.bin';

export interface MeansHeader {
  format: typeof MEANS_FORMAT;
  version: 1;
  /** The model's name (ModelSpec.name), so a file is not used with another model. */
  model: string;
  /** What the means are over, e.g. "MNIST test". */
  data: string;
  samples: number;
  points: { name: string; shape: number[] }[];
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

export function encodeMeans(spec: ModelSpec, means: ReadonlyMap<string, ArrayLike<number>>, data: string, samples: number): Uint8Array {
  const points = new HookIndex(spec).canonicalPoints().map((p) => ({ name: p.name, shape: p.shape }));
  const header: MeansHeader = { format: MEANS_FORMAT, version: 1, model: spec.name, data, samples, points };
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((4 + json.length) / 4) * 4 - 4;
  json = new TextEncoder().encode(JSON.stringify(header).padEnd(padded, ' '));
  const floats = points.reduce((n, p) => n + size(p.shape), 0);
  const out = new Uint8Array(4 + padded + 4 * floats);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded, true);
  out.set(json, 4);
  let o = 4 + padded;
  for (const p of points) {
    const m = means.get(p.name);
    if (!m || m.length !== size(p.shape)) throw new Error(`means: no ${size(p.shape)} means for ${p.name}`);
    for (let i = 0; i < m.length; i++, o += 4) view.setFloat32(o, m[i], true);
  }
  return out;
}

/** Reads a means file and checks it against the model: every canonical point present with its shape. */
export function decodeMeans(bytes: ArrayBuffer, spec: ModelSpec): HookMeans {
  const fail = (why: string): never => {
    throw new Error(`means file for model ${spec.name}: ${why}`);
  };
  if (!(bytes instanceof ArrayBuffer) || bytes.byteLength < 8) return fail('not a means file (too short)');
  const view = new DataView(bytes);
  const h = view.getUint32(0, true);
  if (h % 4 !== 0 || 4 + h > bytes.byteLength) fail('not a means file (bad header length)');
  let header: Partial<MeansHeader> | undefined;
  try {
    header = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes, 4, h)));
  } catch {
    fail('not a means file (header is not JSON)');
  }
  if (header?.format !== MEANS_FORMAT || header.version !== 1 || !Array.isArray(header.points)) fail(`not a ${MEANS_FORMAT} version 1 file`);
  if (header!.model !== spec.name) fail(`it was made for model ${JSON.stringify(header!.model)}`);
  const at = new Map<string, { shape: unknown; offset: number }>();
  let offset = 4 + h;
  for (const p of header!.points!) {
    at.set(p.name, { shape: p.shape, offset });
    offset += 4 * (Array.isArray(p.shape) ? size(p.shape) : 0);
  }
  if (offset !== bytes.byteLength) fail(`${bytes.byteLength} bytes, but its header describes ${offset}`);
  const out = new Map<string, Float32Array>();
  for (const p of new HookIndex(spec).canonicalPoints()) {
    const e = at.get(p.name);
    if (!e || JSON.stringify(e.shape) !== JSON.stringify(p.shape)) fail(`${p.name} [${p.shape}] is missing`);
    const n = size(p.shape);
    const m = new Float32Array(n);
    for (let i = 0; i < n; i++) m[i] = view.getFloat32(e!.offset + 4 * i, true);
    if (m.some((v) => !Number.isFinite(v))) fail(`${p.name} has a value that is not a finite number`);
    out.set(p.name, m);
  }
  return out;
}
