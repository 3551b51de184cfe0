/**
 * Precomputed explorer data shipped beside each model (extension/models/<id>/pca.json and neurons.json), with
 * readers that check the shape and say what is wrong instead of failing somewhere in the drawing code.
 */
import { PIXELS } from '../shared/digits.ts';

// The file formats are declared once, beside their writer (src/interpret/explore.ts); these are their readers.
import type { NeuronLayer, NeuronsFile, PcaFile, PcaPoint } from '../../src/interpret/explorer-files.ts';

export type { NeuronLayer, NeuronsFile, PcaFile, PcaPoint };

export class FormatError extends Error {}

function need(ok: boolean, what: string, file: string): void {
  if (!ok) throw new FormatError(`${file}: ${what}`);
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumArray = (v: unknown, n?: number): v is number[] =>
  Array.isArray(v) && (n === undefined || v.length === n) && v.every(isNum);

export function readPca(raw: unknown, file = 'pca.json'): PcaFile {
  const p = raw as PcaFile;
  need(!!p && typeof p === 'object', 'not a JSON object', file);
  need(typeof p.layer === 'string', '"layer" must be a layer name', file);
  need(isNumArray(p.mean) && p.mean.length > 0, '"mean" must be a non-empty number array', file);
  need(
    Array.isArray(p.components) && p.components.length === 2 && p.components.every((c) => isNumArray(c, p.mean.length)),
    `"components" must be 2 arrays of ${p.mean?.length} numbers (the length of "mean")`,
    file,
  );
  need(Array.isArray(p.points), '"points" must be an array', file);
  const bad = p.points.findIndex((q) => !q || !isNum(q.x) || !isNum(q.y) || !Number.isInteger(q.label) || q.label < 0 || q.label > 9);
  need(bad < 0, `point ${bad} needs numeric x, y and a label 0–9`, file);
  return p;
}

export function readNeurons(raw: unknown, file = 'neurons.json'): NeuronsFile {
  const n = raw as NeuronsFile;
  need(!!n && typeof n === 'object', 'not a JSON object', file);
  need(!!n.images && typeof n.images === 'object', '"images" must map test indices to base64 images', file);
  need(Array.isArray(n.layers), '"layers" must be an array', file);
  for (const l of n.layers) {
    need(typeof l.name === 'string' && (l.kind === 'Dense' || l.kind === 'Conv2D'), 'each layer needs a name and kind Dense|Conv2D', file);
    need(Array.isArray(l.top) && l.top.length === l.units, `layer ${l.name}: "top" must have one list per unit (${l.units})`, file);
    for (const list of l.top) {
      need(Array.isArray(list) && list.every((t) => Number.isInteger(t.index) && isNum(t.activation)), `layer ${l.name}: bad "top" entry`, file);
      for (const t of list) need(typeof n.images[String(t.index)] === 'string', `layer ${l.name}: image ${t.index} missing from "images"`, file);
    }
  }
  return n;
}

/** A 28×28 test digit from neurons.json as floats in [0, 1]. */
export function decodeDigit(b64: string): Float32Array {
  const bin = atob(b64);
  if (bin.length !== PIXELS) throw new FormatError(`a digit image must be ${PIXELS} bytes, got ${bin.length}`);
  const out = new Float32Array(PIXELS);
  for (let i = 0; i < PIXELS; i++) out[i] = bin.charCodeAt(i) / 255;
  return out;
}

/** Places an activation vector on the PCA map: components · (a − mean). */
export function project(pca: PcaFile, a: ArrayLike<number>): { x: number; y: number } {
  if (a.length !== pca.mean.length) {
    throw new FormatError(`pca.json is for ${pca.mean.length} activations but layer "${pca.layer}" gave ${a.length}`);
  }
  const [c0, c1] = pca.components;
  let x = 0;
  let y = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - pca.mean[i];
    x += c0[i] * d;
    y += c1[i] * d;
  }
  return { x, y };
}

/** Data bounds of the points with a relative margin, for the plot's axes. */
export function bounds(points: readonly { x: number; y: number }[], margin = 0.05) {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const p of points) {
    if (p.x < x0) x0 = p.x;
    if (p.x > x1) x1 = p.x;
    if (p.y < y0) y0 = p.y;
    if (p.y > y1) y1 = p.y;
  }
  if (!(x1 >= x0)) return { x0: -1, x1: 1, y0: -1, y1: 1 };
  const mx = (x1 - x0 || 1) * margin;
  const my = (y1 - y0 || 1) * margin;
  return { x0: x0 - mx, x1: x1 + mx, y0: y0 - my, y1: y1 + my };
}

/**
 * Indices of the k points nearest to p, distances scaled per axis by kx, ky; one pass keeping a sorted list of k
 * (the map is redrawn on every pen move: no sort of all points).
 */
export function nearest(points: readonly { x: number; y: number }[], p: { x: number; y: number }, k: number, kx = 1, ky = 1): number[] {
  const idx: number[] = [];
  const dist: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const d = ((points[i].x - p.x) * kx) ** 2 + ((points[i].y - p.y) * ky) ** 2;
    if (idx.length === k && d >= dist[k - 1]) continue;
    let j = idx.length === k ? k - 1 : idx.length;
    while (j > 0 && dist[j - 1] > d) {
      dist[j] = dist[j - 1];
      idx[j] = idx[j - 1];
      j--;
    }
    dist[j] = d;
    idx[j] = i;
  }
  return idx;
}
