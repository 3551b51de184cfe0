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
 * Which seams are right is not decided here: row.ts asks the models how confidently they read the pieces between.
 */
import type { Piece } from './segment.ts';

/** A seam: its column in each row of the piece. */
export type Seam = Int32Array;

/** Spacing of the regular candidate columns, × the row's height. */
const REGULAR = 0.12;

/** Diagonal steps cost a little, so a seam through blank paper runs straight. */
const STEP = 0.01;

/**
 * Candidate seams through the piece, left to right. `rowHeight` scales the margins: no seam within a tenth of the
 * row of either edge (a printed 1 is about that wide) or of another seam; a seam wanders at most 15 % of the row
 * from its column. At most `max` seams, the cheapest profile minima first.
 */
export function seams(p: Piece, rowHeight: number, max: number): Seam[] {
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
  // Overlapping digits need not leave a dip in the profile: regularly spaced columns are candidates too, after
  // the minima.
  const step = Math.max(2, Math.round(REGULAR * rowHeight));
  for (let x = margin; x < w - margin; x += step) minima.push(x);
  const chosen: number[] = [];
  const apart = Math.max(2, Math.round(0.1 * rowHeight));
  for (const x of minima) {
    if (chosen.length >= max) break;
    if (chosen.every((c) => Math.abs(c - x) >= apart)) chosen.push(x);
  }
  const band = Math.max(1, Math.round(0.15 * rowHeight));
  const out: Seam[] = [];
  for (const c of chosen.sort((a, b) => a - b)) {
    const s = seam(p, Math.max(1, c - band), Math.min(w - 1, c + band + 1));
    // Two columns can lead to the same seam; and seams must not cross, so each lies right of the one before.
    const prev = out[out.length - 1];
    if (!prev || s.every((x, y) => x > prev[y])) out.push(s);
  }
  return out;
}

/**
 * The ink strictly between two seams (the seams' own pixels are dropped), cropped to its box; `left` undefined is
 * the piece's left edge, `right` undefined its right edge. Null if there is no ink.
 */
export function between(p: Piece, left: Seam | undefined, right: Seam | undefined): Piece | null {
  const { w, h, ink } = p;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const a = left ? left[y] + 1 : 0, b = right ? right[y] : w;
    for (let x = a; x < b; x++) out[y * w + x] = ink[y * w + x];
  }
  return tighten(p, out);
}

/** The cheapest top-to-bottom path within columns [lo, hi): path[y] is its column in row y. */
function seam(p: Piece, lo: number, hi: number): Seam {
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
  return path;
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

