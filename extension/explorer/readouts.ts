/**
 * Pure helpers behind the explorer's read-outs: which test digits lie nearest a point on a PCA map (the sketch's
 * neighbourhood, the nearest shipped digit to a click), and where a value falls in a unit's histogram over the test set.
 */
import { CLASSES } from '../shared/digits.ts';

/**
 * Indices of the k points nearest to (x, y) among `points` (x, y interleaved), distances scaled per axis by kx, ky
 * (so both axes of a map count alike), nearest first; `keep(i)` may skip points. One pass keeping a sorted list of k:
 * it runs on every pen move, no sort of all 10 000 points.
 */
export function nearest(points: ArrayLike<number>, x: number, y: number, k: number, kx = 1, ky = 1, keep?: (i: number) => boolean): number[] {
  const idx: number[] = [];
  const dist: number[] = [];
  for (let i = 0; i < points.length / 2; i++) {
    if (keep && !keep(i)) continue;
    const d = ((points[2 * i] - x) * kx) ** 2 + ((points[2 * i + 1] - y) * ky) ** 2;
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

/** The classes among the given points, most frequent first (ties: the smaller digit first), as [digit, count]. */
export function classCounts(indices: readonly number[], labels: ArrayLike<number>): [number, number][] {
  const counts = new Array<number>(CLASSES).fill(0);
  for (const i of indices) counts[labels[i]]++;
  return counts.map((c, d): [number, number] => [d, c]).filter(([, c]) => c > 0).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}

/**
 * The share of a histogram's mass below `v` (bins equal over [lo, hi], mass spread evenly within a bin): where the
 * sketch's value of a unit stands among the test digits' values.
 */
export function shareBelow(h: { lo: number; hi: number; bins: number }, counts: readonly number[], v: number): number {
  const total = counts.reduce((s, c) => s + c, 0);
  if (total === 0) return 0;
  const t = ((v - h.lo) / (h.hi - h.lo || 1)) * h.bins;
  let below = 0;
  for (let b = 0; b < h.bins; b++) below += counts[b] * Math.min(1, Math.max(0, t - b));
  return below / total;
}
