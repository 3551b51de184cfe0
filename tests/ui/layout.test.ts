import { describe, expect, it } from 'vitest';
import { fitCells, fitMultiples, gridShape } from '../../extension/ui/layout.ts';
import { cellAt, paintCells, paintMap, paintMultiples, tileAt } from '../../extension/ui/raster.ts';
import { makeLut } from '../../extension/ui/colormap.ts';

describe('gridShape', () => {
  const cases: [number, number, [number, number]][] = [
    [128, 2, [16, 8]],
    [64, 1, [8, 8]],
    [10, 10, [10, 1]],
    [784, 1, [28, 28]],
    [1, 2, [1, 1]],
  ];
  for (const [n, aspect, [cols, rows]] of cases) {
    it(`n=${n} aspect=${aspect} → ${cols}×${rows}`, () => expect(gridShape(n, aspect)).toEqual({ cols, rows }));
  }
  it('prime n=13 aspect 1: a near-square grid holding all cells', () => {
    const g = gridShape(13, 1);
    expect(g.cols * g.rows).toBeGreaterThanOrEqual(13);
    expect(Math.abs(g.cols - g.rows)).toBeLessThanOrEqual(1);
  });
  it('rejects 0 and fractions', () => {
    expect(() => gridShape(0)).toThrow(/positive/);
    expect(() => gridShape(2.5)).toThrow(/positive/);
  });
});

describe('fitCells', () => {
  it('128 neurons in 200 px with 1 px gaps: 16 columns of 11 px', () => {
    const l = fitCells(128, 200, { aspect: 2, gap: 1 });
    expect(l).toMatchObject({ cols: 16, rows: 8, cell: 11, width: 16 * 12 - 1, height: 8 * 12 - 1 });
    expect(l.width).toBeLessThanOrEqual(200);
  });
  it('caps the cell size', () => {
    expect(fitCells(10, 1000, { aspect: 10, maxCell: 20 }).cell).toBe(20);
  });
  it('never below 1 px', () => {
    expect(fitCells(128, 3).cell).toBe(1);
  });
});

describe('fitMultiples', () => {
  it('8 maps 26×26 in 420 px wide, ≤ 120 tall: largest scale that fits', () => {
    const l = fitMultiples(8, 26, 26, 420, { gap: 2, maxScale: 4, maxHeight: 120 });
    expect(l.width).toBeLessThanOrEqual(420);
    expect(l.height).toBeLessThanOrEqual(120);
    // scale 2: 52 px tiles, 7 per row → 2 rows = 106 px: fits; scale 3: 78 px tiles, 5 per row, 2 rows = 158: too tall.
    expect(l.scale).toBe(2);
    expect(l.cols * l.rows).toBeGreaterThanOrEqual(8);
  });
  it('one map wider than the space: falls back to scale 1', () => {
    const l = fitMultiples(1, 28, 500, 100, { maxScale: 3 });
    expect(l.scale).toBe(1);
    expect(l.cols).toBe(1);
  });
});

const ramp = makeLut([[0, '#000000'], [1, '#ffffff']]);

describe('paintMap', () => {
  it('2×1 map [-1, 1] → black then white, opaque', () => {
    const img = paintMap([-1, 1], 2, 1, ramp, -1, 1);
    expect([...img.data]).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });
  it('too few values: clear message', () => {
    expect(() => paintMap([1], 2, 2, ramp, 0, 1)).toThrow(/1 values for a 2×2 map/);
  });
});

describe('paintCells / cellAt', () => {
  const l = fitCells(3, 20, { aspect: 3, gap: 1, maxCell: 2 }); // 3×1, cells 2 px, 1 px gaps → 8×2
  const img = paintCells([-1, 0, 1], l, ramp, -1, 1);
  it('layout 3 cells of 2 px with 1 px gaps', () => expect([img.width, img.height]).toEqual([8, 2]));
  it('cell colours and transparent gaps', () => {
    const px = (x: number, y: number) => [...img.data.slice((y * img.width + x) * 4, (y * img.width + x) * 4 + 4)];
    expect(px(0, 0)).toEqual([0, 0, 0, 255]);
    expect(px(1, 1)).toEqual([0, 0, 0, 255]);
    expect(px(2, 0)[3]).toBe(0); // gap
    expect(px(3, 0)[0]).toBe(128);
    expect(px(7, 1)).toEqual([255, 255, 255, 255]);
  });
  it('hit testing: cells, gaps, outside', () => {
    expect(cellAt(l, 0, 0, 3)).toBe(0);
    expect(cellAt(l, 4, 1, 3)).toBe(1);
    expect(cellAt(l, 2, 0, 3)).toBe(-1);
    expect(cellAt(l, 7, 0, 3)).toBe(2);
    expect(cellAt(l, 9, 0, 3)).toBe(-1);
    expect(cellAt(l, -1, 0, 3)).toBe(-1);
  });
});

describe('paintMultiples / tileAt', () => {
  // h=1 w=2 c=2, HWC: pixel (0,0) = [ch0 -1, ch1 1], pixel (0,1) = [ch0 1, ch1 -1]
  const hwc = [-1, 1, 1, -1];
  const l = fitMultiples(2, 1, 2, 100, { gap: 1, maxScale: 2 });
  const img = paintMultiples(hwc, 1, 2, 2, l, ramp, -1, 1);
  const px = (x: number, y: number) => img.data[(y * img.width + x) * 4];
  it('scale 2, two tiles side by side', () => {
    expect(l).toMatchObject({ scale: 2, cols: 2, rows: 1, tileW: 4, tileH: 2 });
    expect([img.width, img.height]).toEqual([9, 2]);
  });
  it('channels are de-interleaved from HWC and upscaled', () => {
    expect([px(0, 0), px(1, 1), px(2, 0), px(3, 1)]).toEqual([0, 0, 255, 255]); // channel 0
    expect(img.data[(0 * 9 + 4) * 4 + 3]).toBe(0); // gap
    expect([px(5, 0), px(7, 1)]).toEqual([255, 0]); // channel 1
  });
  it('tileAt', () => {
    expect(tileAt(l, 1, 1, 2)).toBe(0);
    expect(tileAt(l, 4, 0, 2)).toBe(-1);
    expect(tileAt(l, 6, 1, 2)).toBe(1);
  });
});

describe('fitMultiples balances rows', () => {
  it('16 maps 28×28 in 420 px at scale 1: 2 rows of 8, not 14 + 2', () => {
    const l = fitMultiples(16, 28, 28, 420, { gap: 2, maxScale: 1 });
    expect([l.cols, l.rows]).toEqual([8, 2]);
  });
  it('32 maps 14×14 in 420 px at scale 2: 3 rows of 11', () => {
    const l = fitMultiples(32, 14, 14, 420, { gap: 2, maxScale: 2 });
    expect([l.cols, l.rows, l.scale]).toEqual([11, 3, 2]);
  });
});

describe('frames', () => {
  it('paintCells: gaps between existing cells get the frame colour, empty slots stay transparent', () => {
    const l = { cols: 2, rows: 2, cell: 1, gap: 1, width: 3, height: 3 }; // 1 px cells → 3×3 image, one slot empty
    const img = paintCells([1, 1, 1], l, ramp, -1, 1, [9, 9, 9, 255]);
    const a = (x: number, y: number) => img.data[(y * 3 + x) * 4 + 3];
    const r = (x: number, y: number) => img.data[(y * 3 + x) * 4];
    expect(r(1, 0)).toBe(9); // gap between cell 0 and 1
    expect(r(0, 0)).toBe(255); // a cell
    expect(a(2, 2)).toBe(0); // the empty 4th slot
  });
  it('paintMultiples: frame between tiles', () => {
    const l = fitMultiples(2, 1, 1, 100, { gap: 1, maxScale: 1 });
    const img = paintMultiples([0, 0], 1, 1, 2, l, ramp, -1, 1, [9, 9, 9, 255]);
    expect([img.width, img.data[4], img.data[7]]).toEqual([3, 9, 255]);
  });
});
