import { describe, expect, it } from 'vitest';
import { fitSize, MAX_SIDE } from '../../extension/shared/image.ts';

describe('fitSize', () => {
  it('keeps small images as they are', () => expect(fitSize(168, 120)).toEqual({ width: 168, height: 120 }));
  it(`downscales the longest side to ${MAX_SIDE}`, () => expect(fitSize(1680, 840)).toEqual({ width: 512, height: 256 }));
  it('never rounds a side to 0', () => expect(fitSize(10_000, 1)).toEqual({ width: 512, height: 1 }));
  it('upscales only when asked (SVG)', () => expect(fitSize(16, 8, 280, true)).toEqual({ width: 280, height: 140 }));
});
