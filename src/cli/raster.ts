/**
 * A small RGBA raster for the CLI's figures (scatter plots, weight grids, digit atlases), written as PNG with pngjs.
 * No axes or text: the figures are pictures; the numbers go to stdout or --json.
 */
import { PNG } from 'pngjs';

export type Rgb = readonly [number, number, number];

/** Ten distinguishable class colours (Tableau 10). */
export const CLASS_COLOURS: readonly Rgb[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

export class Raster {
  readonly data: Uint8Array;
  constructor(readonly width: number, readonly height: number, bg: Rgb = [255, 255, 255]) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width * height > 1 << 26) {
      throw new Error(`raster: bad size ${width}×${height}`);
    }
    this.data = new Uint8Array(width * height * 4);
    this.fillRect(0, 0, width, height, bg);
  }

  set(x: number, y: number, [r, g, b]: Rgb, alpha = 1): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 4;
    this.data[o] += (r - this.data[o]) * alpha;
    this.data[o + 1] += (g - this.data[o + 1]) * alpha;
    this.data[o + 2] += (b - this.data[o + 2]) * alpha;
    this.data[o + 3] = 255;
  }

  fillRect(x0: number, y0: number, w: number, h: number, c: Rgb): void {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) this.set(x, y, c);
  }

  /** A filled disc of radius r. */
  dot(cx: number, cy: number, r: number, c: Rgb, alpha = 1): void {
    for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
      for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) this.set(x, y, c, alpha);
    }
  }

  /** A w×h grid of values drawn at (x0, y0), each value a scale×scale block coloured by `colour`. */
  image(values: ArrayLike<number>, w: number, h: number, x0: number, y0: number, scale: number, colour: (v: number) => Rgb): void {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) this.fillRect(x0 + x * scale, y0 + y * scale, scale, scale, colour(values[y * w + x]));
  }

  png(gray = false): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    png.data = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    return PNG.sync.write(png, gray ? { colorType: 0 } : { colorType: 2 });
  }
}

/** Diverging blue (negative) – white – red (positive) for weights, v in [−1, 1]. */
export function diverging(v: number): Rgb {
  const t = Math.max(-1, Math.min(1, v));
  const a = 1 - Math.abs(t);
  return t < 0 ? [Math.round(255 * a + 33 * (1 - a)), Math.round(255 * a + 102 * (1 - a)), Math.round(255 * a + 172 * (1 - a))]
    : [Math.round(255 * a + 178 * (1 - a)), Math.round(255 * a + 24 * (1 - a)), Math.round(255 * a + 43 * (1 - a))];
}
