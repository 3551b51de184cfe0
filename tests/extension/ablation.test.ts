// The explorer's ablation set (extension/explorer/ablation.ts): the interventions it stands for, per model, are what
// the worker's analyze takes — Dense units by index, conv layers by channel, in the chosen mode.
import { describe, expect, it } from 'vitest';
import { Ablation } from '../../extension/explorer/ablation.ts';

const hidden1 = { model: 'mlp', name: 'hidden1', kind: 'Dense' } as const;
const conv2 = { model: 'cnn', name: 'conv2', kind: 'Conv2D' } as const;

describe('Ablation', () => {
  it('nothing off: no hooks at all (the analysis runs the intact models)', () => {
    expect(new Ablation().hooks()).toBeUndefined();
  });

  it('Dense units as units, conv channels as channels, each model its own list, indices sorted', () => {
    const a = new Ablation();
    a.toggle(hidden1, 7);
    a.toggle(hidden1, 3);
    a.toggle(conv2, 5);
    expect(a.hooks()).toEqual({
      mlp: [{ at: 'hidden1.out', units: [3, 7], mode: 'zero' }],
      cnn: [{ at: 'conv2.out', channels: [5], mode: 'zero' }],
    });
    expect(a.size).toBe(3);
    expect(a.list()).toEqual([
      { model: 'mlp', layer: 'hidden1', unit: 7 },
      { model: 'mlp', layer: 'hidden1', unit: 3 },
      { model: 'cnn', layer: 'conv2', unit: 5 },
    ]);
  });

  it('a second click switches a unit back on; the mode applies to all; reset empties; listeners hear each change', () => {
    const a = new Ablation();
    let changes = 0;
    a.onChange(() => changes++);
    a.toggle(hidden1, 7);
    a.toggle(conv2, 1);
    a.toggle(hidden1, 7);
    expect(a.has('mlp', 'hidden1', 7)).toBe(false);
    a.setMode('mean');
    expect(a.hooks()).toEqual({ cnn: [{ at: 'conv2.out', channels: [1], mode: 'mean' }] });
    a.reset();
    expect(a.hooks()).toBeUndefined();
    expect(changes).toBe(5);
  });
});
