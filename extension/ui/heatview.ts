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

/**
 * Shows a 28×28 overlay on the pad where the input grid lies (`rect` in pad units): the canvas holds the map at its
 * own resolution and CSS places and scales it, so the compositor smooths it (bilinear) — no full-pad resample on the
 * main thread after every analysis. null: nothing shown.
 */
export function drawOverlay(canvas: HTMLCanvasElement, img: Rgba | null, rect: Box | null): void {
  if (!img || !rect) {
    canvas.hidden = true;
    canvas.getContext('2d')!.clearRect(0, 0, canvas.width, canvas.height); // nothing of the last map stays
    return;
  }
  putSmall(canvas, img);
  const pct = (v: number) => `${(v * 100).toFixed(3)}%`;
  canvas.style.left = pct(rect.x);
  canvas.style.top = pct(rect.y);
  canvas.style.width = pct(rect.width);
  canvas.style.height = pct(rect.height);
  canvas.hidden = false;
}

/** A horizontal colour bar for a LUT (the layer views' legend). */
export function drawLegend(canvas: HTMLCanvasElement, lut: Uint8ClampedArray): void {
  canvas.width = 256;
  canvas.height = 1;
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(lut), 256, 1), 0, 0);
}
