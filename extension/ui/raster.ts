/**
 * Painting float arrays into RGBA buffers (ImageData-ready) through a colour LUT: one typed-array write per pixel,
 * so a whole layer is one putImageData instead of hundreds of DOM nodes.
 */
import type { Rgba } from '../shared/geometry.ts';
import { lutIndex, type Lut } from './colormap.ts';
import type { CellLayout, MultiplesLayout } from './layout.ts';

export type { Rgba };

function blank(width: number, height: number): Rgba {
  return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}

function put(data: Uint8ClampedArray, o: number, lut: Lut, k: number): void {
  data[o] = lut[k];
  data[o + 1] = lut[k + 1];
  data[o + 2] = lut[k + 2];
  data[o + 3] = 255;
}

/** One value per pixel (a w×h map such as the 28×28 input). */
export function paintMap(values: ArrayLike<number>, w: number, h: number, lut: Lut, lo: number, hi: number): Rgba {
  if (values.length < w * h) throw new Error(`paintMap: ${values.length} values for a ${w}×${h} map`);
  const img = blank(w, h);
  for (let i = 0; i < w * h; i++) put(img.data, i * 4, lut, lutIndex(values[i], lo, hi) * 4);
  return img;
}

/** RGBA of the lines between tiles; transparent (the default) lets the page show through. */
export type Frame = readonly [number, number, number, number];

/** Fills the rectangle plus `gap` on every side (clipped), so neighbouring tiles share one frame line. */
function frameRect(img: Rgba, x0: number, y0: number, w: number, h: number, gap: number, f: Frame): void {
  if (f[3] === 0) return;
  const xa = Math.max(0, x0 - gap), xb = Math.min(img.width, x0 + w + gap);
  const ya = Math.max(0, y0 - gap), yb = Math.min(img.height, y0 + h + gap);
  for (let y = ya; y < yb; y++) {
    for (let o = (y * img.width + xa) * 4, end = (y * img.width + xb) * 4; o < end; o += 4) {
      img.data[o] = f[0];
      img.data[o + 1] = f[1];
      img.data[o + 2] = f[2];
      img.data[o + 3] = f[3];
    }
  }
}

const CLEAR: Frame = [0, 0, 0, 0];

/** Square cells in a grid, row-major; the gaps between existing cells get `frame`, empty slots stay transparent. */
export function paintCells(values: ArrayLike<number>, l: CellLayout, lut: Lut, lo: number, hi: number, frame: Frame = CLEAR): Rgba {
  const img = blank(l.width, l.height);
  const pitch = l.cell + l.gap;
  const n = Math.min(values.length, l.cols * l.rows);
  for (let i = 0; i < n; i++) frameRect(img, (i % l.cols) * pitch, Math.floor(i / l.cols) * pitch, l.cell, l.cell, l.gap, frame);
  for (let i = 0; i < n; i++) {
    const k = lutIndex(values[i], lo, hi) * 4;
    const x0 = (i % l.cols) * pitch;
    const y0 = Math.floor(i / l.cols) * pitch;
    for (let y = y0; y < y0 + l.cell; y++) {
      for (let o = (y * l.width + x0) * 4, end = o + l.cell * 4; o < end; o += 4) put(img.data, o, lut, k);
    }
  }
  return img;
}

/** The cell under device pixel (x, y), or -1 in a gap or outside. */
export function cellAt(l: CellLayout, x: number, y: number, n: number): number {
  const pitch = l.cell + l.gap;
  const c = Math.floor(x / pitch);
  const r = Math.floor(y / pitch);
  if (x < 0 || y < 0 || c >= l.cols || r >= l.rows || x - c * pitch >= l.cell || y - r * pitch >= l.cell) return -1;
  const i = r * l.cols + c;
  return i < n ? i : -1;
}

/**
 * Feature maps stored HWC (TensorFlow.js layout, channels last) as small multiples, one tile per channel,
 * each map pixel scaled to scale × scale.
 */
export function paintMultiples(
  hwc: ArrayLike<number>,
  h: number,
  w: number,
  c: number,
  l: MultiplesLayout,
  lut: Lut,
  lo: number,
  hi: number,
  frame: Frame = CLEAR,
): Rgba {
  if (hwc.length < h * w * c) throw new Error(`paintMultiples: ${hwc.length} values for ${h}×${w}×${c}`);
  const img = blank(l.width, l.height);
  const s = l.scale;
  for (let ch = 0; ch < c; ch++) {
    frameRect(img, (ch % l.cols) * (l.tileW + l.gap), Math.floor(ch / l.cols) * (l.tileH + l.gap), l.tileW, l.tileH, l.gap, frame);
  }
  for (let ch = 0; ch < c; ch++) {
    const x0 = (ch % l.cols) * (l.tileW + l.gap);
    const y0 = Math.floor(ch / l.cols) * (l.tileH + l.gap);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const k = lutIndex(hwc[(y * w + x) * c + ch], lo, hi) * 4;
        for (let dy = 0; dy < s; dy++) {
          let o = ((y0 + y * s + dy) * l.width + x0 + x * s) * 4;
          for (let dx = 0; dx < s; dx++, o += 4) put(img.data, o, lut, k);
        }
      }
    }
  }
  return img;
}

/** The channel tile under device pixel (x, y), or -1. */
export function tileAt(l: MultiplesLayout, x: number, y: number, count: number): number {
  const c = Math.floor(x / (l.tileW + l.gap));
  const r = Math.floor(y / (l.tileH + l.gap));
  if (x < 0 || y < 0 || c >= l.cols || x - c * (l.tileW + l.gap) >= l.tileW || y - r * (l.tileH + l.gap) >= l.tileH) return -1;
  const i = r * l.cols + c;
  return i < count ? i : -1;
}
