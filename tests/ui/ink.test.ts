import { describe, expect, it } from 'vitest';
import { tooLittleInk } from '../../extension/ui/ink.ts';

const SIDE = 140;
const INK = 20 / 280;

/** A pad raster with discs of the pen's width at `points` (pad units). */
function dots(points: [number, number][], ink = INK): Float32Array {
  const g = new Float32Array(SIDE * SIDE);
  const r = (ink * SIDE) / 2;
  for (const [px, py] of points) {
    for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) if (Math.hypot(x + 0.5 - px * SIDE, y + 0.5 - py * SIDE) <= r) g[y * SIDE + x] = 1;
  }
  return g;
}

/** A straight stroke from a to b, as dense dots. */
const stroke = (a: [number, number], b: [number, number]) => dots(Array.from({ length: 60 }, (_, i): [number, number] => [a[0] + ((b[0] - a[0]) * i) / 59, a[1] + ((b[1] - a[1]) * i) / 59]));

describe('tooLittleInk', () => {
  it('an empty pad is the plain blank state, not "too little ink"', () => {
    expect(tooLittleInk(new Float32Array(SIDE * SIDE), SIDE, INK)).toBeNull();
  });

  it('a dot is too small to be a digit', () => {
    expect(tooLittleInk(dots([[0.5, 0.5]]), SIDE, INK)).toMatch(/too small/);
  });

  it('a few specks far apart are not a digit', () => {
    expect(tooLittleInk(dots([[0.2, 0.2], [0.8, 0.3], [0.5, 0.8]]), SIDE, INK)).toMatch(/dots/);
  });

  it('a short "1" and a full "7" are digits', () => {
    expect(tooLittleInk(stroke([0.5, 0.35], [0.5, 0.65]), SIDE, INK)).toBeNull();
    const seven = stroke([0.3, 0.22], [0.7, 0.22]);
    stroke([0.7, 0.22], [0.46, 0.82]).forEach((v, i) => (seven[i] = Math.max(seven[i], v)));
    expect(tooLittleInk(seven, SIDE, INK)).toBeNull();
  });
});
