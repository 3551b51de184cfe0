import { describe, expect, it } from 'vitest';
import { augmentBatch, augmentImage, createAugmenter } from '../../src/train/augment.ts';
import { centreOfMass, digit, mnistTest } from '../helpers/digits.ts';
import { rng } from '../helpers/random.ts';

const COUNT = 500;
const images = (): Float32Array => mnistTest().images.subarray(0, COUNT * 784);
const mass = (a: Float32Array, off = 0): number => a.subarray(off, off + 784).reduce((s, v) => s + v, 0);
/** Indices where a and b differ (a plain loop: deep equality on 400k floats is slow). */
function differences(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

describe('augment', () => {
  it('is deterministic for a seed, different for another seed', () => {
    const a = new Float32Array(COUNT * 784), b = new Float32Array(COUNT * 784), c = new Float32Array(COUNT * 784);
    augmentBatch(images(), a, COUNT, rng(42));
    augmentBatch(images(), b, COUNT, rng(42));
    augmentBatch(images(), c, COUNT, rng(43));
    expect(differences(a, b)).toBe(0);
    expect(differences(a, c)).toBeGreaterThan(COUNT * 100);
  });

  it('createAugmenter (the trainer\'s per-image form) matches augmentBatch', () => {
    const a = new Float32Array(20 * 784), b = new Float32Array(20 * 784);
    augmentBatch(images(), a, 20, rng(1));
    const aug = createAugmenter(rng(1));
    for (let k = 0; k < 20; k++) aug(images().subarray(k * 784, k * 784 + 784), b.subarray(k * 784, k * 784 + 784));
    expect(differences(a, b)).toBe(0);
  });

  it('output stays in [0, 1]; not the identity; ink roughly kept', () => {
    const src = images();
    const out = new Float32Array(COUNT * 784);
    augmentBatch(src, out, COUNT, rng(7));
    let min = Infinity, max = -Infinity;
    for (const v of out) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBe(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.99);
    let diff = 0;
    for (let i = 0; i < out.length; i++) diff += Math.abs(out[i] - src[i]);
    // Mean absolute change per pixel: an identity would give 0, a shift of one pixel ≈ 0.1.
    expect(diff / out.length).toBeGreaterThan(0.05);
    for (let k = 0; k < COUNT; k++) {
      // Scale 0.85–1.15 changes the area by 0.72–1.32; a 3×3 dilation can double a thin "1", erosion halve it.
      const ratio = mass(out, k * 784) / mass(src, k * 784);
      expect(ratio).toBeGreaterThan(0.3);
      expect(ratio).toBeLessThan(3);
    }
  });

  it('the centre of mass stays near (14, 14): within the ±2 px shift (+ clipping slack), unbiased', () => {
    const out = new Float32Array(COUNT * 784);
    augmentBatch(images(), out, COUNT, rng(9));
    let sx = 0, sy = 0, far = 0;
    for (let k = 0; k < COUNT; k++) {
      const c = centreOfMass(out.subarray(k * 784, k * 784 + 784));
      expect(Math.abs(c.x - 14)).toBeLessThan(3);
      expect(Math.abs(c.y - 14)).toBeLessThan(3);
      if (Math.hypot(c.x - 14, c.y - 14) > 1) far++;
      sx += c.x;
      sy += c.y;
    }
    expect(Math.abs(sx / COUNT - 14)).toBeLessThan(0.2);
    expect(Math.abs(sy / COUNT - 14)).toBeLessThan(0.2);
    // Shifts really happen: a uniform ±2 px shift moves most centres more than 1 px.
    expect(far / COUNT).toBeGreaterThan(0.4);
  });

  it('no distortion at all only re-centres: mass exactly at (14, 14), ink kept', () => {
    const none = { shift: 0, rotate: 0, scale: [1, 1] as [number, number], shear: 0, thickness: 0 };
    const out = new Float32Array(784);
    for (const k of [0, 1, 2, 3]) {
      const d = digit(k);
      augmentImage(d, out, rng(k), none);
      const c = centreOfMass(out);
      expect(c.x).toBeCloseTo(14, 1);
      expect(c.y).toBeCloseTo(14, 1);
      expect(mass(out) / mass(d)).toBeCloseTo(1, 1);
    }
  });

  it('scale 0.5 quarters the ink; thickness 1 with no geometry changes the mass', () => {
    const d = digit(0);
    const out = new Float32Array(784);
    augmentImage(d, out, rng(1), { shift: 0, rotate: 0, scale: [0.5, 0.5], shear: 0, thickness: 0 });
    expect(mass(out) / mass(d)).toBeGreaterThan(0.2);
    expect(mass(out) / mass(d)).toBeLessThan(0.3);
    const ratios = [1, 2, 3, 4, 5, 6].map((seed) => {
      augmentImage(d, out, rng(seed), { shift: 0, rotate: 0, scale: [1, 1], shear: 0, thickness: 1 });
      return mass(out) / mass(d);
    });
    // Dilation adds ink, erosion removes it: both happen, by a visible amount.
    expect(Math.max(...ratios)).toBeGreaterThan(1.2);
    expect(Math.min(...ratios)).toBeLessThan(0.85);
  });

  it('bad options and short buffers get clear errors', () => {
    const out = new Float32Array(784);
    expect(() => augmentImage(digit(0), out, rng(1), { scale: [1.2, 0.8] })).toThrow(/scale needs 0 < lo ≤ hi/);
    expect(() => augmentBatch(new Float32Array(784), out, 2, rng(1))).toThrow(/2 images need 1568 floats/);
  });
});
