/**
 * Seeded data augmentation of 28×28 MNIST images (ink bright on dark, [0, 1]) for training: the distortions
 * handwriting really has — position, slant, size, shear, pen width — so the models cope with digits drawn in the
 * popup or found on web pages, not only with MNIST's own. (Simard et al. 2003, "Best practices for convolutional
 * neural networks applied to visual document analysis", use affine distortions like these.)
 *
 * Deterministic: every random number comes from the `rng` passed in, in a fixed order.
 */
import { IMAGE_SIDE } from '../model/shipped.ts';

export const SIDE = IMAGE_SIDE;
const N = SIDE * SIDE;
/** Where MNIST puts the ink's centre of mass (pixel-index coordinates). */
const CENTRE = 14;

export interface AugmentOptions {
  /** Largest shift of the centre of mass from (14, 14), pixels, each axis (default 2). */
  shift?: number;
  /** Largest rotation, degrees, either way (default 12). */
  rotate?: number;
  /** Scale range (default [0.85, 1.15]). */
  scale?: [number, number];
  /** Largest horizontal shear, tan of the angle, either way (default 0.15 ≈ 8.5°). */
  shear?: number;
  /** Probability of thickening or thinning the strokes (default 0.3). */
  thickness?: number;
}

type Resolved = Required<AugmentOptions>;

export const DEFAULT_AUGMENT: Readonly<Resolved> = { shift: 2, rotate: 12, scale: [0.85, 1.15], shear: 0.15, thickness: 0.3 };

const scratch = new Float32Array(N);

function resolve(opts: AugmentOptions): Resolved {
  const o: Resolved = { ...DEFAULT_AUGMENT, ...opts };
  const [lo, hi] = o.scale;
  if (!(lo > 0 && hi >= lo) || !(o.shift >= 0) || !(o.rotate >= 0) || !(o.shear >= 0) || !(o.thickness >= 0)) {
    throw new Error(`augment: bad options ${JSON.stringify(opts)} (scale needs 0 < lo ≤ hi; the rest must be ≥ 0)`);
  }
  return o;
}

/**
 * Augments one image: src[srcOffset .. +784) → dst[dstOffset .. +784). dst must not overlap src.
 * rng: uniform in [0, 1).
 */
export function augmentImage(
  src: Float32Array, dst: Float32Array, rng: () => number, opts: AugmentOptions = {}, srcOffset = 0, dstOffset = 0,
): void {
  one(src, srcOffset, dst, dstOffset, rng, resolve(opts));
}

/** A per-image augmenter bound to one rng and options: `augment(src, dst)` on 784-float views (src ≠ dst). */
export function createAugmenter(rng: () => number, opts: AugmentOptions = {}): (src: Float32Array, dst: Float32Array) => void {
  const o = resolve(opts);
  return (src, dst) => {
    if (src.length < N || dst.length < N) throw new Error(`augment: images must hold 784 floats (src ${src.length}, dst ${dst.length})`);
    one(src, 0, dst, 0, rng, o);
  };
}

/** Augments `count` images laid end to end (count × 784 floats). */
export function augmentBatch(src: Float32Array, dst: Float32Array, count: number, rng: () => number, opts: AugmentOptions = {}): void {
  if (src.length < count * N || dst.length < count * N) {
    throw new Error(`augmentBatch: ${count} images need ${count * N} floats; src has ${src.length}, dst ${dst.length}`);
  }
  const o = resolve(opts);
  for (let k = 0; k < count; k++) one(src, k * N, dst, k * N, rng, o);
}

function one(src: Float32Array, srcOff: number, dst: Float32Array, dstOff: number, rng: () => number, o: Resolved): void {
  if (rng() < o.thickness && thickness(src, srcOff, rng)) affine(scratch, 0, dst, dstOff, rng, o);
  else affine(src, srcOff, dst, dstOff, rng, o);
}

/**
 * Grayscale dilation (max) or erosion (min) over a 3×3 cross into `scratch`, blended with the original by a random
 * amount so pen width varies continuously. Returns false (scratch unused) when erosion would remove most of the ink.
 */
function thickness(img: Float32Array, off: number, rng: () => number): boolean {
  const dilate = rng() < 0.5;
  const amount = 0.5 + 0.5 * rng();
  let before = 0, after = 0;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const i = off + y * SIDE + x;
      const c = img[i];
      // Outside the image counts as background (0): it never wins a max, and wins every min at the border.
      const l = x > 0 ? img[i - 1] : 0, r = x < SIDE - 1 ? img[i + 1] : 0;
      const u = y > 0 ? img[i - SIDE] : 0, d = y < SIDE - 1 ? img[i + SIDE] : 0;
      let m = c;
      if (dilate) {
        if (l > m) m = l;
        if (r > m) m = r;
        if (u > m) m = u;
        if (d > m) m = d;
      } else {
        if (l < m) m = l;
        if (r < m) m = r;
        if (u < m) m = u;
        if (d < m) m = d;
      }
      const v = c + amount * (m - c);
      scratch[i - off] = v;
      before += c;
      after += v;
    }
  }
  return dilate || after >= 0.5 * before;
}

/**
 * Random affine map about the ink's centre of mass c, which lands on (14, 14) + shift t:
 *   out(p) = img(c + A⁻¹ (p − 14 − t)),  A = R(θ) · [[1, k], [0, 1]] · s,
 *   A⁻¹ = (1/s) · [[1, −k], [0, 1]] · R(−θ).
 * Bilinear sampling, zero outside. The source coordinates step linearly along a row, so they are accumulated.
 */
function affine(img: Float32Array, src: number, dst: Float32Array, off: number, rng: () => number, o: Resolved): void {
  const theta = ((2 * rng() - 1) * o.rotate * Math.PI) / 180;
  const s = o.scale[0] + rng() * (o.scale[1] - o.scale[0]);
  const k = (2 * rng() - 1) * o.shear;
  const tx = CENTRE + (2 * rng() - 1) * o.shift;
  const ty = CENTRE + (2 * rng() - 1) * o.shift;
  const cos = Math.cos(theta) / s, sin = Math.sin(theta) / s;
  // (1/s)·H⁻¹·R(−θ): R(−θ) = [[cos, sin], [−sin, cos]], H⁻¹ = [[1, −k], [0, 1]].
  const m00 = cos + k * sin, m01 = sin - k * cos;
  const m10 = -sin, m11 = cos;
  const c = inkStats(img, src);
  for (let y = 0; y < SIDE; y++) {
    const v = y - ty;
    const sx0 = c.x + m00 * -tx + m01 * v;
    const sy0 = c.y + m10 * -tx + m11 * v;
    // Only where the sample lands within a pixel of the source's ink box can it be non-zero: sample just there.
    const [ax, bx] = span(sx0, m00, c.x0 - 1, c.x1);
    const [ay, by] = span(sy0, m10, c.y0 - 1, c.y1);
    const a = ax > ay ? ax : ay, b = bx < by ? bx : by;
    const row = off + y * SIDE;
    dst.fill(0, row, row + SIDE);
    for (let x = a; x < b; x++) dst[row + x] = bilinear(img, src, sx0 + m00 * x, sy0 + m10 * x);
  }
}

/**
 * The x in [0, 28) where lo < p0 + dp·x < hi, widened by one on each side (the bilinear sampler returns 0 outside
 * the ink anyway, so a wider span only costs time, a narrower one would lose ink).
 */
function span(p0: number, dp: number, lo: number, hi: number): [number, number] {
  if (dp === 0) return lo < p0 && p0 < hi ? [0, SIDE] : [0, 0];
  let t0 = (lo - p0) / dp, t1 = (hi - p0) / dp;
  if (t0 > t1) [t0, t1] = [t1, t0];
  return [Math.max(0, Math.floor(t0)), Math.min(SIDE, Math.ceil(t1) + 1)];
}

const colSums = new Float64Array(SIDE);

/**
 * Centre of mass (pixel-index coordinates) and the ink's bounding box [x0, x1) × [y0, y1), from row and column sums:
 * no per-pixel branch (MNIST's scattered ink makes a per-pixel `if` mispredict often).
 */
function inkStats(img: Float32Array, off: number): { x: number; y: number; x0: number; x1: number; y0: number; y1: number } {
  let sum = 0, sy = 0, y0 = SIDE, y1 = 0;
  colSums.fill(0);
  for (let y = 0; y < SIDE; y++) {
    let row = 0;
    for (let x = 0, i = off + y * SIDE; x < SIDE; x++, i++) {
      const v = img[i];
      row += v;
      colSums[x] += v;
    }
    sum += row;
    sy += row * y;
    if (row > 0) {
      if (y < y0) y0 = y;
      y1 = y + 1;
    }
  }
  if (!(sum > 0)) return { x: CENTRE, y: CENTRE, x0: 0, x1: 0, y0: 0, y1: 0 };
  let sx = 0, x0 = SIDE, x1 = 0;
  for (let x = 0; x < SIDE; x++) {
    sx += colSums[x] * x;
    if (colSums[x] > 0) {
      if (x < x0) x0 = x;
      x1 = x + 1;
    }
  }
  return { x: sx / sum, y: sy / sum, x0, x1, y0, y1 };
}

/** Bilinear interpolation at (x, y), pixel centres at integer coordinates, 0 outside. */
function bilinear(img: Float32Array, off: number, x: number, y: number): number {
  const x0 = Math.floor(x), y0 = Math.floor(y);
  if (x0 < -1 || y0 < -1 || x0 >= SIDE || y0 >= SIDE) return 0;
  const fx = x - x0, fy = y - y0;
  if (x0 >= 0 && y0 >= 0 && x0 < SIDE - 1 && y0 < SIDE - 1) {
    const i = off + y0 * SIDE + x0;
    const top = img[i] + fx * (img[i + 1] - img[i]);
    const bot = img[i + SIDE] + fx * (img[i + SIDE + 1] - img[i + SIDE]);
    const v = top + fy * (bot - top);
    return v < 0 ? 0 : v < 1 ? v : 1; // float rounding of a convex mix: keep [0, 1] exact
  }
  // Border tail: fetch each tap with its own bounds check.
  const top = tap(img, off, x0, y0) * (1 - fx) + tap(img, off, x0 + 1, y0) * fx;
  const bot = tap(img, off, x0, y0 + 1) * (1 - fx) + tap(img, off, x0 + 1, y0 + 1) * fx;
  return top * (1 - fy) + bot * fy;
}

/** One pixel, 0 outside (a plain function, not a closure: a closure here would allocate on every sample). */
function tap(img: Float32Array, off: number, x: number, y: number): number {
  return x >= 0 && y >= 0 && x < SIDE && y < SIDE ? img[off + y * SIDE + x] : 0;
}
