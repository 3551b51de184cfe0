import { describe, expect, it } from 'vitest';
import { entropyBits, topTwo } from '../../extension/ui/stats.ts';

describe('entropyBits', () => {
  it('certain → 0, uniform over 10 → log2 10, two equal → 1', () => {
    expect(entropyBits([1, 0, 0])).toBe(0);
    expect(entropyBits(new Array(10).fill(0.1))).toBeCloseTo(Math.log2(10));
    expect(entropyBits([0.5, 0.5])).toBeCloseTo(1);
  });
});

describe('topTwo', () => {
  it('best and runner-up, wherever they are', () => {
    expect(topTwo([0.1, 0.6, 0.3])).toEqual([1, 2]);
    expect(topTwo([0.7, 0.1, 0.2])).toEqual([0, 2]);
    expect(topTwo([0.2, 0.1, 0.7])).toEqual([2, 0]);
  });
  it('ties keep the lower index first', () => expect(topTwo([0.5, 0.5])).toEqual([0, 1]));
});
