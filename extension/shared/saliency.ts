/**
 * Saliency maps as overlays: robust scaling, colour with alpha by strength, and the affine map from the 28×28 model
 * input back onto the sketch (undoing MNIST-style crop/scale/centre).
 */
import type { SaliencyMethod } from '../../worker/api.ts';
import type { Box, Rgba } from './geometry.ts';
import { SIDE } from './digits.ts';

/** Gradient×input and integrated gradients carry a sign (evidence for vs against); plain gradients are shown as magnitude. */
export function isSigned(method: SaliencyMethod): boolean {
  return method === 'gradient-x-input' || method === 'integrated-gradients';
}

export const METHOD_LABELS: Record<SaliencyMethod, string> = {
  gradient: 'Gradient',
  'gradient-x-input': 'Gradient × input',
  'integrated-gradients': 'Integrated gradients',
  smoothgrad: 'SmoothGrad',
};

/**
 * The q-quantile of |v| (default 0.99), so one extreme pixel does not wash out the rest; falls back to max|v|
 * when the quantile is 0 (sparse maps), and to 1 for an all-zero map.
 */
export function robustMax(values: ArrayLike<number>, q = 0.99): number {
  // A plain loop: Float32Array.from with a map function goes through the iterator protocol (~10× slower).
  const a = new Float32Array(values.length);
  for (let i = 0; i < a.length; i++) a[i] = Math.abs(values[i]);
  a.sort();
  if (a.length === 0) return 1;
  const v = a[Math.min(a.length - 1, Math.floor(q * (a.length - 1)))];
  const max = a[a.length - 1];
  return v > 0 ? v : max > 0 ? max : 1;
}

/**
 * The one saliency palette (popup, explorer, page panel): evidence for the explained digit (and plain sensitivity)
 * in warm red, evidence against it in blue; unsigned maps run from the warm red to yellow as strength rises.
 */
export const SALIENCY_RGB = { positive: [255, 84, 64], negative: [64, 140, 255], glow: [255, 214, 64] } as const;
export const SALIENCY_COLOURS = {
  positive: `rgb(${SALIENCY_RGB.positive.join(',')})`,
  negative: `rgb(${SALIENCY_RGB.negative.join(',')})`,
  glow: `rgb(${SALIENCY_RGB.glow.join(',')})`,
};
const WARM = SALIENCY_RGB.positive;
const COOL = SALIENCY_RGB.negative;
const GLOW = SALIENCY_RGB.glow;

/**
 * RGBA overlay: alpha grows with |v| / scale. Signed maps (gradient × input, IG) are zero off the ink, so gamma 0.7
 * keeps weak evidence visible; plain gradients are dense and noisy everywhere, so gamma 1.6 lets only the strong
 * regions show. Signed: warm = for the target class, cool = against. Unsigned: orange → yellow as strength rises.
 * `scale` (default the map's robust maximum) is the value drawn at full strength: a legend passes the map's.
 */
export function paintSaliency(map: ArrayLike<number>, w: number, h: number, signed: boolean, maxAlpha = 220, scale = robustMax(map)): Rgba {
  const data = new Uint8ClampedArray(w * h * 4);
  const gamma = signed ? 0.7 : 1.6;
  for (let i = 0; i < w * h; i++) {
    const v = map[i] / scale;
    const m = Math.min(1, Math.abs(v));
    const o = i * 4;
    const c = signed ? (v >= 0 ? WARM : COOL) : mix(WARM, GLOW, m);
    data[o] = c[0];
    data[o + 1] = c[1];
    data[o + 2] = c[2];
    data[o + 3] = Math.round(maxAlpha * Math.pow(m, gamma));
  }
  return { width: w, height: h, data };
}

function mix(a: readonly number[], b: readonly number[], t: number): number[] {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Bounding box of pixels > threshold in a w×h map (half-open), or null if none. */
export function inkBox(pixels: ArrayLike<number>, w: number, h: number, threshold = 0.1): Box | null {
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (pixels[y * w + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * Where the whole 28×28 input grid lies in source coordinates. Preprocessing scaled the ink box `srcBox` by one
 * factor (aspect kept) and moved it; we recover factor and offset by matching the centres and longer sides of the
 * ink box in the input and in the source (exact up to the input's antialiased edge, about ±0.5 px).
 */
export function inputRectInSource(input: ArrayLike<number>, srcBox: Box, size = SIDE): Box | null {
  const inBox = inkBox(input, size, size);
  if (!inBox || srcBox.width <= 0 || srcBox.height <= 0) return null;
  const s = Math.max(inBox.width, inBox.height) / Math.max(srcBox.width, srcBox.height); // input px per source px
  const cxIn = inBox.x + inBox.width / 2;
  const cyIn = inBox.y + inBox.height / 2;
  const cxSrc = srcBox.x + srcBox.width / 2;
  const cySrc = srcBox.y + srcBox.height / 2;
  // Input u maps to source x = cxSrc + (u − cxIn) / s; the grid's corner u = 0 and its side `size`.
  return { x: cxSrc - cxIn / s, y: cySrc - cyIn / s, width: size / s, height: size / s };
}
