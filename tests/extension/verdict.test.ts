import { describe, expect, it } from 'vitest';
import { assess, LOW_CONFIDENCE, typicalityLine } from '../../extension/shared/verdict.ts';
import type { PanelModel } from '../../extension/messages.ts';

const model = (id: 'mlp' | 'cnn', digit: number, p: number): PanelModel => {
  const probs = Array(10).fill((1 - p) / 9);
  probs[digit] = p;
  return { id, digit, probs, saliency: null };
};

describe('assess', () => {
  it('both confident and agreeing: a plain headline', () => {
    const v = assess([model('mlp', 7, 0.98), model('cnn', 7, 0.99)]);
    expect(v).toEqual({ confident: true, headline: 'Both models read a 7.', doubts: [] });
  });

  it('uses "an" before 8', () => {
    expect(assess([model('mlp', 8, 0.9), model('cnn', 8, 0.9)]).headline).toBe('Both models read an 8.');
  });

  it(`flags a model below ${LOW_CONFIDENCE} and names it`, () => {
    const v = assess([model('mlp', 3, 0.45), model('cnn', 3, 0.9)]);
    expect(v.confident).toBe(false);
    expect(v.headline).toBe("This doesn't look much like a digit");
    expect(v.doubts).toEqual(['The MLP is only 45% sure it is a 3.']);
  });

  it('flags disagreement and says who reads what, first', () => {
    const v = assess([model('mlp', 3, 0.95), model('cnn', 8, 0.5)]);
    expect(v.doubts).toEqual([
      'The models disagree: the MLP reads a 3, the CNN reads an 8.',
      'The CNN is only 50% sure it is an 8.',
    ]);
  });

  it('exactly at the threshold is confident', () => {
    expect(assess([model('mlp', 1, LOW_CONFIDENCE), model('cnn', 1, LOW_CONFIDENCE)]).confident).toBe(true);
  });

  it('one model only', () => {
    expect(assess([model('cnn', 4, 0.9)]).headline).toBe('The CNN reads a 4.');
  });
});

describe('assess with typicality', () => {
  const typ = (distance: number, threshold = 12) => ({ distance, closest: 7, threshold, typical: distance <= threshold });
  const withT = (m: PanelModel, distance: number): PanelModel => ({ ...m, typicality: typ(distance) });

  it('confident, agreeing and typical: no doubt; the line gives both distances and thresholds', () => {
    const models = [withT(model('mlp', 7, 0.99), 5.2), withT(model('cnn', 7, 0.99), 7)];
    expect(assess(models).confident).toBe(true);
    expect(typicalityLine(models)).toBe('Distance from the digits it knows: MLP 5.2 · CNN 7.0; 99 % of real digits are within 12.0 / 12.0.');
  });

  it('a confident answer far from every digit is doubted, with its own headline, naming the model', () => {
    const v = assess([withT(model('mlp', 4, 0.999), 30.4), withT(model('cnn', 4, 0.999), 8)]);
    expect(v.confident).toBe(false);
    expect(v.headline).toBe("This doesn't look like any digit I know");
    expect(v.doubts).toEqual(['The MLP has seen nothing like it: it lies 30.4 from the digits it knows, where 99 % of real digits are within 12.0.']);
  });

  it('exactly at the threshold is typical; without typicality nothing changes', () => {
    expect(assess([withT(model('mlp', 1, 0.9), 12)]).confident).toBe(true);
    expect(typicalityLine([model('mlp', 1, 0.9)])).toBe('');
  });
});
