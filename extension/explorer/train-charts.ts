/**
 * The Train view's pictures, drawn on canvases (a few hundred points each: no plotting library needed): line charts
 * of the curves, the first layer's weights as images, the PCA map and the confusion matrix.
 */
import { CLASS_COLORS, diverging, lutIndex, type Theme } from '../ui/colormap.ts';
import { linear, niceTicks } from '../ui/plot.ts';
import { maxAbs } from '../ui/weights.ts';

const M = { left: 40, right: 8, top: 8, bottom: 22 };

function sized(canvas: HTMLCanvasElement, w: number, h: number): CanvasRenderingContext2D {
  const dpr = globalThis.devicePixelRatio || 1;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

const ink = () => getComputedStyle(document.body).color || '#222';

/** Series of [x, y] points on shared axes; y from `yRange` or the data. */
export function lineChart(
  canvas: HTMLCanvasElement,
  series: { points: [number, number][]; color: string }[],
  opts: { w: number; h: number; yRange?: [number, number]; xLabel: string; yFormat?: (v: number) => string },
): void {
  const ctx = sized(canvas, opts.w, opts.h);
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const [y0, y1] = opts.yRange ?? [Math.min(0, ...ys), Math.max(1e-6, ...ys)];
  const sx = linear(Math.min(0, ...xs), Math.max(1, ...xs), M.left, opts.w - M.right);
  const sy = linear(y0, y1, opts.h - M.bottom, M.top);
  ctx.strokeStyle = ctx.fillStyle = ink();
  ctx.globalAlpha = 0.25;
  ctx.strokeRect(M.left, M.top, opts.w - M.left - M.right, opts.h - M.top - M.bottom);
  ctx.globalAlpha = 1;
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'right';
  for (const t of niceTicks(y0, y1, 4)) ctx.fillText((opts.yFormat ?? String)(t), M.left - 4, sy(t) + 3);
  ctx.textAlign = 'center';
  ctx.fillText(opts.xLabel, (M.left + opts.w - M.right) / 2, opts.h - 6);
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    s.points.forEach(([x, y], i) => (i ? ctx.lineTo(sx(x), sy(Math.min(y1, Math.max(y0, y)))) : ctx.moveTo(sx(x), sy(y))));
    ctx.stroke();
  }
}

/**
 * The first layer's units as images: an MLP's 784 incoming weights per unit as 28×28, a CNN's 3×3 filters, each
 * scaled to its own largest |weight| (blue negative, red positive), at most `max` of them.
 */
export function weightTiles(canvas: HTMLCanvasElement, kernel: Float32Array, shape: number[], theme: Theme, max = 64): void {
  const dense = shape.length === 2;
  const side = dense ? 28 : shape[0];
  const units = Math.min(max, shape[shape.length - 1]);
  const cols = Math.min(units, dense ? 8 : 16);
  const rows = Math.ceil(units / cols);
  const scale = dense ? 2 : 8;
  const gap = 2;
  const w = cols * (side * scale + gap);
  const ctx = sized(canvas, w, rows * (side * scale + gap));
  const lut = diverging(theme);
  const n = shape[shape.length - 1];
  for (let u = 0; u < units; u++) {
    const v = new Float32Array(side * side);
    for (let i = 0; i < v.length; i++) v[i] = kernel[i * n + u]; // [784, n] or [3, 3, 1, n]: unit u's column
    const m = maxAbs(v) || 1;
    const img = new ImageData(side, side);
    for (let i = 0; i < v.length; i++) {
      const k = lutIndex(v[i], -m, m) * 4;
      img.data.set([lut[k], lut[k + 1], lut[k + 2], 255], i * 4);
    }
    const tile = new OffscreenCanvas(side, side);
    tile.getContext('2d')!.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tile, (u % cols) * (side * scale + gap), Math.floor(u / cols) * (side * scale + gap), side * scale, side * scale);
  }
}

export function scatter(canvas: HTMLCanvasElement, x: Float32Array, y: Float32Array, labels: Uint8Array, side: number): void {
  const ctx = sized(canvas, side, side);
  const pad = 8;
  const ext = (a: Float32Array) => [Math.min(...a), Math.max(...a)] as const;
  const [x0, x1] = ext(x);
  const [y0, y1] = ext(y);
  const sx = linear(x0, x1, pad, side - pad);
  const sy = linear(y0, y1, side - pad, pad);
  for (let i = 0; i < x.length; i++) {
    ctx.fillStyle = CLASS_COLORS[labels[i]];
    ctx.fillRect(sx(x[i]) - 1.5, sy(y[i]) - 1.5, 3, 3);
  }
}

/** confusion[true][predicted] as a 10×10 grid: each row shaded by its share, counts written in. */
export function confusion(canvas: HTMLCanvasElement, m: number[][], cell = 24): void {
  const n = m.length;
  const ctx = sized(canvas, (n + 1) * cell, (n + 1) * cell);
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const color = ink();
  for (let i = 0; i < n; i++) {
    ctx.fillStyle = color;
    ctx.fillText(String(i), cell / 2, (i + 1.5) * cell); // true digit, rows
    ctx.fillText(String(i), (i + 1.5) * cell, cell / 2); // predicted, columns
    const total = m[i].reduce((a, b) => a + b, 0) || 1;
    for (let j = 0; j < n; j++) {
      const share = m[i][j] / total;
      ctx.fillStyle = i === j ? `rgba(78, 121, 167, ${share})` : `rgba(225, 87, 89, ${Math.min(1, share * 5)})`;
      ctx.fillRect((j + 1) * cell, (i + 1) * cell, cell - 1, cell - 1);
      if (m[i][j]) {
        ctx.fillStyle = color;
        ctx.fillText(String(m[i][j]), (j + 1.5) * cell, (i + 1.5) * cell);
      }
    }
  }
}
