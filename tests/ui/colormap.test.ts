import { describe, expect, it } from 'vitest';
import { diverging, lutIndex, makeLut, valueRange } from '../../extension/ui/colormap.ts';

describe('makeLut', () => {
  it('black→white ramp: ends exact, middle grey, alpha opaque', () => {
    const lut = makeLut([[0, '#000000'], [1, '#ffffff']]);
    expect([...lut.slice(0, 4)]).toEqual([0, 0, 0, 255]);
    expect([...lut.slice(255 * 4, 256 * 4)]).toEqual([255, 255, 255, 255]);
    expect(lut[128 * 4]).toBe(128);
  });
  it('three stops: passes through the middle stop', () => {
    const lut = makeLut([[0, '#ff0000'], [0.5, '#00ff00'], [1, '#0000ff']]);
    const mid = Math.round(0.5 * 255);
    expect(lut[mid * 4 + 1]).toBeGreaterThan(250);
    expect(lut[mid * 4]).toBeLessThan(5);
  });
  it('rejects stops that do not span 0..1', () => {
    expect(() => makeLut([[0.1, '#000000'], [1, '#ffffff']])).toThrow(/t=0/);
  });
});

describe('diverging', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`${theme}: negative end is blue-ish, positive end red-ish, centre neutral`, () => {
      const lut = diverging(theme);
      expect(lut[2]).toBeGreaterThan(lut[0]); // blue > red at −1
      expect(lut[255 * 4]).toBeGreaterThan(lut[255 * 4 + 2]); // red > blue at +1
      const c = lut.slice(128 * 4, 128 * 4 + 3);
      expect(Math.max(...c) - Math.min(...c)).toBeLessThan(40); // near grey at 0
    });
  }
  it('light and dark centres differ (paper vs night surface)', () => {
    expect(diverging('light')[128 * 4]).toBeGreaterThan(200);
    expect(diverging('dark')[128 * 4]).toBeLessThan(80);
  });
});

describe('lutIndex', () => {
  it('maps lo→0, hi→255, centre→128, clamps outside, NaN→centre', () => {
    expect(lutIndex(-1, -1, 1)).toBe(0);
    expect(lutIndex(1, -1, 1)).toBe(255);
    expect(lutIndex(0, -1, 1)).toBe(128);
    expect(lutIndex(-7, -1, 1)).toBe(0);
    expect(lutIndex(9, -1, 1)).toBe(255);
    expect(lutIndex(NaN, -1, 1)).toBe(128);
  });
});

describe('valueRange', () => {
  it('tanh layers use the fixed −1..1 range whatever the values', () => {
    expect(valueRange([0.1, 0.2], 'tanh')).toEqual([-1, 1]);
  });
  it('relu layers: symmetric ±max so zero stays neutral', () => {
    expect(valueRange([0, 3, 1.5], 'relu')).toEqual([-3, 3]);
  });
  it('linear with negatives: ±max|v|', () => {
    expect(valueRange([-4, 2], 'linear')).toEqual([-4, 4]);
  });
  it('all zero: a non-degenerate default', () => {
    expect(valueRange([0, 0], 'relu')).toEqual([-1, 1]);
  });
});
