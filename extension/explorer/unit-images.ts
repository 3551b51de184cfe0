/**
 * The weight images of the Neurons view and what they show: one image per unit for the layer's grid (a first-layer
 * neuron's 784 weights, a conv filter's input channels side by side, a deeper neuron's pattern linearised back to
 * the pixels), a filter as a square of channel tiles for the large view, all on the diverging map.
 */
import { SIDE } from '../shared/digits.ts';
import type { Rgba } from '../shared/geometry.ts';
import { diverging, lutIndex } from '../ui/colormap.ts';
import type { Incoming, Wiring } from '../ui/weights.ts';

export interface GridImage {
  values: Float32Array;
  w: number;
  h: number;
}

/** A w×h weight image on the diverging map, symmetric around 0 at ±scale. */
export function weightImage(values: ArrayLike<number>, w: number, hh: number, scale: number, theme: 'light' | 'dark'): Rgba {
  const lut = diverging(theme);
  const data = new Uint8ClampedArray(w * hh * 4);
  for (let i = 0; i < w * hh; i++) {
    const k = lutIndex(values[i], -scale, scale) * 4;
    data.set([lut[k], lut[k + 1], lut[k + 2], 255], i * 4);
  }
  return { width: w, height: hh, data };
}

/** A unit's image in the layer's grid. */
export function gridImage(wr: Wiring): GridImage {
  const inc = wr.incoming;
  if (inc.kind === 'image') return { values: inc.values, w: inc.w, h: inc.h };
  if (inc.kind === 'maps') {
    // kh×kw×cIn laid out as cIn tiles side by side, one column of gap.
    const W = inc.c * (inc.w + 1) - 1;
    const out = new Float32Array(W * inc.h);
    for (let y = 0; y < inc.h; y++) for (let x = 0; x < inc.w; x++) for (let c = 0; c < inc.c; c++) out[y * W + c * (inc.w + 1) + x] = inc.values[(y * inc.w + x) * inc.c + c];
    return { values: out, w: W, h: inc.h };
  }
  if (wr.pixels) return { values: wr.pixels, w: SIDE, h: SIDE };
  const w = Math.ceil(Math.sqrt(inc.values.length));
  return { values: inc.values, w, h: Math.ceil(inc.values.length / w) };
}

/** h×w×c weights (channels last) as c tiles in a near-square grid, one transparent pixel between tiles. */
export function tiles(values: ArrayLike<number>, hh: number, w: number, c: number, scale: number, theme: 'light' | 'dark'): Rgba {
  const cols = Math.ceil(Math.sqrt(c)), rows = Math.ceil(c / cols);
  const W = cols * (w + 1) - 1, H = rows * (hh + 1) - 1;
  const lut = diverging(theme);
  const data = new Uint8ClampedArray(W * H * 4);
  for (let k = 0; k < c; k++) {
    const x0 = (k % cols) * (w + 1), y0 = Math.floor(k / cols) * (hh + 1);
    for (let y = 0; y < hh; y++) {
      for (let x = 0; x < w; x++) {
        const i = lutIndex(values[(y * w + x) * c + k], -scale, scale) * 4;
        data.set([lut[i], lut[i + 1], lut[i + 2], 255], ((y0 + y) * W + x0 + x) * 4);
      }
    }
  }
  return { width: W, height: H, data };
}

/** What the grid's images are, for its note. */
export function gridWhat(inc: Incoming, pixels: boolean, kind: 'Dense' | 'Conv2D'): string {
  if (inc.kind === 'image') return kind === 'Dense' ? 'the weights from the 784 pixels into each neuron' : `each ${inc.h}×${inc.w} filter`;
  if (inc.kind === 'maps') return kind === 'Dense' ? `each neuron’s weights over the ${inc.c} feature maps below it, side by side` : `each ${inc.h}×${inc.w} filter over its ${inc.c} input channels, side by side`;
  return pixels ? 'the pixel pattern each neuron responds to, linearised through the layers before (W₁·w)' : `each neuron’s weights from ${inc.from}, in that layer’s grid order`;
}

/** What one unit's large weight image shows. */
export function wiredText(inc: Incoming, linearised: boolean): string {
  if (linearised) return 'Its weights multiplied back through the layers below, ignoring their activations: roughly which pixels push it up (red) or down (blue).';
  switch (inc.kind) {
    case 'image':
      return inc.h === SIDE ? 'One weight per input pixel: red pixels push it up, blue ones down.' : `A ${inc.h}×${inc.w} filter slid over the image: it responds where the ink matches red and avoids blue.`;
    case 'maps':
      return `One ${inc.h}×${inc.w} weight map for each of the ${inc.c} channels it reads, left to right, top to bottom.`;
    case 'cells':
      return `One weight per unit of ${inc.from}, in that layer’s grid order.`;
  }
}
