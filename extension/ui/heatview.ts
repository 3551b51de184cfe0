/** The 28×28 views: the model input, per-model saliency thumbnails, and the saliency overlay on the sketch pad. */
import { putSmall } from './dom.ts';
import type { Box, Rgba } from '../shared/geometry.ts';
import { SIDE } from '../shared/digits.ts';

/** The input as the model sees it: ink bright on dark. */
export function grayImage(values: ArrayLike<number>, w = SIDE, h = SIDE): Rgba {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const g = Math.round(Math.min(1, Math.max(0, values[i])) * 255);
    data[i * 4] = data[i * 4 + 1] = data[i * 4 + 2] = g;
    data[i * 4 + 3] = 255;
  }
  return { width: w, height: h, data };
}

/** `overlay` alpha-blended over the input dimmed to `dim`, in one image (for the thumbnails). */
export function overInput(input: ArrayLike<number>, overlay: Rgba, dim = 0.45): Rgba {
  const out = new Uint8ClampedArray(overlay.data.length);
  for (let i = 0; i < input.length; i++) {
    const o = i * 4;
    const a = overlay.data[o + 3] / 255;
    const g = Math.min(1, Math.max(0, input[i])) * 255 * dim + 18;
    for (let k = 0; k < 3; k++) out[o + k] = overlay.data[o + k] * a + g * (1 - a);
    out[o + 3] = 255;
  }
  return { width: overlay.width, height: overlay.height, data: out };
}

export function drawSmall(canvas: HTMLCanvasElement, img: Rgba): void {
  putSmall(canvas, img);
}

let scratch: HTMLCanvasElement | null = null;

/**
 * Draws a 28×28 overlay on the pad's overlay canvas where the input grid lies (`rect` in pad units), smoothed by
 * the canvas (bilinear is all a 28×28 map needs; 'high' showed ~2.6 ms a draw on the explorer's pad in a profile,
 * while in the popup the two measured alike). NOTE: not a 28×28 canvas scaled by CSS, which would be cheaper on the main thread: the compositor then
 * scales that layer every frame, and in Chromium the worker's next answer after a stroke waited for that frame
 * (stroke end → next frame 11 → 25 ms median in the popup). null: nothing shown.
 */
export function drawOverlay(canvas: HTMLCanvasElement, img: Rgba | null, rect: Box | null): void {
  const dpr = globalThis.devicePixelRatio || 1;
  const side = Math.round(overlayWidth(canvas) * dpr);
  if (side > 0 && (canvas.width !== side || canvas.height !== side)) {
    canvas.width = side;
    canvas.height = side;
  }
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (!img || !rect) return;
  scratch ??= document.createElement('canvas');
  putSmall(scratch, img);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'low';
  const s = canvas.width;
  ctx.drawImage(scratch, rect.x * s, rect.y * s, rect.width * s, rect.height * s);
}

/** Each overlay canvas' CSS width as its ResizeObserver last reported it. */
const widths = new WeakMap<HTMLCanvasElement, number>();
let observer: ResizeObserver | null = null;

/**
 * The overlay's CSS width without forcing a layout: reading clientWidth right after an analysis changed the DOM
 * made the browser lay the page out inside the render (~0.7 ms in the popup's trace), and again for the frame; and
 * with that layout in the render, Chromium often began the next frame only a vsync later (popup stroke end → next
 * frame p95 17.2 / 19.7 ms with it, 9.6–14.1 ms in five runs without it: `npm run bench popup`).
 */
function overlayWidth(canvas: HTMLCanvasElement): number {
  const known = widths.get(canvas);
  if (known !== undefined) return known;
  observer ??= new ResizeObserver((entries) => {
    // Layout is fresh while observers run: clientWidth costs nothing here.
    for (const e of entries) widths.set(e.target as HTMLCanvasElement, (e.target as HTMLElement).clientWidth);
  });
  observer.observe(canvas);
  const w = canvas.clientWidth; // once, until the observer reports
  widths.set(canvas, w);
  return w;
}

/** A horizontal colour bar for a LUT (the layer views' legend). */
export function drawLegend(canvas: HTMLCanvasElement, lut: Uint8ClampedArray): void {
  canvas.width = 256;
  canvas.height = 1;
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(lut), 256, 1), 0, 0);
}
