/**
 * Scratch arrays for preprocessing. The popup preprocesses its 280×280 canvas on every stroke, so small workspaces
 * are kept and reused (no garbage per call); large ones (photos) are made for one call and dropped, so a 12-megapixel
 * image does not pin 100 MB for the life of the worker.
 */
export interface Workspace {
  /** Capacity: any image up to w × h fits. */
  w: number;
  h: number;
  /** Per pixel: distance from the background colour, 0 = background, 1 = black vs white. */
  dist: Float32Array;
  /** Per pixel: luminance in [0, 1] (only the RGBA path uses it; the gray path reads its input). */
  lum: Float32Array;
  /** Per pixel: component label (0 = background). */
  labels: Int32Array;
  /** Per label: union-find parent, then root. */
  parent: Int32Array;
  /** Per label, then per root: strong pixels, all pixels, bounding box [bx0, bx1) × [by0, by1). */
  strong: Int32Array;
  count: Int32Array;
  bx0: Int32Array;
  bx1: Int32Array;
  by0: Int32Array;
  by1: Int32Array;
  /** Per label: 1 if its component is kept as ink. */
  keep: Uint8Array;
  /** The bounding box's kept ink (distances), row-major at its own width. */
  crop: Float32Array;
  /** A small digit enlarged before resampling (enlargeBilinear): at most UP_SIDE × UP_SIDE. */
  up: Float32Array;
  /** The crop after the horizontal resampling pass: rows × 20. */
  rows: Float32Array;
  /** The digit scaled into its 20×20 box. */
  box: Float32Array;
}

/** Up to this many pixels (512×512, ~6 MB of scratch) a workspace is cached: the popup canvas is 280×280. */
const CACHE_PIXELS = 1 << 18;
/** Digits under 20 px are enlarged to 40–59 px before area averaging (see mnist.ts). */
export const UP_SIDE = 60;
let cached: Workspace | undefined;

/**
 * A 2×2 block holds the first pixel of at most one new label's run: runs in one row are 2 apart, and a run starting
 * next to ink in the row above joins it instead. So this many labels suffice.
 */
export function maxLabels(w: number, h: number): number {
  return ((w + 1) >> 1) * ((h + 1) >> 1) + 1;
}

function make(w: number, h: number): Workspace {
  const n = w * h;
  const labels = maxLabels(w, h);
  return {
    w,
    h,
    dist: new Float32Array(n),
    lum: new Float32Array(n),
    labels: new Int32Array(n),
    parent: new Int32Array(labels),
    strong: new Int32Array(labels),
    count: new Int32Array(labels),
    bx0: new Int32Array(labels),
    bx1: new Int32Array(labels),
    by0: new Int32Array(labels),
    by1: new Int32Array(labels),
    keep: new Uint8Array(labels),
    crop: new Float32Array(n),
    up: new Float32Array(UP_SIDE * UP_SIDE),
    rows: new Float32Array(Math.max(h, UP_SIDE) * 20),
    box: new Float32Array(20 * 20),
  };
}

function fits(ws: Workspace, w: number, h: number): boolean {
  return ws.w >= w && ws.h >= h;
}

export function workspace(w: number, h: number): Workspace {
  if (cached && fits(cached, w, h)) return cached;
  // Grow to cover both the old and the new size, so alternating sizes do not reallocate on every call.
  const gw = Math.max(w, cached?.w ?? 0);
  const gh = Math.max(h, cached?.h ?? 0);
  if (gw * gh > CACHE_PIXELS) return make(w, h);
  cached = make(gw, gh);
  return cached;
}
