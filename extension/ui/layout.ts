/**
 * Layout math for the activation views, in device pixels (callers multiply CSS sizes by devicePixelRatio) so every
 * neuron cell and feature-map pixel lands on whole pixels and stays crisp.
 */
export interface Grid {
  cols: number;
  rows: number;
}

/**
 * Columns × rows for `n` cells, as close as possible to `aspect` (= cols / rows): exact divisor pairs first
 * (128 → 16×8, 64 → 8×8 at aspect 1), else the near-aspect grid with the fewest empty cells.
 */
export function gridShape(n: number, aspect = 2): Grid {
  if (!Number.isInteger(n) || n < 1) throw new Error(`gridShape: need a positive cell count, got ${n}`);
  let best: Grid = { cols: n, rows: 1 };
  let bestScore = Infinity;
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const empty = cols * rows - n;
    // Score: distance from the wanted aspect in log space, plus a penalty for empty cells.
    const score = Math.abs(Math.log(cols / rows / aspect)) + (empty > 0 ? 0.5 + empty / n : 0);
    if (score < bestScore - 1e-9) {
      best = { cols, rows };
      bestScore = score;
    }
  }
  return best;
}

export interface CellLayout extends Grid {
  cell: number;
  gap: number;
  width: number;
  height: number;
}

/** A grid of `n` square cells filling `maxWidth` (cells at most `maxCell`, at least 1 px). */
export function fitCells(n: number, maxWidth: number, opts: { aspect?: number; gap?: number; maxCell?: number } = {}): CellLayout {
  const { cols, rows } = gridShape(n, opts.aspect ?? 2);
  const gap = opts.gap ?? 1;
  const cell = Math.max(1, Math.min(opts.maxCell ?? 64, Math.floor((maxWidth + gap) / cols) - gap));
  return { cols, rows, cell, gap, width: cols * (cell + gap) - gap, height: rows * (cell + gap) - gap };
}

export interface MultiplesLayout extends Grid {
  /** Each map pixel becomes scale × scale device pixels. */
  scale: number;
  gap: number;
  tileW: number;
  tileH: number;
  width: number;
  height: number;
}

/**
 * Small multiples: `count` maps of h×w laid out in rows within `maxWidth`, with the largest whole-pixel scale
 * (≤ maxScale) whose layout is at most `maxHeight` tall; scale 1 if nothing fits.
 */
export function fitMultiples(
  count: number,
  h: number,
  w: number,
  maxWidth: number,
  opts: { gap?: number; maxScale?: number; maxHeight?: number } = {},
): MultiplesLayout {
  if (count < 1 || h < 1 || w < 1) throw new Error(`fitMultiples: bad shape ${count}×${h}×${w}`);
  const gap = opts.gap ?? 2;
  const maxHeight = opts.maxHeight ?? Infinity;
  let chosen: MultiplesLayout | undefined;
  for (let scale = Math.max(1, opts.maxScale ?? 8); scale >= 1; scale--) {
    const tileW = w * scale;
    const tileH = h * scale;
    const fit = Math.max(1, Math.min(count, Math.floor((maxWidth + gap) / (tileW + gap))));
    const rows = Math.ceil(count / fit);
    const cols = Math.ceil(count / rows); // balance the rows: 16 maps in 2 rows of 8, not 14 + 2
    const layout = { cols, rows, scale, gap, tileW, tileH, width: cols * (tileW + gap) - gap, height: rows * (tileH + gap) - gap };
    chosen = layout;
    if (layout.width <= maxWidth && layout.height <= maxHeight) return layout;
  }
  return chosen!;
}
