import { describe, expect, it } from 'vitest';
import { composeDense, convFilter, denseIncoming, maxAbs } from '../../extension/ui/weights.ts';
import { linear, niceTicks } from '../../extension/ui/plot.ts';

// kernel [3 in, 2 out] = [[1, 2], [3, 4], [5, 6]]
const k = new Float32Array([1, 2, 3, 4, 5, 6]);

describe('denseIncoming', () => {
  it('nIn=3 nOut=2: column u', () => {
    expect([...denseIncoming(k, 3, 2, 0)]).toEqual([1, 3, 5]);
    expect([...denseIncoming(k, 3, 2, 1)]).toEqual([2, 4, 6]);
  });
  it('bad unit or shape: clear messages', () => {
    expect(() => denseIncoming(k, 3, 2, 2)).toThrow(/unit 2 is outside 0..1/);
    expect(() => denseIncoming(k, 2, 2, 0)).toThrow(/2×2 kernel has 4 weights, not 6/);
  });
});

describe('convFilter', () => {
  it('kh=1 kw=2 cIn=2 cOut=2: filter u in HWC order', () => {
    // index ((y·kw + x)·cIn + c)·cOut + u; value = index
    const kernel = Float32Array.from({ length: 8 }, (_, i) => i);
    expect([...convFilter(kernel, 1, 2, 2, 2, 0)]).toEqual([0, 2, 4, 6]);
    expect([...convFilter(kernel, 1, 2, 2, 2, 1)]).toEqual([1, 3, 5, 7]);
  });
  it('3×3×1×16 kernel, filter 16: out of range', () => {
    expect(() => convFilter(new Float32Array(144), 3, 3, 1, 16, 16)).toThrow(/filter 16/);
  });
});

describe('composeDense', () => {
  it('W₁ v for W₁ 3×2 and v = [1, −1]', () => {
    expect([...composeDense(k, 3, 2, new Float32Array([1, -1]))]).toEqual([-1, -1, -1]);
  });
  it('length mismatch', () => expect(() => composeDense(k, 3, 2, new Float32Array(3))).toThrow(/3 weights do not match 2/));
});

describe('maxAbs', () => {
  it('largest magnitude; never 0', () => {
    expect(maxAbs([-3, 2])).toBe(3);
    expect(maxAbs([0, 0])).toBeGreaterThan(0);
  });
});

describe('linear', () => {
  it('maps and inverts, flipped range for y-up axes', () => {
    const y = linear(0, 10, 100, 0);
    expect(y(0)).toBe(100);
    expect(y(10)).toBe(0);
    expect(y(2.5)).toBe(75);
    expect(y.invert(75)).toBe(2.5);
  });
  it('empty domain maps to the range start', () => expect(linear(3, 3, 0, 10)(3)).toBe(0));
});

describe('niceTicks', () => {
  it('0..10 → 0, 2, 4, 6, 8, 10', () => expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]));
  it('−3.7..4.2 → steps of 2 inside the range', () => expect(niceTicks(-3.7, 4.2, 4)).toEqual([-2, 0, 2, 4]));
  it('0.013..0.058 → steps of 0.01 without float noise', () => expect(niceTicks(0.013, 0.058, 5)).toEqual([0.02, 0.03, 0.04, 0.05]));
  it('degenerate range → [lo]', () => expect(niceTicks(1, 1)).toEqual([1]));
});

import { unitLayers, wiring } from '../../extension/ui/weights.ts';
import type { Conv2DSpec, LoadedModel, ModelSpec } from '../../src/model/spec.ts';

/** A model with parameters valued by position, so every weight read can be checked. */
function model(spec: ModelSpec, kernels: Record<string, number[]>): LoadedModel {
  const params = new Map(Object.entries(kernels).map(([name, k]) => [name, { kernel: Float32Array.from(k.length ? k : []), bias: new Float32Array([0.5, -0.5, 0.25]) }]));
  return { spec, params };
}

describe('wiring: MLP input 2×2×1 → Dense 3 → Dense 2', () => {
  const spec: ModelSpec = {
    name: 'tiny-mlp',
    inputShape: [2, 2, 1],
    layers: [
      { kind: 'Flatten', name: 'flatten' },
      { kind: 'Dense', name: 'h1', units: 3, activation: 'tanh', useBias: true },
      { kind: 'Dense', name: 'h2', units: 2, activation: 'tanh', useBias: true },
    ],
  };
  // h1 kernel [4, 3]: value = 10·i + u; h2 kernel [3, 2]: value = i == u ? 1 : 0 (h2 unit u copies h1 unit u)
  const h1 = Array.from({ length: 12 }, (_, k) => 10 * Math.floor(k / 3) + (k % 3));
  const h2 = [1, 0, 0, 1, 0, 0];
  const m = model(spec, { h1, h2 });
  it('lists the layers with units', () => expect(unitLayers(m)).toEqual([{ name: 'h1', kind: 'Dense', units: 3 }, { name: 'h2', kind: 'Dense', units: 2 }]));
  it('h1 unit 1: a 2×2 image of its input weights, its bias, no pixel pattern (it IS the pixel pattern)', () => {
    const w = wiring(m, 'h1', 1);
    expect(w.incoming).toEqual({ kind: 'image', h: 2, w: 2, values: Float32Array.from([1, 11, 21, 31]) });
    expect(w.bias).toBe(-0.5);
    expect(w.pixels).toBeUndefined();
  });
  it('h2 unit 1: cells from h1, pixel pattern = W₁ column 1', () => {
    const w = wiring(m, 'h2', 1);
    expect(w.incoming).toEqual({ kind: 'cells', from: 'h1', values: Float32Array.from([0, 1, 0]) });
    expect([...w.pixels!]).toEqual([1, 11, 21, 31]);
  });
  it('unknown layer', () => expect(() => wiring(m, 'flatten', 0)).toThrow(/no Dense or Conv2D layer named "flatten"/));
});

describe('wiring: CNN input 4×4×1 → conv 1×1 (2 filters) → conv 1×1 (3 filters) → flatten → Dense 1', () => {
  const conv = (name: string, filters: number): Conv2DSpec => ({
    kind: 'Conv2D', name, filters, kernelSize: [1, 1], strides: 1, padding: 'same', activation: 'relu', useBias: true,
  });
  const spec: ModelSpec = {
    name: 'tiny-cnn',
    inputShape: [4, 4, 1],
    layers: [conv('c1', 2), conv('c2', 3), { kind: 'MaxPooling2D', name: 'p' }, { kind: 'Flatten', name: 'f' }, { kind: 'Dense', name: 'd', units: 1, activation: 'linear', useBias: true }],
  };
  const m = model(spec, { c1: [7, 8], c2: [1, 2, 3, 4, 5, 6], d: Array.from({ length: 12 }, (_, i) => i) });
  it('first conv: a 1×1 image per filter', () => expect(wiring(m, 'c1', 1).incoming).toEqual({ kind: 'image', h: 1, w: 1, values: Float32Array.from([8]) }));
  it('second conv: one tile per input channel', () => {
    expect(wiring(m, 'c2', 2).incoming).toEqual({ kind: 'maps', h: 1, w: 1, c: 2, values: Float32Array.from([3, 6]) });
  });
  it('dense after pooling: its weights as 2×2×3 maps, no pixel pattern', () => {
    const w = wiring(m, 'd', 0);
    expect(w.incoming).toMatchObject({ kind: 'maps', h: 2, w: 2, c: 3 });
    expect(w.pixels).toBeUndefined();
  });
});
