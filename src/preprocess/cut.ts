/**
 * Where to cut two touching digits apart: candidate seams through a piece of ink, cheapest first.
 *
 * The vertical projection profile (ink per column) dips where two digits touch — at a narrow waist — so its local
 * minima are the candidate columns. Through each, a minimum-cost path runs from top to bottom (dynamic programming,
 * one pixel per row, moving at most one column a row, within a band around the column), its cost the ink it crosses:
 * so the seam follows the gap between slanted or overlapping digits instead of slicing a stroke that leans into the
 * neighbour's column (the "drop-fall" family of touching-digit segmenters; see Fujisawa, Nakano and Kurino,
 * "Segmentation methods for character recognition", Proc. IEEE 80(7), 1992).
 *
 * Whether a cut is right is not decided here: row.ts asks the models how confidently they read both halves.
 */
import type { Piece } from './segment.ts';

/** A cut: the two halves, each cropped to its own ink. */
export type Cut = [Piece, Piece];

/** Diagonal steps cost a little, so a seam through blank paper runs straight. */
const STEP = 0.01;

/**
 * Up to `max` cuts of the piece, cheapest seam first. `rowHeight` scales the margins: neither half may be narrower
 * than a tenth of the row (a printed 1 is about that), seams are at least a tenth apart and wander at most 15 %.
 */
export function cutCandidates(p: Piece, rowHeight: number, max = 3): Cut[] {
  const { w, h, ink } = p;
  const margin = Math.max(1, Math.round(0.1 * rowHeight));
  if (w < 2 * margin + 1) return [];
  const profile = new Float32Array(w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) profile[x] += ink[y * w + x];
  const minima: number[] = [];
  for (let x = margin; x < w - margin; x++) {
    if (profile[x] <= profile[x - 1] && profile[x] <= profile[x + 1]) minima.push(x);
  }
  minima.sort((a, b) => profile[a] - profile[b]);
  const chosen: number[] = [];
  const apart = Math.max(2, Math.round(0.1 * rowHeight));
  for (const x of minima) {
    if (chosen.length >= max) break;
    if (chosen.every((c) => Math.abs(c - x) >= apart)) chosen.push(x);
  }
  const band = Math.max(1, Math.round(0.15 * rowHeight));
  const cuts: { cost: number; cut: Cut }[] = [];
  for (const c of chosen) {
    const { path, cost } = seam(p, Math.max(1, c - band), Math.min(w - 1, c + band));
    const halves = split(p, path);
    if (halves) cuts.push({ cost, cut: halves });
  }
  return cuts.sort((a, b) => a.cost - b.cost).map((c) => c.cut);
}

/** The cheapest top-to-bottom path within columns [lo, hi): path[y] is its column in row y. */
function seam(p: Piece, lo: number, hi: number): { path: Int32Array; cost: number } {
  const { w, h, ink } = p;
  const bw = hi - lo;
  const cost = new Float32Array(bw * h);
  const from = new Int8Array(bw * h);
  for (let y = 0; y < h; y++) {
    for (let i = 0; i < bw; i++) {
      let best = 0, step = 0;
      if (y > 0) {
        best = Infinity;
        for (let d = -1; d <= 1; d++) {
          const j = i + d;
          if (j < 0 || j >= bw) continue;
          const c = cost[(y - 1) * bw + j] + (d === 0 ? 0 : STEP);
          if (c < best) [best, step] = [c, d];
        }
      }
      cost[y * bw + i] = best + ink[y * w + lo + i];
      from[y * bw + i] = step;
    }
  }
  let end = 0;
  for (let i = 1; i < bw; i++) if (cost[(h - 1) * bw + i] < cost[(h - 1) * bw + end]) end = i;
  const path = new Int32Array(h);
  let i = end;
  for (let y = h - 1; y >= 0; y--) {
    path[y] = lo + i;
    i += from[y * bw + i];
  }
  return { path, cost: cost[(h - 1) * bw + end] };
}

/** The ink left and right of the path (the path's own pixels are the seam: dropped), or null if a side is empty. */
function split(p: Piece, path: Int32Array): Cut | null {
  const { w, h, ink } = p;
  const left = new Float32Array(w * h), right = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = ink[y * w + x];
      if (x < path[y]) left[y * w + x] = v;
      else if (x > path[y]) right[y * w + x] = v;
    }
  }
  const l = tighten(p, left), r = tighten(p, right);
  return l && r ? [l, r] : null;
}

/** The piece's ink cropped to its bounding box; null if there is none. */
export function tighten(p: Piece, ink: Float32Array): Piece | null {
  const { w, h } = p;
  let x0 = w, y0 = h, x1 = 0, y1 = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (ink[y * w + x] === 0) continue;
      if (x < x0) x0 = x;
      if (x >= x1) x1 = x + 1;
      if (y < y0) y0 = y;
      if (y >= y1) y1 = y + 1;
    }
  }
  if (x1 <= x0) return null;
  const tw = x1 - x0, th = y1 - y0;
  const out = new Float32Array(tw * th);
  for (let y = 0; y < th; y++) out.set(ink.subarray((y + y0) * w + x0, (y + y0) * w + x1), y * tw);
  return { x0: p.x0 + x0, y0: p.y0 + y0, w: tw, h: th, ink: out };
}
