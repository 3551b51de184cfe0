import { describe, expect, it } from 'vitest';
import { classCounts, nearest, shareBelow } from '../../extension/explorer/readouts.ts';

describe('nearest', () => {
  // (0,0) (5,0) (1,1) (-2,0) (0.5,0), interleaved as the PCA files store them.
  const pts = new Float32Array([0, 0, 5, 0, 1, 1, -2, 0, 0.5, 0]);
  it('k nearest, closest first', () => expect(nearest(pts, 0, 0, 3)).toEqual([0, 4, 2]));
  it('k larger than the set → all, sorted', () => expect(nearest(pts, 5, 0, 10)).toEqual([1, 2, 4, 0, 3]));
  it('per-axis scale: y counts 10× → (0.5, 0) beats (0, 0.2)', () => {
    expect(nearest([0, 0.2, 0.5, 0], 0, 0, 1, 1, 10)).toEqual([1]);
  });
  it('skips the points `keep` rejects', () => expect(nearest(pts, 0, 0, 2, 1, 1, (i) => i % 2 === 1)).toEqual([3, 1]));
  it('matches sorting all distances on 500 random points', () => {
    let s = 7;
    const r = () => (s = (s * 16807) % 2147483647) / 2147483647;
    const many = Array.from({ length: 1000 }, r);
    const byDist = [...Array(500).keys()].map((i) => [(many[2 * i] - 0.5) ** 2 + (many[2 * i + 1] - 0.5) ** 2, i]).sort((a, b) => a[0] - b[0]).slice(0, 20).map(([, i]) => i);
    expect(nearest(many, 0.5, 0.5, 20)).toEqual(byDist);
  });
});

describe('classCounts', () => {
  it('counts the labels of the given points, most frequent first, ties by digit', () => {
    const labels = [7, 1, 7, 3, 1, 9];
    expect(classCounts([0, 1, 2, 3, 4], labels)).toEqual([[1, 2], [7, 2], [3, 1]]);
  });
  it('no points → nothing', () => expect(classCounts([], [1, 2])).toEqual([]));
});

describe('shareBelow', () => {
  const h = { lo: -1, hi: 1, bins: 4 }; // bins [-1,-.5) [-.5,0) [0,.5) [.5,1]
  const counts = [10, 0, 0, 30];
  it('below everything → 0, above everything → 1', () => {
    expect(shareBelow(h, counts, -2)).toBe(0);
    expect(shareBelow(h, counts, 2)).toBe(1);
  });
  it('between the two lumps: the lower lump’s share', () => expect(shareBelow(h, counts, 0.2)).toBe(0.25));
  it('inside a bin: its mass counted in proportion', () => expect(shareBelow(h, counts, 0.75)).toBeCloseTo(0.25 + 0.75 * 0.5));
  it('an empty histogram → 0', () => expect(shareBelow(h, [0, 0, 0, 0], 0)).toBe(0));
});
