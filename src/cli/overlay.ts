/**
 * A saliency map over its 28×28 input as a PNG: the digit dark on light paper, each pixel enlarged to a
 * `scale`×`scale` square, red where the map is positive and blue where it is negative, opacity by |value| over
 * the map's 99th percentile of |value| (one hot pixel does not wash the rest out).
 */
import { PNG } from 'pngjs';

const POSITIVE = [220, 30, 30];
const NEGATIVE = [30, 80, 230];

export function overlayPng(input: ArrayLike<number>, map: ArrayLike<number>, scale = 10): Buffer {
  const side = 28 * scale;
  const png = new PNG({ width: side, height: side });
  const mags = Array.from(map, Math.abs).sort((a, b) => a - b);
  const top = mags[Math.floor(0.99 * (mags.length - 1))] || mags[mags.length - 1] || 1;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const i = Math.floor(y / scale) * 28 + Math.floor(x / scale);
      const paper = 255 * (1 - 0.75 * Math.min(1, Math.max(0, input[i])));
      const a = 0.85 * Math.min(1, Math.abs(map[i]) / top);
      const colour = map[i] >= 0 ? POSITIVE : NEGATIVE;
      const o = (y * side + x) * 4;
      for (let c = 0; c < 3; c++) png.data[o + c] = Math.round(paper * (1 - a) + colour[c] * a);
      png.data[o + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}
