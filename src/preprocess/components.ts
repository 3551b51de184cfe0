/**
 * Finds the ink: hysteresis thresholding (as in Canny's edge detector) over 8-connected components.
 * A component is every pixel at least `low` away from the background that touches others like it; it counts as ink
 * only if it holds enough `strong` pixels (at least `high` away). So faint halos and JPEG ringing that touch a stroke
 * stay with it (the anti-aliased edge of the digit), while isolated specks, dust and noise — however dark — are
 * dropped, and never stretch the bounding box.
 *
 * One raster pass over the pixels, a run of ink at a time (two-pass labelling whose second pass runs over labels,
 * not pixels): each provisional label keeps its own strong count, pixel count and bounding box, merged into its root
 * afterwards.
 */
import type { Workspace } from './workspace.ts';

export interface InkThresholds {
  low: number;
  high: number;
  /** A component needs at least this many strong pixels… */
  minStrong: number;
  /** …and at least this fraction of the strongest component's count. */
  relStrong: number;
}

export interface InkRegion {
  /** Bounding box of the kept ink, inclusive-exclusive: [x0, x1) × [y0, y1). */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Kept pixels (strong or not). */
  count: number;
  /** Bounding box of each kept component. */
  parts: Box[];
  /** Each kept component's root label, parallel to parts: pixel i belongs to part j iff parent[labels[i]] = roots[j]. */
  roots: number[];
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Union-find root with path halving. */
function find(parent: Int32Array, a: number): number {
  while (parent[a] !== a) {
    parent[a] = parent[parent[a]];
    a = parent[a];
  }
  return a;
}

/** Links the larger root under the smaller, so every label's parent is smaller than itself or itself. */
function union(parent: Int32Array, a: number, b: number): number {
  a = find(parent, a);
  b = find(parent, b);
  if (a < b) parent[b] = a;
  else if (b < a) parent[a] = b;
  return a < b ? a : b;
}

/**
 * Provisional labels, a run at a time: a horizontal run of ink pixels [x0, x1) in row y touches (8-connectivity)
 * every ink pixel of row y − 1 in [x0 − 1, x1]; it takes the first such label and joins the rest.
 * Returns the number of labels used (label 0 = background).
 */
function labelPass(dist: Float32Array, w: number, h: number, t: InkThresholds, ws: Workspace): number {
  const { labels, parent, strong, count, bx0, bx1, by0, by1 } = ws;
  const { low, high } = t;
  let next = 1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let x = 0;
    while (x < w) {
      const gap = x;
      while (x < w && !(dist[row + x] >= low)) x++;
      labels.fill(0, row + gap, row + x);
      if (x === w) break;
      const x0 = x;
      let strongRun = 0;
      for (; x < w; x++) {
        const d = dist[row + x];
        if (!(d >= low)) break;
        if (d >= high) strongRun++;
      }
      const x1 = x;
      let l = 0;
      if (y > 0) {
        const up = row - w;
        let prev = 0;
        for (let u = x0 > 0 ? x0 - 1 : 0, end = x1 < w ? x1 : w - 1; u <= end; u++) {
          const v = labels[up + u];
          if (v === 0 || v === prev) continue;
          prev = v;
          l = l === 0 ? v : union(parent, l, v);
        }
      }
      if (l === 0) {
        l = next++;
        parent[l] = l;
        strong[l] = count[l] = 0;
        bx0[l] = x0;
        bx1[l] = x1;
        by0[l] = y;
      }
      labels.fill(l, row + x0, row + x1);
      count[l] += x1 - x0;
      strong[l] += strongRun;
      if (x0 < bx0[l]) bx0[l] = x0;
      if (x1 > bx1[l]) bx1[l] = x1;
      by1[l] = y + 1;
    }
  }
  return next;
}

/** Merges every label's statistics into its root (ascending: a label's parent is always a smaller label). */
function mergeIntoRoots(used: number, ws: Workspace): void {
  const { parent, strong, count, bx0, bx1, by0, by1 } = ws;
  for (let l = 1; l < used; l++) {
    const p = parent[l];
    if (p === l) continue;
    const r = parent[p]; // already resolved
    parent[l] = r;
    strong[r] += strong[l];
    count[r] += count[l];
    if (bx0[l] < bx0[r]) bx0[r] = bx0[l];
    if (bx1[l] > bx1[r]) bx1[r] = bx1[l];
    if (by0[l] < by0[r]) by0[r] = by0[l];
    if (by1[l] > by1[r]) by1[r] = by1[l];
  }
}

/**
 * Labels the ink and keeps the components that hold enough strong pixels. Afterwards ws.keep[ws.labels[i]] is 1 for
 * kept ink and 0 otherwise (keep[0] = 0). Returns null when nothing is kept.
 */
export function findInk(dist: Float32Array, w: number, h: number, t: InkThresholds, ws: Workspace): InkRegion | null {
  const used = labelPass(dist, w, h, t, ws);
  mergeIntoRoots(used, ws);
  const { parent, strong, count, bx0, bx1, by0, by1, keep } = ws;
  let best = 0;
  for (let l = 1; l < used; l++) if (parent[l] === l && strong[l] > best) best = strong[l];
  const need = Math.max(t.minStrong, t.relStrong * best);
  const region: InkRegion = { x0: w, y0: h, x1: 0, y1: 0, count: 0, parts: [], roots: [] };
  keep[0] = 0;
  for (let l = 1; l < used; l++) {
    const r = parent[l];
    keep[l] = strong[r] >= need ? 1 : 0;
    if (r !== l || keep[l] === 0) continue;
    region.count += count[l];
    region.parts.push({ x0: bx0[l], y0: by0[l], x1: bx1[l], y1: by1[l] });
    region.roots.push(l);
    region.x0 = Math.min(region.x0, bx0[l]);
    region.x1 = Math.max(region.x1, bx1[l]);
    region.y0 = Math.min(region.y0, by0[l]);
    region.y1 = Math.max(region.y1, by1[l]);
  }
  return region.count === 0 ? null : region;
}

/**
 * How many digits stand side by side: the kept components grouped into columns (components whose x ranges overlap,
 * or are closer than a tenth of the ink's height, belong together); a column counts as a digit when it is at least
 * 60 % as tall as all the ink. A digit drawn in several strokes (a 4's bar short of its stem, a 5's loose top bar)
 * stays one column; "42" makes two.
 */
export function sideBySide(ink: InkRegion): number {
  const height = ink.y1 - ink.y0;
  const near = 0.1 * height;
  const columns: Box[] = [];
  for (const p of [...ink.parts].sort((a, b) => a.x0 - b.x0)) {
    const last = columns[columns.length - 1];
    if (last && p.x0 < last.x1 + near) {
      last.x1 = Math.max(last.x1, p.x1);
      last.y0 = Math.min(last.y0, p.y0);
      last.y1 = Math.max(last.y1, p.y1);
    } else columns.push({ ...p });
  }
  return columns.filter((c) => c.y1 - c.y0 >= 0.6 * height).length;
}
