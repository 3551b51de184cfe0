import { describe, expect, it } from 'vitest';
import { PRINTED_FONTS, PRINTED_SIZES, printedDigits, renderDigit } from '../../src/data/printed-node.ts';
import { preprocess } from '../../src/preprocess/mnist.ts';
import { centreOfMass, corr, inkBox, mnistTest } from '../helpers/digits.ts';

/** The mean MNIST test image of each class: a crude template classifier that only works on MNIST-shaped input. */
function classMeans(): Float64Array[] {
  const m = mnistTest();
  const means = Array.from({ length: 10 }, () => new Float64Array(784));
  const counts = new Array(10).fill(0);
  for (let k = 0; k < m.count; k++) {
    const l = m.labels[k];
    counts[l]++;
    for (let i = 0; i < 784; i++) means[l][i] += m.images[k * 784 + i];
  }
  means.forEach((a, l) => a.forEach((_, i) => (a[i] /= counts[l])));
  return means;
}

describe('printed digits (DejaVu, rendered by @napi-rs/canvas)', () => {
  const digits = printedDigits();

  it('every font × size × digit, dark on light', () => {
    expect(digits.length).toBe(Object.keys(PRINTED_FONTS).length * PRINTED_SIZES.length * 10);
    for (const d of digits) {
      expect(d.image.data.length).toBe(d.image.width * d.image.height * 4);
      // Paper in the corner, and some ink darker than it somewhere.
      const paper = d.image.data[0];
      let darkest = 255;
      for (let i = 0; i < d.image.data.length; i += 4) darkest = Math.min(darkest, d.image.data[i]);
      expect(paper - darkest, `${d.font} ${d.size}px "${d.label}"`).toBeGreaterThan(100);
    }
  });

  it('all preprocess to MNIST geometry, dark-on-light', () => {
    for (const d of digits) {
      const r = preprocess(d.image);
      const what = `${d.font} ${d.size}px "${d.label}"`;
      expect(r.ok, what).toBe(true);
      if (!r.ok) continue;
      expect(r.polarity, what).toBe('dark-on-light');
      const box = inkBox(r.pixels);
      expect(Math.max(box.width, box.height), what).toBe(20);
      const c = centreOfMass(r.pixels);
      expect(Math.max(Math.abs(c.x - 14), Math.abs(c.y - 14)), what).toBeLessThanOrEqual(0.5 + 1e-9);
    }
  });

  it('come out MNIST-shaped: nearest class mean is right far above chance (10%)', () => {
    const means = classMeans();
    let right = 0;
    for (const d of digits) {
      const r = preprocess(d.image);
      if (!r.ok) continue;
      let best = -1, bestCorr = -2;
      for (let l = 0; l < 10; l++) {
        const c = corr(r.pixels, means[l]);
        if (c > bestCorr) [best, bestCorr] = [l, c];
      }
      if (best === d.label) right++;
    }
    // Measured 57% (printed glyphs are not handwriting); a polarity, scale or centring error drops this to chance.
    expect(right / digits.length).toBeGreaterThan(0.45);
  });

  it('rejects a non-digit and an unknown font', () => {
    expect(() => renderDigit(10, 'DejaVu Sans', 40)).toThrow(/10 is not a digit/);
    expect(() => renderDigit(1, 'Comic Sans', 40)).toThrow(/unknown font "Comic Sans"/);
  });
});
