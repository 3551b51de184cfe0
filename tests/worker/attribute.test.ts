// attribute() through the worker API, on the shipped models: the same maps as the library in-process, map and
// input transferred (not copied), images preprocessed first, targets and interventions carried over, malformed
// requests refused with messages that name the call, and the same through the restarting client in a worker thread.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeClient } from '../../worker/client-node.ts';
import type { AttributeOptions, Target } from '../../worker/api.ts';
import type { InferenceEngine } from '../../src/engines/types.ts';
import { attribute } from '../../src/interpret/saliency.ts';
import { preprocess } from '../../src/preprocess/mnist.ts';
import { digit, paint } from '../helpers/digits.ts';
import { serviceOverChannel, shippedSimdEngine } from '../helpers/service.ts';

let engine: InferenceEngine;
beforeAll(async () => {
  engine = await shippedSimdEngine();
});

describe('attribute over a MessageChannel (shipped models, SIMD engine)', () => {
  const w = serviceOverChannel();
  afterAll(() => w.close());

  it('every method gives the library\'s map; map and input are transferred', async () => {
    const x = digit(4);
    const cases: ['mlp' | 'cnn', AttributeOptions & { target: Target }][] = [
      ['cnn', { method: 'integrated-gradients', target: { class: 4 }, steps: 24, baseline: 'blur' }],
      ['cnn', { method: 'occlusion', target: { class: 4 }, patch: 4, stride: 2 }],
      ['cnn', { method: 'grad-cam', target: { layer: 'hidden', unit: 7 }, layer: 'conv1' }],
      ['mlp', { method: 'smoothgrad', target: { layer: 'hidden2', unit: 3 }, samples: 8, sigma: 0.1, seed: 2 }],
      ['mlp', { method: 'gradient-x-input', target: { class: 4 }, hooks: [{ at: 'hidden1.out', units: [1, 2, 3], mode: 'zero' }] }],
    ];
    for (const [id, opts] of cases) {
      const before = w.sizes.length;
      const r = await w.api.attribute(id, { kind: 'mnist', pixels: x.slice() }, opts);
      if (!r.ok) throw new Error(r.message);
      const want = await attribute(engine, id, x, opts);
      expect(Array.from(r.map)).toEqual(Array.from(want.map));
      expect([r.score, r.baselineScore]).toEqual([want.score, want.baselineScore]);
      expect(r.target).toEqual(opts.target);
      expect(Array.from(r.input)).toEqual(Array.from(x));
      const sent = w.sizes.slice(before).flat();
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.filter((bytes) => bytes >= 784 * 4).length).toBeGreaterThanOrEqual(2); // the map and the input
    }
  });

  it('an image is preprocessed first; without a target the predicted digit is explained', async () => {
    const image = paint(digit(7), 28, 28, [30, 30, 30], [235, 235, 235], 5);
    const r = await w.api.attribute('cnn', { kind: 'image', image }, { method: 'gradient' });
    if (!r.ok) throw new Error(r.message);
    const p = preprocess(image);
    if (!p.ok) throw new Error(p.message);
    expect(Array.from(r.input)).toEqual(Array.from(p.pixels));
    expect(r.target).toEqual({ class: 9 });
    const blank = paint(new Float32Array(784), 28, 28, [0, 0, 0], [255, 255, 255]);
    const b = await w.api.attribute('cnn', { kind: 'image', image: blank }, { method: 'gradient' });
    expect(b.ok).toBe(false);
  });

  it('refuses malformed requests with messages that name the call', async () => {
    const pixels = digit(1);
    const x = { kind: 'mnist', pixels } as const;
    const cases: [unknown[], RegExp][] = [
      [['resnet', x, { method: 'gradient' }], /attribute: unknown model "resnet"/],
      [['cnn', x, { method: 'lime' }], /attribute: method must be one of gradient, .*grad-cam; not "lime"/],
      [['cnn', x, { method: 'gradient', target: { unit: 3 } }], /attribute: target must be \{ class \}, \{ layer, unit \} or \{ layer, channel \}/],
      [['cnn', x, { method: 'gradient', target: { class: 12 } }], /attribute: .*12/],
      [['cnn', x, { method: 'integrated-gradients', steps: 0 }], /attribute: steps must be an integer from 1 to 256, not 0/],
      [['cnn', x, { method: 'integrated-gradients', baseline: 'grey' }], /attribute: baseline must be one of black, blur, noise/],
      [['cnn', x, { method: 'grad-cam', layer: 'hidden' }], /attribute: grad-cam: "hidden" is not a layer of model cnn with an \[h, w, c\] output \(conv1, pool1, conv2, pool2\)/],
      [['cnn', x, { method: 'gradient', target: { layer: 'hidden', unit: 500 } }], /attribute: .*unit must be an integer from 0 to 127/],
      [['cnn', x, { method: 'gradient', hooks: [{ at: 'nowhere.out', mode: 'zero' }] }], /attribute: .*"nowhere\.out" is not a hook point/],
      [['cnn', { kind: 'mnist', pixels: new Float32Array(3) }, { method: 'gradient' }], /input.pixels has 3 values/],
      [['cnn', x, 'gradient'], /attribute: options must be an object/],
    ];
    for (const [args, message] of cases) {
      await expect((w.api.attribute as (...a: unknown[]) => Promise<unknown>)(...args)).rejects.toThrow(message);
    }
    // Still answering after all that.
    expect((await w.api.attribute('mlp', x, { method: 'gradient', target: { class: 2 } })).ok).toBe(true);
  });
});

describe('attribute through the restarting client in a worker thread', () => {
  it('answers like the library', async () => {
    const client = createNodeClient({ timeoutMs: 60_000 });
    try {
      const x = digit(3);
      const r = await client.attribute('cnn', { kind: 'mnist', pixels: x.slice() }, { method: 'occlusion', target: { class: 0 } });
      if (!r.ok) throw new Error(r.message);
      expect(Array.from(r.map)).toEqual(Array.from((await attribute(engine, 'cnn', x, { method: 'occlusion', target: { class: 0 } })).map));
      expect(client.starts).toBe(1);
    } finally {
      client.close();
    }
  });
});
