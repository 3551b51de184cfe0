import { describe, expect, it } from 'vitest';
import { decodeSketch, encodeSketch, Sketch, strokePath } from '../../extension/ui/stroke.ts';

describe('Sketch', () => {
  it('begin/extend/end records a stroke; points are clamped to the pad', () => {
    const s = new Sketch();
    expect(s.isEmpty).toBe(true);
    s.begin({ x: -0.2, y: 0.5 });
    s.extend([{ x: 0.3, y: 1.4 }]);
    expect(s.drawing).toBe(true);
    s.end();
    expect(s.strokes).toEqual([[{ x: 0, y: 0.5 }, { x: 0.3, y: 1 }]]);
    expect(s.isEmpty).toBe(false);
  });
  it('drops points closer than the jitter threshold', () => {
    const s = new Sketch();
    s.begin({ x: 0.5, y: 0.5 });
    expect(s.extend([{ x: 0.501, y: 0.5 }, { x: 0.5, y: 0.502 }])).toBe(false);
    expect(s.extend([{ x: 0.51, y: 0.5 }])).toBe(true);
    s.end();
    expect(s.strokes[0]).toHaveLength(2);
  });
  it('the stroke in progress is visible in strokes before end()', () => {
    const s = new Sketch([[{ x: 0, y: 0 }]]);
    s.begin({ x: 1, y: 1 });
    expect(s.strokes).toHaveLength(2);
  });
  it('undo removes whole strokes, last first; false when empty', () => {
    const s = new Sketch([[{ x: 0, y: 0 }], [{ x: 1, y: 1 }]]);
    expect(s.undo()).toBe(true);
    expect(s.strokes).toEqual([[{ x: 0, y: 0 }]]);
    expect(s.undo()).toBe(true);
    expect(s.undo()).toBe(false);
  });
  it('undo during a stroke drops the stroke in progress only', () => {
    const s = new Sketch([[{ x: 0, y: 0 }]]);
    s.begin({ x: 1, y: 1 });
    s.undo();
    s.end();
    expect(s.strokes).toHaveLength(1);
  });
  it('cancel drops the stroke in progress; clear drops all', () => {
    const s = new Sketch([[{ x: 0, y: 0 }]]);
    s.begin({ x: 1, y: 1 });
    s.cancel();
    expect(s.strokes).toHaveLength(1);
    s.clear();
    expect(s.isEmpty).toBe(true);
  });
  it('does not alias the strokes it was built from', () => {
    const init = [[{ x: 0, y: 0 }]];
    const s = new Sketch(init);
    s.undo();
    expect(init[0]).toHaveLength(1);
    expect(init).toHaveLength(1);
  });
});

describe('encodeSketch / decodeSketch', () => {
  it('round trip to 1e-4', () => {
    const strokes = [[{ x: 0.12345, y: 0.5 }, { x: 1, y: 0 }], [{ x: 0.3333, y: 0.6667 }]];
    const back = decodeSketch(JSON.parse(JSON.stringify(encodeSketch(strokes))));
    expect(back).toHaveLength(2);
    back.flat().forEach((p, i) => {
      const q = strokes.flat()[i];
      expect(Math.abs(p.x - q.x)).toBeLessThanOrEqual(5e-5);
      expect(Math.abs(p.y - q.y)).toBeLessThanOrEqual(5e-5);
    });
  });
  it('malformed input → empty sketch or only the valid strokes', () => {
    expect(decodeSketch(undefined)).toEqual([]);
    expect(decodeSketch('x')).toEqual([]);
    expect(decodeSketch({ v: 2, strokes: [] })).toEqual([]);
    expect(decodeSketch({ v: 1, strokes: [[1, 2, 3], ['a', 'b'], [5000, 5000], null] })).toEqual([[{ x: 0.5, y: 0.5 }]]);
  });
});

describe('strokePath', () => {
  it('one point → a dot', () => expect(strokePath([{ x: 0.1, y: 0.2 }])).toEqual([{ op: 'dot', x: 0.1, y: 0.2 }]));
  it('two points → a line', () => {
    expect(strokePath([{ x: 0, y: 0 }, { x: 1, y: 0 }]).map((s) => s.op)).toEqual(['move', 'line']);
  });
  it('four points → line to first midpoint, quads through the inner points ending at midpoints, line to the end', () => {
    const pts = [{ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 2, y: 2 }, { x: 0, y: 2 }];
    expect(strokePath(pts)).toEqual([
      { op: 'move', x: 0, y: 0 },
      { op: 'line', x: 1, y: 0 },
      { op: 'quad', cx: 2, cy: 0, x: 2, y: 1 },
      { op: 'quad', cx: 2, cy: 2, x: 1, y: 2 },
      { op: 'line', x: 0, y: 2 },
    ]);
  });
  it('empty stroke → no path', () => expect(strokePath([])).toEqual([]));
});
