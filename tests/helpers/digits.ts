/** Building test images out of real MNIST digits, and measuring 28×28 results. */
import { loadMnist, type MnistSet } from '../../src/data/mnist-node.ts';
import type { RgbaImage } from '../../src/preprocess/types.ts';
import { INPUT_SIZE } from '../../src/model/shipped.ts';

let test: MnistSet | undefined;

export function mnistTest(): MnistSet {
  test ??= loadMnist('test');
  return test;
}

/** MNIST test digit k (28×28, ink bright on dark). */
export function digit(k: number): Float32Array {
  return mnistTest().images.slice(k * INPUT_SIZE, (k + 1) * INPUT_SIZE);
}

export type Rgb = [number, number, number];

/**
 * A gray map (ink 1, paper 0) painted into RGBA: each pixel is paper + v·(ink − paper).
 * `factor` enlarges by pixel replication (each MNIST pixel becomes factor × factor).
 */
export function paint(gray: ArrayLike<number>, w: number, h: number, ink: Rgb, paper: Rgb, factor = 1): RgbaImage {
  const W = w * factor, H = h * factor;
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v = gray[Math.floor(y / factor) * w + Math.floor(x / factor)];
      const p = 4 * (y * W + x);
      for (let c = 0; c < 3; c++) data[p + c] = Math.round(paper[c] + v * (ink[c] - paper[c]));
      data[p + 3] = 255;
    }
  }
  return { width: W, height: H, data };
}

/** Bilinear enlargement of a w×h map to W×H (pixel centres aligned), for smooth high-resolution strokes. */
export function enlarge(src: ArrayLike<number>, w: number, h: number, W: number, H: number): Float32Array {
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(h - 1, Math.max(0, ((y + 0.5) * h) / H - 0.5));
    const y0 = Math.floor(sy), y1 = Math.min(h - 1, y0 + 1), fy = sy - y0;
    for (let x = 0; x < W; x++) {
      const sx = Math.min(w - 1, Math.max(0, ((x + 0.5) * w) / W - 0.5));
      const x0 = Math.floor(sx), x1 = Math.min(w - 1, x0 + 1), fx = sx - x0;
      const top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx;
      const bot = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx;
      out[y * W + x] = top * (1 - fy) + bot * fy;
    }
  }
  return out;
}

/** Binary mask (v ≥ t → 1) grown (r > 0) or shrunk (r < 0) by |r| pixels with a square structuring element. */
export function morph(src: Float32Array, w: number, h: number, t: number, r: number): Float32Array {
  let a = src.map((v) => (v >= t ? 1 : 0));
  const k = Math.abs(r);
  // Separable, with window sums from prefix sums: grown = any ink in the window, shrunk = all ink (outside = 0).
  for (const [len, lines, step, stride] of [[w, h, 1, w], [h, w, w, 1]]) {
    const b = new Float32Array(w * h);
    const prefix = new Float64Array(len + 1);
    for (let line = 0; line < lines; line++) {
      const base = line * stride;
      for (let i = 0; i < len; i++) prefix[i + 1] = prefix[i] + a[base + i * step];
      for (let i = 0; i < len; i++) {
        const sum = prefix[Math.min(len, i + k + 1)] - prefix[Math.max(0, i - k)];
        b[base + i * step] = r > 0 ? (sum > 0 ? 1 : 0) : sum === 2 * k + 1 ? 1 : 0;
      }
    }
    a = b;
  }
  return a;
}

/** Area-average resize of a w×h map to W×H (exact box filter, like the preprocessing itself). */
export function shrink(src: ArrayLike<number>, w: number, h: number, W: number, H: number): Float32Array {
  const out = new Float32Array(W * H);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Each source pixel spreads over the target pixels it overlaps (exact box filter).
      const x0 = (x * W) / w, x1 = ((x + 1) * W) / w, y0 = (y * H) / h, y1 = ((y + 1) * H) / h;
      for (let ty = Math.floor(y0); ty < Math.min(H, Math.ceil(y1)); ty++) {
        const oy = Math.min(ty + 1, y1) - Math.max(ty, y0);
        for (let tx = Math.floor(x0); tx < Math.min(W, Math.ceil(x1)); tx++) {
          const ox = Math.min(tx + 1, x1) - Math.max(tx, x0);
          out[ty * W + tx] += src[y * w + x] * ox * oy;
        }
      }
    }
  }
  return out;
}

/** Pearson correlation. */
export function corr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let s = 0, sa = 0, sb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - ma, y = b[i] - mb;
    s += x * y;
    sa += x * x;
    sb += y * y;
  }
  return s / Math.sqrt(sa * sb);
}

/** Shifts a 28×28 image by whole pixels (zero fill). */
export function shift28(a: ArrayLike<number>, dx: number, dy: number): Float32Array {
  const out = new Float32Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const sx = x - dx, sy = y - dy;
      if (sx >= 0 && sy >= 0 && sx < 28 && sy < 28) out[y * 28 + x] = a[sy * 28 + sx];
    }
  }
  return out;
}

/**
 * Best correlation over whole-pixel shifts of up to ±1. MNIST rounded its centring shift, so a digit whose centre
 * of mass sits near a half pixel may legitimately come back one pixel over.
 */
export function alignedCorr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let best = -1;
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) best = Math.max(best, corr(shift28(a, dx, dy), b));
  return best;
}

export function centreOfMass(a: ArrayLike<number>): { x: number; y: number } {
  let s = 0, sx = 0, sy = 0;
  for (let i = 0; i < 784; i++) {
    s += a[i];
    sx += a[i] * (i % 28);
    sy += a[i] * Math.floor(i / 28);
  }
  return { x: sx / s, y: sy / s };
}

/** Bounding box of the pixels above t: [width, height]. */
export function inkBox(a: ArrayLike<number>, t = 0): { width: number; height: number } {
  let x0 = 28, y0 = 28, x1 = -1, y1 = -1;
  for (let i = 0; i < 784; i++) {
    if (!(a[i] > t)) continue;
    const x = i % 28, y = Math.floor(i / 28);
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  return { width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** A 28×28 terminal picture, for failure messages. */
export function ascii(a: ArrayLike<number>): string {
  let s = '';
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) s += ' .:-=+*#%@'[Math.min(9, Math.floor(a[y * 28 + x] * 10))];
    s += '\n';
  }
  return s;
}
