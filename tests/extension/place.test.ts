import { describe, expect, it } from 'vitest';
import { position } from '../../extension/content/place.ts';

const view = { width: 1200, height: 800 };
const panel = { width: 344, height: 400 };

describe('position', () => {
  it('right of the image when it fits, top-aligned', () => {
    expect(position({ x: 100, y: 50, width: 120, height: 120 }, panel, view)).toEqual({ left: 232, top: 50 });
  });

  it('left of the image when the right side is too narrow', () => {
    expect(position({ x: 900, y: 50, width: 200, height: 120 }, panel, view)).toEqual({ left: 544, top: 50 });
  });

  it('below the image when neither side fits', () => {
    expect(position({ x: 100, y: 50, width: 1000, height: 120 }, panel, view)).toEqual({ left: 100, top: 182 });
  });

  it('never off the bottom of the viewport', () => {
    expect(position({ x: 100, y: 700, width: 120, height: 80 }, panel, view).top).toBe(800 - 400 - 8);
  });

  it('top right corner without an image', () => {
    expect(position(null, panel, view)).toEqual({ left: 1200 - 344 - 8, top: 8 });
  });
});
