import { describe, expect, it } from 'vitest';
import { bounds, decodeDigit, project, readNeurons, readPca, type PcaFile } from '../../extension/ui/formats.ts';

const pca = (): PcaFile => ({
  layer: 'dense_2',
  components: [[1, 0, 0], [0, 0, 1]],
  mean: [1, 1, 1],
  points: [{ x: 0, y: 0, label: 3 }, { x: 1, y: -1, label: 9 }],
});

describe('readPca', () => {
  it('accepts a well-formed file', () => expect(readPca(pca()).layer).toBe('dense_2'));
  it('components of the wrong length: says which length is expected', () => {
    const p = pca();
    p.components[1] = [0, 1];
    expect(() => readPca(p)).toThrow(/2 arrays of 3 numbers/);
  });
  it('a point with label 10: names the point', () => {
    const p = pca();
    p.points[1].label = 10;
    expect(() => readPca(p)).toThrow(/point 1/);
  });
  it('not an object', () => expect(() => readPca(null)).toThrow(/not a JSON object/));
});

describe('project', () => {
  it('components · (a − mean)', () => expect(project(pca(), [3, 5, -1])).toEqual({ x: 2, y: -2 }));
  it('wrong activation length: clear message', () => expect(() => project(pca(), [1, 2])).toThrow(/3 activations but layer "dense_2" gave 2/));
});

describe('readNeurons / decodeDigit', () => {
  const img = btoa(String.fromCharCode(...new Array(784).fill(0).map((_, i) => (i === 0 ? 255 : 0))));
  const file = {
    images: { '7': img },
    layers: [{ name: 'dense', kind: 'Dense', units: 2, top: [[{ index: 7, label: 1, activation: 0.9 }], []] }],
  };
  it('accepts a well-formed file', () => expect(readNeurons(file).layers[0].units).toBe(2));
  it('a referenced image that is missing', () => {
    const f = structuredClone(file);
    f.layers[0].top[1].push({ index: 8, label: 2, activation: 0.1 });
    expect(() => readNeurons(f)).toThrow(/image 8 missing/);
  });
  it('top list count ≠ units', () => {
    const f = structuredClone(file);
    f.layers[0].units = 3;
    expect(() => readNeurons(f)).toThrow(/one list per unit \(3\)/);
  });
  it('decodes bytes to [0, 1]', () => {
    const d = decodeDigit(img);
    expect(d[0]).toBe(1);
    expect(d[1]).toBe(0);
    expect(() => decodeDigit(btoa('abc'))).toThrow(/784 bytes, got 3/);
  });
});

describe('bounds', () => {
  it('adds a margin', () => expect(bounds([{ x: 0, y: 0 }, { x: 10, y: 20 }], 0.1)).toEqual({ x0: -1, x1: 11, y0: -2, y1: 22 }));
  it('no points → a default square', () => expect(bounds([])).toEqual({ x0: -1, x1: 1, y0: -1, y1: 1 }));
});

import { nearest } from '../../extension/ui/formats.ts';

describe('nearest', () => {
  const pts = [{ x: 0, y: 0 }, { x: 5, y: 0 }, { x: 1, y: 1 }, { x: -2, y: 0 }, { x: 0.5, y: 0 }];
  it('k nearest, closest first', () => expect(nearest(pts, { x: 0, y: 0 }, 3)).toEqual([0, 4, 2]));
  it('k larger than the set → all, sorted', () => expect(nearest(pts, { x: 5, y: 0 }, 10)).toEqual([1, 2, 4, 0, 3]));
  it('per-axis scale: y counts 10× → (0.5, 0) beats (0, 0.2)', () => {
    expect(nearest([{ x: 0, y: 0.2 }, { x: 0.5, y: 0 }], { x: 0, y: 0 }, 1, 1, 10)).toEqual([1]);
  });
  it('matches sorting all distances on 500 random points', () => {
    let s = 7;
    const r = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    const many = Array.from({ length: 500 }, () => ({ x: r(), y: r() }));
    const q = { x: 0.5, y: 0.5 };
    const byDist = many.map((p, i) => [(p.x - q.x) ** 2 + (p.y - q.y) ** 2, i]).sort((a, b) => a[0] - b[0]).slice(0, 20).map(([, i]) => i);
    expect(nearest(many, q, 20)).toEqual(byDist);
  });
});
