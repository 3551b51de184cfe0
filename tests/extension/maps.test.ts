import { describe, expect, it } from 'vitest';
import { inputPixels, saliencyPixels } from '../../extension/content/maps.ts';

const rgb = (px: Uint8ClampedArray, i: number) => Array.from(px.subarray(4 * i, 4 * i + 4));

describe('inputPixels', () => {
  it('ink 1 is white, background 0 is black, all opaque', () => {
    const input = new Float32Array(784);
    input[10] = 1;
    input[11] = 0.5;
    const px = inputPixels(input);
    expect(rgb(px, 0)).toEqual([0, 0, 0, 255]);
    expect(rgb(px, 10)).toEqual([255, 255, 255, 255]);
    expect(rgb(px, 11)).toEqual([128, 128, 128, 255]);
  });
});

describe('saliencyPixels', () => {
  // One strong pixel each way among many weak ones: the 99th percentile of |s| is the scale.
  const map = () => {
    const s = new Float32Array(784).fill(0.001);
    for (let i = 0; i < 20; i++) s[100 + i] = 2;
    s[1] = 2;
    s[2] = -2;
    return s;
  };

  it('signed: at or above the scale, for is fully red, against fully blue; zero stays grey', () => {
    const s = map();
    s[0] = 0;
    const px = saliencyPixels(new Float32Array(784), s, true);
    expect(rgb(px, 0)).toEqual([40, 40, 40, 255]);
    expect(rgb(px, 1)).toEqual([255, 84, 64, 255]);
    expect(rgb(px, 2)).toEqual([64, 140, 255, 255]);
  });

  it('unsigned: magnitude in one colour, so −2 looks like +2', () => {
    const px = saliencyPixels(new Float32Array(784), map(), false);
    expect(rgb(px, 2)).toEqual(rgb(px, 1));
  });

  it('one extreme pixel does not wash out the rest (robust scale)', () => {
    const s = map();
    s[3] = 1e6;
    const px = saliencyPixels(new Float32Array(784), s, true);
    expect(rgb(px, 1)).toEqual([255, 84, 64, 255]);
  });

  it('is independent of the map scale', () => {
    const input = new Float32Array(784).fill(0.3);
    const s = Float32Array.from({ length: 784 }, (_, i) => Math.sin(i));
    const scaled = s.map((v) => v * 1e-6);
    expect(Array.from(saliencyPixels(input, scaled, true))).toEqual(Array.from(saliencyPixels(input, s, true)));
  });

  it('an all-zero map (no gradient) draws the dimmed input, not NaN', () => {
    const px = saliencyPixels(new Float32Array(784).fill(1), new Float32Array(784), true);
    expect(rgb(px, 100)).toEqual([110, 110, 110, 255]);
  });
});
