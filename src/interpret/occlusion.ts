/**
 * Occlusion (Zeiler & Fergus 2014): slide a `patch`×`patch` square of black (0, MNIST's background) over the
 * input with step `stride`; each placement's score drop f(x) − f(x with the square blacked out) is credited to
 * the pixels it covers, and each pixel's value is the MEAN drop over the placements covering it (so a pixel's
 * value does not grow with how many placements overlap it). Positive: hiding the pixel lowers the target.
 *
 * Placements start at 0, stride, 2·stride, … and, when that leaves the last rows/columns uncovered, one more
 * flush with the far edge (28 − patch), so every pixel is covered. All placements and the input itself go to
 * the engine as ONE batch (4×4, stride 2: 169 placements + 1 = 170 inputs in one call).
 */
import type { MapResult, Subject } from './gradients.ts';
import { scores as evaluate } from './target.ts';

const SIDE = 28;

/** Top-left corners along one axis. */
export function placements(patch: number, stride: number, side = SIDE): number[] {
  const out: number[] = [];
  for (let p = 0; p + patch <= side; p += stride) out.push(p);
  if (out[out.length - 1] !== side - patch) out.push(side - patch);
  return out;
}

/** The occluded inputs, row-major over (top, left) corners, and each one's square. */
export function occludedInputs(x: Float32Array, patch: number, stride: number) {
  const at = placements(patch, stride);
  const squares = at.flatMap((top) => at.map((left) => ({ top, left })));
  const batch = new Float32Array(x.length * squares.length);
  squares.forEach(({ top, left }, k) => {
    const row = batch.subarray(k * x.length, (k + 1) * x.length);
    row.set(x);
    for (let y = top; y < top + patch; y++) row.fill(0, y * SIDE + left, y * SIDE + left + patch);
  });
  return { squares, batch };
}

export async function occlusion(s: Subject, x: Float32Array, patch: number, stride: number): Promise<MapResult> {
  const { squares, batch } = occludedInputs(x, patch, stride);
  const all = new Float32Array(batch.length + x.length);
  all.set(x);
  all.set(batch, x.length);
  const scores = await evaluate(s.engine, s.model, all, squares.length + 1, s.target, s.hooks);
  const score = scores[0];
  const sum = new Float64Array(x.length);
  const hits = new Uint16Array(x.length);
  squares.forEach(({ top, left }, k) => {
    const drop = score - scores[k + 1];
    for (let y = top; y < top + patch; y++) {
      for (let c = left; c < left + patch; c++) {
        sum[y * SIDE + c] += drop;
        hits[y * SIDE + c]++;
      }
    }
  });
  return { map: Float32Array.from(sum, (s, i) => s / hits[i]), score };
}
