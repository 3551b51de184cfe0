/**
 * Typicality (Lee, Lee, Lee & Shin 2018, "A simple unified framework for detecting out-of-distribution samples"):
 * class-conditional Gaussians with one shared covariance fitted on the penultimate layer over training digits; an
 * input's score is the Mahalanobis distance to the closest class mean. Far from every class: not a digit the model
 * knows, however confident its softmax is.
 */
import { inverse, Matrix } from 'ml-matrix';
import type { Network } from '../model/network.ts';
import type { TypicalityData } from './explorer-data.ts';
import { penultimate, sweep, type Representation } from './layers.ts';

/** Ridge on the covariance's diagonal, relative to its mean variance: dead relu units have zero variance. */
export const RIDGE = 1e-3;

export interface TypicalityFit {
  layer: string;
  dim: number;
  classes: number;
  count: number;
  ridge: number;
  means: Float32Array;
  precision: Float32Array;
}

export interface TypicalityScore {
  /** Mahalanobis distance to the closest class mean. */
  distance: number;
  /** That class. */
  closest: number;
}

/** Fits the means and the shared precision on the first `count` images (float64 sums). */
export function fitTypicality(net: Network, images: Float32Array, labels: Uint8Array, count = labels.length): TypicalityFit {
  const rep = penultimate(net);
  const d = rep.dim, k = net.classes;
  const sums = new Float64Array(k * d);
  const n = new Float64Array(k);
  sweep(net, images, count, (start, m, view) => {
    const a = view(rep);
    for (let i = 0; i < m; i++) {
      const c = labels[start + i];
      n[c]++;
      for (let j = 0; j < d; j++) sums[c * d + j] += a[i * d + j];
    }
  });
  const means = sums.map((s, i) => s / Math.max(1, n[Math.floor(i / d)]));
  // Shared covariance: Σ over digits of (x − μ_y)(x − μ_y)ᵀ / N.
  const cov = new Float64Array(d * d);
  const x = new Float64Array(d);
  sweep(net, images, count, (start, m, view) => {
    const a = view(rep);
    for (let i = 0; i < m; i++) {
      const c = labels[start + i];
      for (let j = 0; j < d; j++) x[j] = a[i * d + j] - means[c * d + j];
      for (let p = 0; p < d; p++) {
        const xp = x[p];
        if (xp === 0) continue;
        for (let q = 0; q < d; q++) cov[p * d + q] += xp * x[q];
      }
    }
  });
  const m = new Matrix(d, d);
  let trace = 0;
  for (let p = 0; p < d; p++) trace += cov[p * d + p] / count;
  const ridge = (RIDGE * trace) / d;
  for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) m.set(p, q, (cov[p * d + q] + cov[q * d + p]) / (2 * count) + (p === q ? ridge : 0));
  const inv = inverse(m);
  const precision = new Float32Array(d * d);
  for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) precision[p * d + q] = (inv.get(p, q) + inv.get(q, p)) / 2;
  return { layer: rep.name, dim: d, classes: k, count, ridge, means: Float32Array.from(means), precision };
}

/** The score of one penultimate-layer activation. */
export function mahalanobis(t: Pick<TypicalityData, 'means' | 'precision'> & { header: { dim: number; classes: number } }, a: ArrayLike<number>): TypicalityScore {
  const { dim: d, classes } = t.header;
  if (a.length !== d) throw new Error(`typicality: fitted on ${d} activations, got ${a.length}`);
  const diff = new Float64Array(d);
  let best = Infinity, closest = -1;
  for (let c = 0; c < classes; c++) {
    for (let j = 0; j < d; j++) diff[j] = a[j] - t.means[c * d + j];
    let s = 0;
    for (let p = 0; p < d; p++) {
      let row = 0;
      for (let q = 0; q < d; q++) row += t.precision[p * d + q] * diff[q];
      s += diff[p] * row;
    }
    if (s < best) {
      best = s;
      closest = c;
    }
  }
  return { distance: Math.sqrt(Math.max(0, best)), closest };
}

/** Typicality of one 28×28 input under the network (what the worker calls), with the verdict against the threshold. */
export function typicality(net: Network, t: TypicalityData, input: Float32Array): TypicalityScore & { typical: boolean } {
  const rep = penultimate(net);
  if (rep.name !== t.header.layer) throw new Error(`typicality: fitted on layer ${t.header.layer}, the model's penultimate is ${rep.name}`);
  net.setInput(input, 1);
  net.forward(1);
  const s = mahalanobis(t, net.arena.f32(rep.ptr, rep.dim));
  return { ...s, typical: s.distance <= t.header.threshold };
}

/** Scores of many 28×28 inputs (count × 784). */
export function scoreAll(net: Network, t: Pick<TypicalityData, 'means' | 'precision'> & { header: { dim: number; classes: number } }, images: Float32Array, count: number, rep: Representation = penultimate(net)): Float64Array {
  const out = new Float64Array(count);
  sweep(net, images, count, (start, n, view) => {
    const a = view(rep);
    for (let i = 0; i < n; i++) out[start + i] = mahalanobis(t, a.subarray(i * rep.dim, (i + 1) * rep.dim)).distance;
  });
  return out;
}

/** Area under the ROC curve for "positive scores higher" (Mann–Whitney U; ties count half). */
export function auroc(negatives: ArrayLike<number>, positives: ArrayLike<number>): number {
  const all = [...Array.from(negatives, (v) => [v, 0] as const), ...Array.from(positives, (v) => [v, 1] as const)].sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j][0] === all[i][0]) j++;
    const rank = (i + j + 1) / 2; // mean of 1-based ranks i+1 .. j
    for (let q = i; q < j; q++) if (all[q][1] === 1) rankSum += rank;
    i = j;
  }
  const np = positives.length, nn = negatives.length;
  return (rankSum - (np * (np + 1)) / 2) / (np * nn);
}

export function quantile(values: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(values).sort();
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}
