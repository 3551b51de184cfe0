/**
 * Handwritten numbers composed from MNIST digits, to measure reading a row of digits: 1–8 digits side by side,
 * each digit's ink placed a gap after the previous one's (a quarter of the gaps 0 to −2 px at MNIST scale: the
 * digits touch or overlap), jittered up and down, enlarged 1–3×, painted dark on light or light on dark.
 * Deterministic for a seed. Pass the MNIST TEST set: the models never saw those digits.
 */
import type { RgbaImage } from '../preprocess/types.ts';
import { mulberry32 } from '../util/random.ts';

export interface NumberSample {
  image: RgbaImage;
  /** The digits, e.g. "1973". */
  label: string;
  /** How it was made, for error reports. */
  what: string;
}

/** Up to this many digits a number. */
export const MAX_NUMBER_LENGTH = 8;
const MARGIN = 6;

/** Ink colour on paper, both polarities. */
const PALETTES: readonly { ink: [number, number, number]; paper: [number, number, number] }[] = [
  { ink: [0, 0, 0], paper: [255, 255, 255] },
  { ink: [20, 40, 140], paper: [250, 245, 225] },
  { ink: [255, 255, 255], paper: [0, 0, 0] },
  { ink: [240, 240, 120], paper: [30, 60, 40] },
];

export function handwrittenNumbers(images: Float32Array, labels: Uint8Array, count: number, seed: number): NumberSample[] {
  const r = mulberry32(seed);
  const pick = (n: number) => Math.floor(r() * n);
  const total = labels.length;
  const out: NumberSample[] = [];
  for (let s = 0; s < count; s++) {
    const n = 1 + pick(MAX_NUMBER_LENGTH);
    const idx = Array.from({ length: n }, () => pick(total));
    const gaps = Array.from({ length: n - 1 }, () => (r() < 0.25 ? -pick(3) : 1 + pick(8)));
    const shifts = idx.map(() => pick(5) - 2);
    const scale = 1 + pick(3);
    const palette = PALETTES[pick(PALETTES.length)];
    const gray = compose(images, idx, gaps, shifts);
    out.push({
      image: paint(gray.data, gray.w, gray.h, scale, palette),
      label: idx.map((i) => labels[i]).join(''),
      what: `mnist #${idx.join(',')} gaps ${gaps.join(',') || '-'} ×${scale}`,
    });
  }
  return out;
}

/** The digits' ink columns laid out left to right with the given gaps, combined by max (ink bright on dark). */
function compose(images: Float32Array, idx: number[], gaps: number[], shifts: number[]): { data: Float32Array; w: number; h: number } {
  const spans = idx.map((i) => inkColumns(images.subarray(i * 784, (i + 1) * 784)));
  let x = MARGIN;
  const at = spans.map(([a, b], k) => {
    const left = x - a;
    x += b - a + (gaps[k] ?? 0);
    return left;
  });
  const w = x + MARGIN, h = 28 + 2 * MARGIN;
  const data = new Float32Array(w * h);
  idx.forEach((i, k) => {
    for (let y = 0; y < 28; y++) {
      for (let c = 0; c < 28; c++) {
        const v = images[i * 784 + y * 28 + c];
        const p = (y + MARGIN + shifts[k]) * w + at[k] + c;
        if (v > data[p]) data[p] = v;
      }
    }
  });
  return { data, w, h };
}

/** [first, last + 1) column holding ink. */
function inkColumns(d: Float32Array): [number, number] {
  let a = 28, b = 0;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      if (d[y * 28 + x] > 0.1) {
        a = Math.min(a, x);
        b = Math.max(b, x + 1);
      }
    }
  }
  return a < b ? [a, b] : [0, 28];
}

/** Bilinear enlargement by `scale`, painted as paper + v·(ink − paper). */
function paint(gray: Float32Array, w: number, h: number, scale: number, pal: (typeof PALETTES)[number]): RgbaImage {
  const W = w * scale, H = h * scale;
  const data = new Uint8ClampedArray(W * H * 4);
  for (let Y = 0; Y < H; Y++) {
    const sy = Math.min(h - 1, Math.max(0, (Y + 0.5) / scale - 0.5));
    const y0 = Math.floor(sy), y1 = Math.min(h - 1, y0 + 1), fy = sy - y0;
    for (let X = 0; X < W; X++) {
      const sx = Math.min(w - 1, Math.max(0, (X + 0.5) / scale - 0.5));
      const x0 = Math.floor(sx), x1 = Math.min(w - 1, x0 + 1), fx = sx - x0;
      const top = gray[y0 * w + x0] + fx * (gray[y0 * w + x1] - gray[y0 * w + x0]);
      const bot = gray[y1 * w + x0] + fx * (gray[y1 * w + x1] - gray[y1 * w + x0]);
      const v = top + fy * (bot - top);
      const p = 4 * (Y * W + X);
      for (let c = 0; c < 3; c++) data[p + c] = pal.paper[c] + v * (pal.ink[c] - pal.paper[c]);
      data[p + 3] = 255;
    }
  }
  return { width: W, height: H, data };
}
