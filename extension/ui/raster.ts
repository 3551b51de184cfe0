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

/** The image's pixels as one 32-bit word each (RGBA in memory order): a pixel is one store, a run one fill(). */
const words = (img: Rgba) => new Uint32Array(img.data.buffer, img.data.byteOffset, img.width * img.height);

/** A pixel's RGBA as the word `words` stores, in the platform's byte order. */
const LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const pack = (r: number, g: number, b: number, a: number) => (LITTLE ? ((a << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | a) >>> 0);

/** The LUT's 256 colours, opaque, as packed words (cached per LUT). */
const packed = new WeakMap<Lut, Uint32Array>();
function packLut(lut: Lut): Uint32Array {
  let p = packed.get(lut);
  if (!p) {
    p = new Uint32Array(256);
    for (let k = 0; k < 256; k++) p[k] = pack(lut[4 * k], lut[4 * k + 1], lut[4 * k + 2], 255);
    packed.set(lut, p);
  }
  return p;
}

/** One value per pixel (a w×h map such as the 28×28 input). */
export function paintMap(values: ArrayLike<number>, w: number, h: number, lut: Lut, lo: number, hi: number): Rgba {
  if (values.length < w * h) throw new Error(`paintMap: ${values.length} values for a ${w}×${h} map`);
  const img = blank(w, h);
  const px = words(img);
  const colours = packLut(lut);
  for (let i = 0; i < w * h; i++) px[i] = colours[lutIndex(values[i], lo, hi)];
  return img;
}

/** RGBA of the lines between tiles; transparent (the default) lets the page show through. */
export type Frame = readonly [number, number, number, number];

/**
 * The frame of a grid of `count` tiles (w×h, `gap` apart, `cols` a row): each tile plus `gap` on every side
 * (clipped) gets `f`, so neighbouring tiles share one frame line and empty slots stay transparent. Fills the gap
 * rows and each band's first pixel row; the caller paints the tiles over that row and copies it down the band.
 */
function frameGrid(img: Rgba, px: Uint32Array, cols: number, count: number, w: number, h: number, gap: number, f: Frame): void {
  if (f[3] === 0) return;
  const word = pack(f[0], f[1], f[2], f[3]);
  for (let r = 0; r * cols < count; r++) {
    const k = Math.min(cols, count - r * cols);
    const xb = Math.min(img.width, (k - 1) * (w + gap) + w + gap);
    const y0 = r * (h + gap);
    const line = (y: number) => {
      if (y >= 0 && y < img.height) px.fill(word, y * img.width, y * img.width + xb);
    };
    for (let y = y0 - gap; y < y0; y++) line(y);
    line(y0);
    for (let y = y0 + h; y < y0 + h + gap; y++) line(y);
  }
}

const CLEAR: Frame = [0, 0, 0, 0];

/** Square cells in a grid, row-major; the gaps between existing cells get `frame`, empty slots stay transparent. */
export function paintCells(values: ArrayLike<number>, l: CellLayout, lut: Lut, lo: number, hi: number, frame: Frame = CLEAR): Rgba {
  const img = blank(l.width, l.height);
  const px = words(img);
  const colours = packLut(lut);
  const pitch = l.cell + l.gap;
  const n = Math.min(values.length, l.cols * l.rows);
  frameGrid(img, px, l.cols, n, l.cell, l.cell, l.gap, frame);
  for (let r = 0; r * l.cols < n; r++) {
    // The grid row's first pixel row, cell by cell; its other pixel rows are copies of it (frame lines included).
    const k = Math.min(l.cols, n - r * l.cols);
    const top = r * pitch * l.width;
    for (let c = 0; c < k; c++) px.fill(colours[lutIndex(values[r * l.cols + c], lo, hi)], top + c * pitch, top + c * pitch + l.cell);
    const span = Math.min(l.width, (k - 1) * pitch + l.cell + l.gap);
    for (let y = 1; y < l.cell; y++) px.copyWithin(top + y * l.width, top, top + span);
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
  const px = words(img);
  const colours = packLut(lut);
  const s = l.scale;
  frameGrid(img, px, l.cols, c, l.tileW, l.tileH, l.gap, frame);
  if (frame[3] !== 0) {
    // The frame lines between tiles: each band's first pixel row (frame only so far) copied down the band.
    for (let y0 = 0; y0 < l.height; y0 += l.tileH + l.gap) {
      for (let y = 1; y < l.tileH && y0 + y < l.height; y++) px.copyWithin((y0 + y) * l.width, y0 * l.width, (y0 + 1) * l.width);
    }
  }
  for (let ch = 0; ch < c; ch++) {
    const x0 = (ch % l.cols) * (l.tileW + l.gap);
    const y0 = Math.floor(ch / l.cols) * (l.tileH + l.gap);
    for (let y = 0; y < h; y++) {
      // One row of map pixels, each s wide; the other s − 1 rows of the tile copy it.
      const row = (y0 + y * s) * l.width + x0;
      for (let x = 0, o = row; x < w; x++) {
        const colour = colours[lutIndex(hwc[(y * w + x) * c + ch], lo, hi)];
        for (let dx = 0; dx < s; dx++) px[o++] = colour;
      }
      for (let dy = 1; dy < s; dy++) px.copyWithin(row + dy * l.width, row, row + w * s);
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
