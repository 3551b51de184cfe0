import { describe, expect, it } from 'vitest';
import { findInk, type Box, type InkRegion, type InkThresholds } from '../../src/preprocess/components.ts';
import { workspace } from '../../src/preprocess/workspace.ts';
import { rng } from '../helpers/random.ts';

/** Component boxes in a fixed order, so two lists of the same boxes compare equal. */
const sorted = (parts: Box[]) => [...parts].sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0 || a.y1 - b.y1 || a.x1 - b.x1);
const normal = (r: InkRegion | null) => r && { ...r, parts: sorted(r.parts), roots: undefined };

/** Reference: flood fill (8-connected) per component, then the same keep rule. */
function reference(dist: Float32Array, w: number, h: number, t: InkThresholds) {
  const comp = new Int32Array(w * h).fill(-1);
  const comps: { pixels: number[]; strong: number }[] = [];
  for (let s = 0; s < w * h; s++) {
    if (comp[s] !== -1 || !(dist[s] >= t.low)) continue;
    const c = { pixels: [] as number[], strong: 0 };
    const stack = [s];
    comp[s] = comps.length;
    while (stack.length) {
      const i = stack.pop()!;
      c.pixels.push(i);
      if (dist[i] >= t.high) c.strong++;
      const x = i % w, y = Math.floor(i / w);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx, yy = y + dy, j = yy * w + xx;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h || comp[j] !== -1 || !(dist[j] >= t.low)) continue;
          comp[j] = comps.length;
          stack.push(j);
        }
      }
    }
    comps.push(c);
  }
  const best = Math.max(0, ...comps.map((c) => c.strong));
  const need = Math.max(t.minStrong, t.relStrong * best);
  const kept = new Uint8Array(w * h);
  let x0 = w, y0 = h, x1 = 0, y1 = 0, count = 0;
  const parts: Box[] = [];
  for (const c of comps) {
    if (c.strong < need) continue;
    const part = { x0: w, y0: h, x1: 0, y1: 0 };
    for (const i of c.pixels) {
      kept[i] = 1;
      count++;
      const x = i % w, y = Math.floor(i / w);
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x + 1), Math.max(y1, y + 1)];
      [part.x0, part.y0, part.x1, part.y1] = [Math.min(part.x0, x), Math.min(part.y0, y), Math.max(part.x1, x + 1), Math.max(part.y1, y + 1)];
    }
    parts.push(part);
  }
  return { kept, region: count ? { x0, y0, x1, y1, count, parts: sorted(parts) } : null, components: comps.length };
}

/** Random blobs: a sparse seed pattern, grown a little, with weak and strong values. */
function blobs(w: number, h: number, density: number, seed: number): Float32Array {
  const r = rng(seed);
  const d = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) if (r() < density) d[i] = r() < 0.5 ? 0.3 : 0.9;
  return d;
}

const T: InkThresholds = { low: 0.2, high: 0.5, minStrong: 3, relStrong: 0.05 };

describe('findInk: hysteresis components against a flood-fill reference', () => {
  const shapes: [number, number][] = [[1, 1], [1, 40], [40, 1], [2, 2], [17, 13], [64, 64], [280, 3], [101, 77]];
  for (const [w, h] of shapes) {
    for (const density of [0.1, 0.3, 0.55]) {
      it(`w=${w} h=${h} density=${density}`, () => {
        for (const seed of [1, 2, 3]) {
          const dist = blobs(w, h, density, seed * 7919 + w * 31 + h);
          const ref = reference(dist, w, h, T);
          const ws = workspace(w, h);
          const got = findInk(dist, w, h, T, ws);
          expect(normal(got)).toEqual(ref.region);
          let mismatches = 0;
          for (let i = 0; i < w * h; i++) if ((ws.keep[ws.labels[i]] ?? 0) !== ref.kept[i]) mismatches++;
          expect(mismatches).toBe(0);
        }
      });
    }
  }

  it('a spiral (one component that doubles back on every row) stays one component', () => {
    const w = 61, h = 61;
    const d = new Float32Array(w * h);
    // Square spiral with 1-pixel walls and 1-pixel gaps: the worst case for label merging.
    let [x, y, dx, dy, len] = [30, 30, 1, 0, 1];
    d[y * w + x] = 1;
    outer: for (;;) {
      for (let turn = 0; turn < 2; turn++) {
        for (let s = 0; s < len; s++) {
          for (let k = 0; k < 2; k++) {
            x += dx;
            y += dy;
            if (x < 0 || y < 0 || x >= w || y >= h) break outer;
            d[y * w + x] = 1;
          }
        }
        [dx, dy] = [-dy, dx];
      }
      len++;
    }
    const ref = reference(d, w, h, T);
    expect(ref.components).toBe(1);
    const got = findInk(d, w, h, { ...T, relStrong: 0.5 }, workspace(w, h));
    expect(normal(got)).toEqual(ref.region);
  });

  it('nothing above the low threshold → null', () => {
    expect(findInk(new Float32Array(100).fill(0.1), 10, 10, T, workspace(10, 10))).toBeNull();
  });
});
