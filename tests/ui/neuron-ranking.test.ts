import { describe, expect, it } from 'vitest';
import { digitPool, rank, type Responses } from '../../extension/explorer/neuron-ranking.ts';

const digit = (index: number, label: number) => ({ index, label, pixels: new Float32Array(784) });

describe('neuron ranking', () => {
  it('ranks by the pre-activation: ties after tanh are told apart, and the most negative come out too', () => {
    const pool = [0, 1, 2, 3, 4].map((i) => digit(i, i));
    // Unit 1 of 2: pre-activations 5, 9, −3, 7, −8 (tanh would give ~1.00 to the first, second and fourth alike).
    const values = Float32Array.from([0, 5, 0, 9, 0, -3, 0, 7, 0, -8]);
    const r: Responses = { pool, layers: new Map([['hidden1', { units: 2, spatial: false, values }]]) };
    const ranked = rank(r, 'hidden1', 1, 2)!;
    expect(ranked.top.map((t) => [t.digit.index, t.pre])).toEqual([[1, 9], [3, 7]]);
    expect(ranked.bottom.map((t) => [t.digit.index, t.pre])).toEqual([[4, -8], [2, -3]]);
    expect(rank(r, 'hidden1', 2)).toBeNull();
    expect(rank(r, 'hidden9', 0)).toBeNull();
  });

  it('pools each shipped test digit once, from both sources', () => {
    const img = btoa(String.fromCharCode(...new Array(784).fill(255)));
    const neurons = { images: { '7': img, '9': img }, layers: [{ name: 'h', kind: 'Dense' as const, units: 1, top: [[{ index: 7, label: 3, activation: 1 }, { index: 9, label: 4, activation: 1 }]] }] };
    const pool = digitPool(neurons, [{ index: 9, label: 4, predicted: { mlp: 4, cnn: 4 }, pixels: new Float32Array(784) }, { index: 2, label: 1, predicted: { mlp: 1, cnn: 1 }, pixels: new Float32Array(784) }]);
    expect(pool.map((d) => [d.index, d.label])).toEqual([[2, 1], [7, 3], [9, 4]]);
    expect(pool[1].pixels[0]).toBe(1);
  });
});
