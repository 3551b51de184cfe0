/**
 * MNIST-style preprocessing: ONE implementation for the CLI, the popup canvas and images from web pages.
 *
 *  1. Grayscale-ish "ink signal": every pixel's distance from the background colour (the median colour of the image's
 *     border). Distance rather than luminance, so red ink on a blue card still stands out; transparent pixels are
 *     first composited over the background (see matte()).
 *  2. Ink = hysteresis-thresholded components (components.ts), thresholds relative to the image's contrast and to
 *     the noise measured on the border: faint noise and isolated specks are ignored.
 *  3. Polarity: ink brighter than the background is light-on-dark, else dark-on-light; either way the output is
 *     ink bright on dark, as MNIST stores it.
 *  4. Crop to the ink, area-average into a 20×20 box keeping the aspect ratio, centre the mass at (14, 14) in 28×28
 *     (resample.ts). Intensity: solid ink → 1 (the distance divided by the ink's own level), then the box is scaled
 *     so its ink reads as saturated as MNIST's (centreInto): a hair-thin pen stroke shrunk 50× would otherwise be
 *     too faint for the models.
 * Blank: no contrast, nothing above the noise, only specks (every component has fewer than max(4, 0.005% of the
 * pixels) strong pixels), or a dot under 3 px. Several digits side by side are refused too (sideBySide()).
 */
import type { Polarity, Preprocessed, RgbaImage } from './types.ts';
import { findInk, sideBySide, type Box, type InkRegion } from './components.ts';
import { areaResample, BOX, centreInto, enlargeBilinear, SIDE } from './resample.ts';
import { UP_SIDE, workspace, type Workspace } from './workspace.ts';

export interface PreprocessOptions {
  /** Force the polarity; ink is then only what is darker (dark-on-light) or lighter than the background. */
  polarity?: Polarity;
  /** Write the 28×28 result here (784 floats) instead of a new array. */
  out?: Float32Array;
}

/** Larger images are refused before any work: 40 megapixels is a 160 MB RGBA buffer. */
export const MAX_PIXELS = 40_000_000;
/** Larger images are box-averaged by a whole factor first; the result is only 20×20, so nothing is lost. */
export const MAX_WORK_PIXELS = 2_000_000;
/** Below this contrast (in [0, 1], black on white = 1) an image is blank: 0.1 ≈ 26 gray levels. */
export const MIN_CONTRAST = 0.1;
/** Ink spanning fewer pixels than this is a dot, not a digit. */
export const MIN_SPAN = 3;

export type Failure = Extract<Preprocessed, { ok: false }>;
export const fail = (reason: Failure['reason'], message: string): Failure => ({ ok: false, reason, message });

function checkSize(width: number, height: number, have: number, per: number, what: string): Failure | null {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    return fail('invalid', `the image is ${width}×${height} pixels: it needs a positive whole width and height`);
  }
  if (width * height > MAX_PIXELS) {
    const mp = ((width * height) / 1e6).toFixed(1);
    return fail('too-large', `the image is ${width}×${height} (${mp} megapixels); the limit is ${MAX_PIXELS / 1e6} megapixels`);
  }
  if (have !== width * height * per) {
    return fail('invalid', `${what} has ${have} values but a ${width}×${height} image needs ${width * height * per}`);
  }
  return null;
}

const luma = (r: number, g: number, b: number): number => (0.299 * r + 0.587 * g + 0.114 * b) / 255; // Rec. 601

/** Histogram quantiles over values in [0, 1] (1024 bins: exact enough, no sorting). */
class Median {
  private bins = new Uint32Array(1024);
  private n = 0;
  /** Empties it for reuse (the gray fast path allocates none per call). */
  reset(): this {
    this.bins.fill(0);
    this.n = 0;
    return this;
  }
  add(v: number): void {
    this.bins[Math.min(1023, Math.max(0, Math.round(v * 1023)))]++;
    this.n++;
  }
  quantile(q: number): number {
    let need = q * this.n;
    for (let i = 0; i < 1024; i++) {
      need -= this.bins[i];
      if (need < 0) return i / 1023;
    }
    return 1;
  }
}

/** Scratch histogram for one quantile at a time (single-threaded: never in use twice at once). */
const shared = new Median();

/** Visits every pixel index on the image's 1-pixel border once. */
function forBorder(w: number, h: number, f: (i: number) => void): void {
  for (let x = 0; x < w; x++) {
    f(x);
    if (h > 1) f((h - 1) * w + x);
  }
  for (let y = 1; y < h - 1; y++) {
    f(y * w);
    if (w > 1) f(y * w + w - 1);
  }
}

/**
 * The colour transparent pixels are composited over. If most of the border is opaque, the picture has its own
 * background: use its colour (so a transparent hole does not look like ink). If the border is transparent (a drawing
 * or a glyph on nothing), the visible pixels ARE the ink: use white under dark ink and black under light ink, so
 * black strokes on a transparent PNG come out as black on white instead of vanishing into black on black.
 */
function matte(img: RgbaImage): [number, number, number] | null {
  const { width: w, height: h, data } = img;
  let transparent = false;
  for (let i = 3; i < data.length; i += 4) {
    if (data[i] !== 255) {
      transparent = true;
      break;
    }
  }
  if (!transparent) return null;
  const med = [new Median(), new Median(), new Median()];
  let opaque = 0, border = 0;
  forBorder(w, h, (i) => {
    border++;
    if (data[4 * i + 3] < 128) return;
    opaque++;
    for (let c = 0; c < 3; c++) med[c].add(data[4 * i + c] / 255);
  });
  if (opaque * 2 > border) return [med[0].quantile(0.5) * 255, med[1].quantile(0.5) * 255, med[2].quantile(0.5) * 255];
  let sum = 0, wsum = 0;
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3];
    sum += a * luma(data[i], data[i + 1], data[i + 2]);
    wsum += a;
  }
  const inkLum = wsum > 0 ? sum / wsum : 0;
  return inkLum < 0.5 ? [255, 255, 255] : [0, 0, 0];
}

/** Reads pixel i composited over the matte into rgb[0..2]. */
function pixel(data: RgbaImage['data'], i: number, m: [number, number, number] | null, rgb: number[]): void {
  const p = 4 * i;
  if (m === null) {
    rgb[0] = data[p];
    rgb[1] = data[p + 1];
    rgb[2] = data[p + 2];
    return;
  }
  const a = data[p + 3] / 255;
  for (let c = 0; c < 3; c++) rgb[c] = a * data[p + c] + (1 - a) * m[c];
}

/** Background colour: the per-channel median of the border, after compositing. */
function backgroundColour(img: RgbaImage, m: [number, number, number] | null): [number, number, number] {
  const med = [new Median(), new Median(), new Median()];
  const rgb = [0, 0, 0];
  forBorder(img.width, img.height, (i) => {
    pixel(img.data, i, m, rgb);
    for (let c = 0; c < 3; c++) med[c].add(rgb[c] / 255);
  });
  return [med[0].quantile(0.5) * 255, med[1].quantile(0.5) * 255, med[2].quantile(0.5) * 255];
}

/**
 * Fills ws.dist and ws.lum for the work image: the source box-averaged over k×k blocks (k = 1 for most images).
 * dist = |rgb − background| / (255·√3), so gray levels give |Δgray| and black on white gives 1.
 * Returns the largest dist (the image's contrast).
 */
function inkSignalRgba(
  img: RgbaImage, k: number, bg: [number, number, number], m: [number, number, number] | null,
  polarity: Polarity | undefined, ws: Workspace,
): number {
  const { width: W, height: H, data } = img;
  const w = Math.ceil(W / k), h = Math.ceil(H / k);
  const bgLum = luma(bg[0], bg[1], bg[2]);
  const norm = 1 / (255 * Math.sqrt(3));
  // Compositing over the matte: c' = a·c + (1 − a)·matte; without transparency a = 1 and the matte drops out.
  const opaque = m === null;
  const [mr, mg, mb] = m ?? [0, 0, 0];
  const sign = polarity === 'light-on-dark' ? 1 : -1;
  let peak = 0;
  for (let by = 0; by < h; by++) {
    const y1 = Math.min(H, by * k + k);
    for (let bx = 0; bx < w; bx++) {
      const x1 = Math.min(W, bx * k + k);
      let r = 0, g = 0, b = 0, c = 0;
      for (let y = by * k; y < y1; y++) {
        for (let p = 4 * (y * W + bx * k), end = 4 * (y * W + x1); p < end; p += 4) {
          const a = opaque ? 1 : data[p + 3] / 255;
          r += a * data[p] + (1 - a) * mr;
          g += a * data[p + 1] + (1 - a) * mg;
          b += a * data[p + 2] + (1 - a) * mb;
          c++;
        }
      }
      r /= c;
      g /= c;
      b /= c;
      const i = by * w + bx;
      const l = luma(r, g, b);
      ws.lum[i] = l;
      let d: number;
      if (polarity === undefined) {
        const dr = r - bg[0], dg = g - bg[1], db = b - bg[2];
        d = Math.sqrt(dr * dr + dg * dg + db * db) * norm;
      } else {
        d = Math.max(0, sign * (l - bgLum));
      }
      ws.dist[i] = d;
      if (d > peak) peak = d;
    }
  }
  return peak;
}

/** What the shared back end needs besides the workspace. */
export interface Signal {
  dist: Float32Array;
  /** The largest dist. */
  peak: number;
  lum: Float32Array;
  bgLum: number;
  w: number;
  h: number;
  /** Work pixel → source pixel factor (for the reported bbox). */
  k: number;
  srcW: number;
  srcH: number;
}

export function preprocess(img: RgbaImage, opts: PreprocessOptions = {}): Preprocessed {
  const ink = locateInk(img, opts);
  return 'sig' in ink ? finish(ink, opts) : ink;
}

/**
 * The ink of an image, found and measured but not yet resampled: what preprocess() and the row reader
 * (row.ts) share. Valid until the next call (it lives in the shared workspace).
 */
export function locateInk(img: RgbaImage, opts: PreprocessOptions = {}): Located | Failure {
  const bad = checkSize(img?.width, img?.height, img?.data?.length ?? -1, 4, 'the RGBA data');
  if (bad) return bad;
  const k = Math.max(1, Math.ceil(Math.sqrt((img.width * img.height) / MAX_WORK_PIXELS)));
  const w = Math.ceil(img.width / k), h = Math.ceil(img.height / k);
  const ws = workspace(w, h);
  const m = matte(img);
  const bg = backgroundColour(img, m);
  const peak = inkSignalRgba(img, k, bg, m, opts.polarity, ws);
  const bgLum = luma(bg[0], bg[1], bg[2]);
  return locate({ dist: ws.dist, peak, lum: ws.lum, bgLum, w, h, k, srcW: img.width, srcH: img.height }, ws, opts);
}

/**
 * The popup's fast path: a grayscale canvas (values in [0, 1], either polarity), e.g. 280×280 on every stroke.
 * Same pipeline as preprocess() from the ink signal on; reuses its scratch memory between calls.
 */
export function preprocessGray(gray: Float32Array, w: number, h: number, opts: PreprocessOptions = {}): Preprocessed {
  const ink = locateInkGray(gray, w, h, opts);
  return 'sig' in ink ? finish(ink, opts) : ink;
}

/** locateInk() for a grayscale canvas. */
export function locateInkGray(gray: Float32Array, w: number, h: number, opts: PreprocessOptions = {}): Located | Failure {
  const bad = checkSize(w, h, gray?.length ?? -1, 1, 'the gray data');
  if (bad) return bad;
  const ws = workspace(w, h);
  const med = shared.reset();
  forBorder(w, h, (i) => med.add(gray[i]));
  const bg = med.quantile(0.5);
  const dist = ws.dist;
  const n = w * h;
  const sign = opts.polarity === 'light-on-dark' ? 1 : opts.polarity === 'dark-on-light' ? -1 : 0;
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const d = gray[i] - bg;
    const v = sign === 0 ? (d < 0 ? -d : d) : sign * d > 0 ? sign * d : 0;
    dist[i] = v;
    if (v > peak) peak = v;
  }
  return locate({ dist, peak, lum: gray, bgLum: bg, w, h, k: 1, srcW: w, srcH: h }, ws, opts);
}

/** Noise level: twice the median distance on the border (robust to ink touching up to half the border). */
function borderNoise(dist: Float32Array, w: number, h: number): number {
  const med = shared.reset();
  forBorder(w, h, (i) => med.add(dist[i]));
  return 2 * med.quantile(0.5);
}

/** Found ink: the signal, the kept components and the strong threshold. */
export interface Located {
  sig: Signal;
  ws: Workspace;
  ink: InkRegion;
  high: number;
}

/** The shared middle: find the ink (or say why there is none). */
function locate(sig: Signal, ws: Workspace, opts: PreprocessOptions): Located | Failure {
  const { dist, peak, w, h } = sig;
  if (opts.out && opts.out.length !== SIDE * SIDE) {
    return fail('invalid', `opts.out has ${opts.out.length} floats; it must hold 28×28 = 784`);
  }
  if (!(peak >= MIN_CONTRAST)) {
    return fail('blank', `the image is blank: no contrast (the strongest mark differs from the background by ${(peak * 100).toFixed(1)}%)`);
  }
  const noise = borderNoise(dist, w, h);
  // Strong: clearly ink (a third of the peak contrast, well above the noise). Low: the faint anti-aliased edge.
  const high = Math.max(0.35 * peak, 3 * noise + 0.05);
  const low = Math.max(0.1 * peak, 2 * noise + 0.02);
  if (high >= peak) return fail('blank', 'the image is blank: nothing stands out from its noise');
  const minStrong = Math.max(4, Math.ceil(5e-5 * w * h));
  const ink = findInk(dist, w, h, { low, high, minStrong, relStrong: 0.02 }, ws);
  if (!ink) return fail('blank', 'the image is blank: only specks or noise, no strokes');
  if (Math.max(ink.x1 - ink.x0, ink.y1 - ink.y0) < MIN_SPAN) {
    return fail('blank', `the image is nearly blank: the only mark spans under ${MIN_SPAN} pixels`);
  }
  return { sig, ws, ink, high };
}

/** The single-digit back end: refuse a row, else crop, measure and resample the ink. */
function finish(found: Located, opts: PreprocessOptions): Preprocessed {
  const { sig, ws, ink, high } = found;
  // Several digits in a row ("42") would be squeezed into one 20 px box and read as nonsense, confidently.
  const digits = sideBySide(ink);
  if (digits > 1) {
    return fail('several-digits', `the image seems to hold ${digits} digits side by side; Seeing Digits reads one digit at a time, so crop or draw just one`);
  }
  const level = cropInk(sig, ws, ink, high);
  const { bw, bh } = resampleInk(ws, ink.x1 - ink.x0, ink.y1 - ink.y0, 1 / level.level);
  const out = opts.out ?? new Float32Array(SIDE * SIDE);
  if (!centreInto(ws.box, bw, bh, out)) return fail('blank', 'the image is blank: the ink vanished when scaled');
  return {
    ok: true,
    pixels: out,
    polarity: opts.polarity ?? level.polarity,
    bbox: sourceBox(sig, ink),
    inkFraction: ink.count / (sig.w * sig.h),
  };
}

/**
 * One pass over the bounding box: copies the kept ink's distances into ws.crop (others 0), and measures
 *  - the ink's own level, the 90th percentile of its strong pixels' distance, which sets "full ink" = 1: grey pencil
 *    on white and black marker on white both come out as full-intensity MNIST strokes;
 *  - the polarity: are strong ink pixels on average brighter or darker than the background?
 */
export function cropInk(sig: Signal, ws: Workspace, ink: InkRegion, high: number): { level: number; polarity: Polarity } {
  const { dist, lum, bgLum, w } = sig;
  const { keep, labels, crop } = ws;
  const cw = ink.x1 - ink.x0;
  const hist = shared.reset();
  let signed = 0;
  for (let y = ink.y0; y < ink.y1; y++) {
    const dst = (y - ink.y0) * cw - ink.x0;
    for (let x = ink.x0; x < ink.x1; x++) {
      const i = y * w + x;
      const d = keep[labels[i]] === 0 ? 0 : dist[i];
      crop[dst + x] = d;
      if (d < high) continue;
      hist.add(d);
      signed += lum[i] - bgLum;
    }
  }
  return { level: Math.max(high, hist.quantile(0.9)), polarity: signed > 0 ? 'light-on-dark' : 'dark-on-light' };
}

/**
 * Area-averages ws.crop into the 20×20 box, as intensities min(1, dist·gain). A digit smaller than the box is first
 * enlarged bilinearly by a whole factor to 40–59 px (see enlargeBilinear).
 */
export function resampleInk(ws: Workspace, cw: number, ch: number, gain: number): { bw: number; bh: number } {
  const side = Math.max(cw, ch);
  if (side >= BOX) return areaResample(ws.crop, cw, ch, gain, ws);
  for (let i = 0; i < cw * ch; i++) ws.crop[i] = Math.min(1, ws.crop[i] * gain);
  const f = Math.ceil((2 * BOX) / side); // side·f < 2·BOX + side < 3·BOX = UP_SIDE: fits ws.up
  enlargeBilinear(ws.crop, cw, ch, f, ws.up);
  return areaResample(ws.up, cw * f, ch * f, 1, ws);
}

export function sourceBox(sig: Signal, ink: Box): { x: number; y: number; width: number; height: number } {
  const { k, srcW, srcH } = sig;
  const x = ink.x0 * k, y = ink.y0 * k;
  return { x, y, width: Math.min(srcW, ink.x1 * k) - x, height: Math.min(srcH, ink.y1 * k) - y };
}
