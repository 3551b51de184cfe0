import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/data/mnist-node.ts';
import { decodeTestDigits, encodeTestDigits, misread } from '../../extension/ui/test-digits.ts';

describe('test digits shipped with the extension', () => {
  const file = readFileSync(new URL('../../extension/models/test-digits.bin', import.meta.url));
  const digits = decodeTestDigits(file);
  const test = loadMnist('test');

  it('are MNIST test digits, pixel for pixel, with their true labels', () => {
    expect(digits.length).toBe(300);
    let worst = 0;
    for (const d of digits) {
      expect(d.label).toBe(test.labels[d.index]);
      const original = test.images.subarray(d.index * 784, (d.index + 1) * 784);
      for (let i = 0; i < 784; i++) worst = Math.max(worst, Math.abs(d.pixels[i] - original[i]));
    }
    expect(worst).toBeLessThan(1 / 510); // the same byte
  });

  it('hold the misread ones, as many as the models’ test accuracy says (MLP 98.94 %, CNN 99.44 %)', () => {
    const wrong = digits.filter(misread);
    expect(digits.filter((d) => d.predicted.mlp !== d.label).length).toBe(106);
    expect(digits.filter((d) => d.predicted.cnn !== d.label).length).toBe(56);
    expect(wrong.length).toBeGreaterThan(100);
  });

  it('round-trip through the codec and refuse what is not such a file', () => {
    const bytes = Uint8Array.from({ length: 784 }, (_, i) => i % 256);
    const [d] = decodeTestDigits(encodeTestDigits([{ index: 9999, label: 4, predicted: { mlp: 9, cnn: 4 }, bytes }]));
    expect(d).toMatchObject({ index: 9999, label: 4, predicted: { mlp: 9, cnn: 4 } });
    expect(d.pixels[255]).toBe(1);
    expect(() => decodeTestDigits(new Uint8Array(10))).toThrow(/no SDTD header/);
    expect(() => decodeTestDigits(file.subarray(0, file.length - 1))).toThrow(/has 236708 bytes, this one 236707/);
  });
});
