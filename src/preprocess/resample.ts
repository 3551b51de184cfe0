/**
 * The geometric half of MNIST's normalisation (LeCun et al., http://yann.lecun.com/exdb/mnist/): "The original black
 * and white images from NIST were size normalized to fit in a 20x20 pixel box while preserving their aspect ratio.
 * The resulting images contain grey levels as a result of the anti-aliasing technique used by the normalization
 * algorithm. The images were centered in a 28x28 image by computing the center of mass of the pixels, and translating
 * the image so as to position this point at the center of the 28x28 field."
 */
import type { Workspace } from './workspace.ts';

export const BOX = 20;
export const SIDE = 28;
/** MNIST's centre of mass, in pixel-index coordinates: over the training set it averages (14.01, 14.00). */
export const CENTRE = 14;

/**
 * Area averaging (a box filter with exact fractional coverage): source pixel k spans [k·s, (k+1)·s) in the box and
 * adds value × overlap to every box pixel it overlaps, so each box pixel is the mean ink over its own area. It is
 * mass-preserving and anti-aliases like the NIST→MNIST normalisation; unlike nearest-neighbour it never skips thin
 * strokes when shrinking a photo 100×. Separable: rows first (h × 20), then columns.
 * `ink` is the cropped digit, w × h, read as min(1, ink·gain). Writes ws.box; returns the box size (bw, bh), the
 * longer side 20.
 */
export function areaResample(ink: Float32Array, w: number, h: number, gain: number, ws: Workspace): { bw: number; bh: number } {
  const s = BOX / Math.max(w, h);
  // ceil of the scaled size, less a hair so 20.000000001 stays 20.
  const bw = Math.min(BOX, Math.ceil(w * s - 1e-6));
  const bh = Math.min(BOX, Math.ceil(h * s - 1e-6));
  const rows = ws.rows;
  rows.fill(0, 0, h * bw);
  for (let y = 0; y < h; y++) {
    const src = y * w;
    const dst = y * bw;
    for (let k = 0; k < w; k++) {
      const v = ink[src + k] * gain;
      if (v !== 0) spread(rows, dst, bw, k * s, (k + 1) * s, v < 1 ? v : 1);
    }
  }
  const box = ws.box;
  box.fill(0, 0, bh * bw);
  for (let y = 0; y < h; y++) {
    // Same coverage walk as spread(), but adding a whole row of the horizontal result at a time.
    let a = y * s;
    const b = a + s;
    for (let i = Math.floor(a); a < b && i < bh; i++) {
      const e = i + 1 < b ? i + 1 : b;
      const wgt = e - a;
      const dst = i * bw;
      const src = y * bw;
      for (let j = 0; j < bw; j++) box[dst + j] += wgt * rows[src + j];
      a = e;
    }
  }
  return { bw, bh };
}

/**
 * Bilinear enlargement by a whole factor f (pixel centres aligned, edges clamped), used before areaResample when the
 * digit is SMALLER than the box: a box filter that magnifies is just nearest-neighbour with soft seams, and turns a
 * 12-pixel digit into blocks. Area-averaging the bilinear reconstruction instead gives smooth strokes, and equals
 * plain area averaging whenever the digit shrinks.
 */
export function enlargeBilinear(src: Float32Array, w: number, h: number, f: number, out: Float32Array): void {
  const W = w * f, H = h * f;
  for (let Y = 0; Y < H; Y++) {
    const sy = Math.min(h - 1, Math.max(0, (Y + 0.5) / f - 0.5));
    const y0 = Math.floor(sy), y1 = y0 + 1 < h ? y0 + 1 : y0, fy = sy - y0;
    for (let X = 0; X < W; X++) {
      const sx = Math.min(w - 1, Math.max(0, (X + 0.5) / f - 0.5));
      const x0 = Math.floor(sx), x1 = x0 + 1 < w ? x0 + 1 : x0, fx = sx - x0;
      const top = src[y0 * w + x0] + fx * (src[y0 * w + x1] - src[y0 * w + x0]);
      const bot = src[y1 * w + x0] + fx * (src[y1 * w + x1] - src[y1 * w + x0]);
      out[Y * W + X] = top + fy * (bot - top);
    }
  }
}

/** Adds v × overlap to out[base + j] for every pixel j that the interval [a, b) covers (at most ⌈b − a⌉ + 1). */
function spread(out: Float32Array, base: number, len: number, a: number, b: number, v: number): void {
  for (let j = Math.floor(a); a < b && j < len; j++) {
    const e = j + 1 < b ? j + 1 : b;
    out[base + j] += v * (e - a);
    a = e;
  }
}

/** Ink level of the box: the 90th percentile of its visible pixels (histogram over [0, max], upper bin edge). */
function level(box: Float32Array, n: number, max: number, hist: Uint32Array): number {
  hist.fill(0);
  const floor = 0.5 / 255; // what MNIST's 8 bits would round to 0
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = box[i];
    if (v <= floor) continue;
    hist[Math.min(255, Math.floor((v / max) * 256))]++;
    count++;
  }
  let need = 0.9 * count;
  for (let b = 0; b < 256; b++) {
    need -= hist[b];
    if (need < 0) return ((b + 1) / 256) * max;
  }
  return max;
}

const levelHist = new Uint32Array(256);

/**
 * Scales the box so its ink reads as full intensity, then pastes it into the 28×28 output so its centre of mass lands
 * on (14, 14).
 *
 * Intensity: MNIST's ink is saturated — in every test digit the 90th percentile of the visible pixels is ≥ 0.87
 * (median 0.99). So the box is scaled to put its own 90th percentile at 1 (clipped): a no-op for MNIST-like digits,
 * while a thin pen line shrunk 10× (covering a third of each pixel it crosses) reads as ink, not as a faint smudge.
 *
 * Centring: the shift is ROUNDED to whole pixels, as MNIST itself did: over the training set the centre of mass has
 * standard deviation 0.289 px about (14, 14) — exactly a uniform ±0.5 px rounding error — and every digit's box is
 * exactly 20 px on its longer side. A fractional shift would need a second resampling that blurs the edges, and
 * would make our inputs better centred but blurrier than the data the models learnt from.
 * Ink pushed past the border by an off-centre mass (rare: mass more than 4 px from the box centre) is clipped.
 * Returns false if the box holds no ink.
 */
export function centreInto(box: Float32Array, bw: number, bh: number, out: Float32Array): boolean {
  const n = bw * bh;
  let max = 0;
  for (let i = 0; i < n; i++) if (box[i] > max) max = box[i];
  out.fill(0);
  if (!(max > 0)) return false;
  const gain = 1 / level(box, n, max, levelHist);
  // The mass is measured AFTER the gain and its clipping, so it is the output's own centre of mass.
  let sum = 0, sx = 0, sy = 0;
  for (let i = 0; i < bh; i++) {
    for (let j = 0; j < bw; j++) {
      const g = box[i * bw + j] * gain;
      const v = g < 1 ? g : 1;
      box[i * bw + j] = v;
      sum += v;
      sx += v * j;
      sy += v * i;
    }
  }
  const ox = Math.round(CENTRE - sx / sum);
  const oy = Math.round(CENTRE - sy / sum);
  for (let i = 0; i < bh; i++) {
    const y = i + oy;
    if (y < 0 || y >= SIDE) continue;
    for (let j = 0; j < bw; j++) {
      const x = j + ox;
      if (x >= 0 && x < SIDE) out[y * SIDE + x] = box[i * bw + j];
    }
  }
  return true;
}
