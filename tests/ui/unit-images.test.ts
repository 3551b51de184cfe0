import { describe, expect, it } from 'vitest';
import { diverging } from '../../extension/ui/colormap.ts';
import { gridImage, tiles, weightImage } from '../../extension/explorer/unit-images.ts';

const rgb = (img: { width: number; data: Uint8ClampedArray }, x: number, y: number) => [...img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4)];
const lut = diverging('light');
const colour = (k: number) => [lut[k * 4], lut[k * 4 + 1], lut[k * 4 + 2], 255];

describe('tiles', () => {
  // 2×2 filter over 5 channels (HWC), channel k's weights all k − 2: −2 … 2.
  const values = new Float32Array(2 * 2 * 5).map((_, i) => (i % 5) - 2);
  const img = tiles(values, 2, 2, 5, 2, 'light');
  it('lays 5 channels out 3 a row in 2 rows, one pixel between tiles', () => expect([img.width, img.height]).toEqual([3 * 3 - 1, 2 * 3 - 1]));
  it('channel k sits at column k mod 3, row k div 3, coloured by its weight on ±scale', () => {
    expect(rgb(img, 0, 0)).toEqual(colour(0)); // channel 0: −2, the bottom of the map
    expect(rgb(img, 7, 1)).toEqual(colour(128)); // channel 2 (top right): 0, the middle
    expect(rgb(img, 4, 4)).toEqual(colour(255)); // channel 4: +2, the top
  });
  it('the gaps and the missing sixth tile are transparent', () => {
    expect(rgb(img, 2, 0)[3]).toBe(0);
    expect(rgb(img, 0, 2)[3]).toBe(0);
    expect(rgb(img, 7, 4)[3]).toBe(0);
  });
});

describe('gridImage', () => {
  it('a filter over channels: its tiles side by side, the same weight in the same place', () => {
    const values = new Float32Array(3 * 3 * 2).map((_, i) => i);
    const g = gridImage({ layer: 'conv2', kind: 'Conv2D', units: 4, incoming: { kind: 'maps', h: 3, w: 3, c: 2, values } });
    expect([g.w, g.h]).toEqual([7, 3]);
    // weight (y 1, x 2, channel 1) = index (1·3 + 2)·2 + 1 = 11, at column 4 + 2 of row 1
    expect(g.values[1 * 7 + 6]).toBe(11);
    expect(g.values[1 * 7 + 3]).toBe(0); // the gap column
  });
  it('a deeper Dense neuron: its linearised pixel pattern, 28×28', () => {
    const pixels = new Float32Array(784).fill(0.5);
    const g = gridImage({ layer: 'hidden2', kind: 'Dense', units: 64, incoming: { kind: 'cells', from: 'hidden1', values: new Float32Array(128) }, pixels });
    expect([g.w, g.h, g.values]).toEqual([28, 28, pixels]);
  });
  it('cells without a pixel pattern: a near-square block', () => {
    const g = gridImage({ layer: 'output', kind: 'Dense', units: 10, incoming: { kind: 'cells', from: 'hidden', values: new Float32Array(128) } });
    expect([g.w, g.h]).toEqual([12, 11]);
  });
});

describe('weightImage', () => {
  it('symmetric around 0: −s, 0 and s at the ends and the middle of the map', () => {
    const img = weightImage([-3, 0, 3], 3, 1, 3, 'light');
    expect([rgb(img, 0, 0), rgb(img, 1, 0), rgb(img, 2, 0)]).toEqual([colour(0), colour(128), colour(255)]);
  });
});
