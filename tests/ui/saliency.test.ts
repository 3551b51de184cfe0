import { describe, expect, it } from 'vitest';
import { inkBox, inputRectInSource, isSigned, paintSaliency, robustMax } from '../../extension/shared/saliency.ts';

describe('isSigned', () => {
  it('gradient×input and IG signed; gradient and SmoothGrad as magnitude', () => {
    expect([isSigned('gradient'), isSigned('gradient-x-input'), isSigned('integrated-gradients'), isSigned('smoothgrad')]).toEqual([
      false, true, true, false,
    ]);
  });
});

describe('robustMax', () => {
  it('ignores the top 1 % outliers', () => {
    const v = new Float32Array(1000).fill(1);
    v[0] = 1000;
    expect(robustMax(v)).toBe(1);
  });
  it('uses |v|', () => expect(robustMax([-3, 1, 2], 1)).toBe(3));
  it('sparse map whose quantile is 0 → max', () => {
    const v = new Float32Array(784);
    v[5] = -0.25;
    expect(robustMax(v)).toBe(0.25);
  });
  it('all zero or empty → 1 (no division by zero)', () => {
    expect(robustMax(new Float32Array(4))).toBe(1);
    expect(robustMax([])).toBe(1);
  });
});

describe('paintSaliency', () => {
  it('signed: positive warm, negative cool, zero transparent, alpha by magnitude', () => {
    const img = paintSaliency([1, -1, 0, 0.25], 4, 1, true, 200);
    const px = (i: number) => [...img.data.slice(i * 4, i * 4 + 4)];
    expect(px(0)[0]).toBeGreaterThan(px(0)[2]);
    expect(px(1)[2]).toBeGreaterThan(px(1)[0]);
    expect(px(0)[3]).toBe(200);
    expect(px(1)[3]).toBe(200);
    expect(px(2)[3]).toBe(0);
    expect(px(3)[3]).toBeGreaterThan(0);
    expect(px(3)[3]).toBeLessThan(200);
  });
  it('unsigned: negative values shown by magnitude in warm colours', () => {
    const img = paintSaliency([-1, 1], 2, 1, false, 255);
    expect(img.data[3]).toBe(255);
    expect(img.data[0]).toBe(img.data[4]);
  });
});

describe('inkBox', () => {
  it('finds the box of pixels above the threshold', () => {
    const m = new Float32Array(5 * 4);
    m[1 * 5 + 2] = 1;
    m[2 * 5 + 3] = 0.5;
    expect(inkBox(m, 5, 4)).toEqual({ x: 2, y: 1, width: 2, height: 2 });
  });
  it('blank → null', () => expect(inkBox(new Float32Array(9), 3, 3)).toBeNull());
});

describe('inputRectInSource', () => {
  it('undoes a known crop/scale/shift: source box 100×200 at (40,20) → 10×20 in the input at (9,4)', () => {
    const input = new Float32Array(784);
    for (let y = 4; y < 24; y++) for (let x = 9; x < 19; x++) input[y * 28 + x] = 1;
    const r = inputRectInSource(input, { x: 40, y: 20, width: 100, height: 200 })!;
    // 0.1 input px per source px: the 28-px grid spans 280 source px, its corner 9 / 0.1 = 90 left of x=40.
    expect(r.width).toBeCloseTo(280);
    expect(r.height).toBeCloseTo(280);
    expect(r.x).toBeCloseTo(-50);
    expect(r.y).toBeCloseTo(-20);
  });
  it('blank input or empty box → null', () => {
    expect(inputRectInSource(new Float32Array(784), { x: 0, y: 0, width: 1, height: 1 })).toBeNull();
    const one = new Float32Array(784);
    one[0] = 1;
    expect(inputRectInSource(one, { x: 0, y: 0, width: 0, height: 0 })).toBeNull();
  });
});
