/**
 * Hand-drawn-style digits as pen strokes: one template per digit in a unit square, jittered by a seeded random
 * affine map and wobble, then rasterised with a round pen the way the popup's canvas draws. The same strokes drive
 * the end-to-end tests' pointer events, and measure the models on digits that are not MNIST.
 */
import type { RgbaImage } from '../preprocess/types.ts';
import { mulberry32 } from '../util/random.ts';

export type Point = [number, number];
export type Stroke = Point[];

/** Control points (x right, y down, in [0, 1]); curves pass through them (Catmull–Rom). */
const TEMPLATES: Stroke[][] = [
  // 0: one oval, started at the top
  [[[0.5, 0.15], [0.33, 0.25], [0.29, 0.5], [0.35, 0.76], [0.5, 0.86], [0.66, 0.76], [0.71, 0.5], [0.66, 0.25], [0.5, 0.15], [0.42, 0.19]]],
  // 1: one slanted stroke
  [[[0.56, 0.14], [0.53, 0.5], [0.49, 0.86]]],
  // 2: hook, diagonal, base
  [[[0.31, 0.3], [0.4, 0.17], [0.56, 0.15], [0.68, 0.27], [0.64, 0.45], [0.46, 0.66], [0.3, 0.85], [0.5, 0.84], [0.73, 0.84]]],
  // 3: two bumps
  [[[0.32, 0.22], [0.5, 0.14], [0.67, 0.24], [0.62, 0.41], [0.45, 0.48], [0.6, 0.53], [0.7, 0.68], [0.6, 0.83], [0.44, 0.86], [0.3, 0.79]]],
  // 4: down-across, then the stem
  [
    [[0.52, 0.14], [0.4, 0.38], [0.28, 0.6], [0.5, 0.6], [0.75, 0.59]],
    [[0.62, 0.32], [0.62, 0.6], [0.62, 0.87]],
  ],
  // 5: top bar, then the body
  [
    [[0.7, 0.15], [0.5, 0.15], [0.36, 0.16]],
    [[0.36, 0.16], [0.33, 0.32], [0.32, 0.46], [0.5, 0.42], [0.67, 0.52], [0.69, 0.7], [0.56, 0.84], [0.42, 0.86], [0.3, 0.8]],
  ],
  // 6: down the left, round the loop
  [[[0.64, 0.14], [0.47, 0.28], [0.35, 0.48], [0.32, 0.68], [0.42, 0.84], [0.58, 0.85], [0.68, 0.72], [0.62, 0.56], [0.48, 0.52], [0.35, 0.62]]],
  // 7: bar and diagonal
  [[[0.29, 0.17], [0.5, 0.16], [0.71, 0.16], [0.6, 0.4], [0.52, 0.62], [0.46, 0.86]]],
  // 8: an S down, back up
  [[[0.64, 0.24], [0.51, 0.14], [0.37, 0.23], [0.4, 0.39], [0.52, 0.49], [0.66, 0.62], [0.62, 0.81], [0.49, 0.86], [0.35, 0.78], [0.36, 0.61], [0.52, 0.49], [0.63, 0.37], [0.64, 0.24]]],
  // 9: loop, then the stem
  [[[0.66, 0.28], [0.54, 0.15], [0.38, 0.2], [0.34, 0.36], [0.46, 0.47], [0.63, 0.41], [0.66, 0.28], [0.65, 0.55], [0.62, 0.87]]],
];

/** Dense points along a Catmull–Rom spline through the control points. */
function spline(ctrl: Stroke, perSegment = 8): Stroke {
  if (ctrl.length < 2) return ctrl;
  const out: Stroke = [];
  for (let i = 0; i < ctrl.length - 1; i++) {
    const p0 = ctrl[Math.max(0, i - 1)];
    const [p1, p2] = [ctrl[i], ctrl[i + 1]];
    const p3 = ctrl[Math.min(ctrl.length - 1, i + 2)];
    for (let s = 0; s < perSegment; s++) {
      const t = s / perSegment;
      const t2 = t * t;
      const t3 = t2 * t;
      const f = (a: number, b: number, c: number, d: number) =>
        0.5 * (2 * b + (-a + c) * t + (2 * a - 5 * b + 4 * c - d) * t2 + (-a + 3 * b - 3 * c + d) * t3);
      out.push([f(p0[0], p1[0], p2[0], p3[0]), f(p0[1], p1[1], p2[1], p3[1])]);
    }
  }
  out.push(ctrl[ctrl.length - 1]);
  return out;
}

/**
 * The strokes of `digit` in a size×size box (pixels). variant 0 is the template itself; others are jittered
 * (rotation ±10°, scale, slant, shift, wobble) from a seeded generator, like different people's hands.
 */
export function sketchStrokes(digit: number, size: number, variant = 0): Stroke[] {
  if (!Number.isInteger(digit) || digit < 0 || digit > 9) throw new Error(`sketch: no template for ${digit}`);
  const rand = mulberry32(digit * 7919 + variant * 104729 + 1);
  const j = (amount: number) => (variant === 0 ? 0 : (rand() * 2 - 1) * amount);
  const angle = (j(10) * Math.PI) / 180;
  const scale = 1 + j(0.12);
  const slant = j(0.15);
  const [dx, dy] = [j(0.06), j(0.05)];
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  return TEMPLATES[digit].map((ctrl) => {
    const wobbled = ctrl.map(([x, y]): Point => [x + j(0.015), y + j(0.015)]);
    return spline(wobbled).map(([x, y]) => {
      const u = (x - 0.5 + slant * (0.5 - y)) * scale;
      const v = (y - 0.5) * scale;
      return [(0.5 + dx + u * cos - v * sin) * size, (0.5 + dy + u * sin + v * cos) * size];
    });
  });
}

/** Rasterises strokes with a round pen of `width` px: dark ink on white, antialiased, as an RgbaImage. */
export function renderStrokes(strokes: Stroke[], size: number, width: number): RgbaImage {
  const ink = new Float32Array(size * size);
  const r = width / 2;
  for (const s of strokes) {
    const pts = s.length === 1 ? [s[0], s[0]] : s;
    for (let i = 0; i < pts.length - 1; i++) {
      const [ax, ay] = pts[i];
      const [bx, by] = pts[i + 1];
      const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - r - 1));
      const x1 = Math.min(size - 1, Math.ceil(Math.max(ax, bx) + r + 1));
      const y0 = Math.max(0, Math.floor(Math.min(ay, by) - r - 1));
      const y1 = Math.min(size - 1, Math.ceil(Math.max(ay, by) + r + 1));
      const vx = bx - ax;
      const vy = by - ay;
      const len2 = vx * vx + vy * vy || 1;
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const px = x + 0.5 - ax;
          const py = y + 0.5 - ay;
          const t = Math.max(0, Math.min(1, (px * vx + py * vy) / len2));
          const d = Math.hypot(px - t * vx, py - t * vy);
          const cover = Math.max(0, Math.min(1, r - d + 0.5));
          if (cover > ink[y * size + x]) ink[y * size + x] = cover;
        }
      }
    }
  }
  const data = new Uint8ClampedArray(size * size * 4);
  for (let i = 0; i < ink.length; i++) {
    const v = 255 - Math.round(ink[i] * 255);
    data.set([v, v, v, 255], i * 4);
  }
  return { width: size, height: size, data };
}

/** Sketched digits 0–9, `variants` each (variant 0 is the plain template), on a 280 px canvas with a 20 px pen. */
export function sketchedDigits(variants = 10, size = 280, pen = 20): { image: RgbaImage; label: number; variant: number }[] {
  const out = [];
  for (let v = 0; v < variants; v++) {
    for (let d = 0; d <= 9; d++) out.push({ image: renderStrokes(sketchStrokes(d, size, v), size, pen), label: d, variant: v });
  }
  return out;
}
