// Our maps against PyTorch autograd on the same weights and inputs (tests/fixtures/pytorch/make.py wrote
// gradients.json with torch 1.13 on CPU from the shipped model files), on both engines, EVERY pixel: inked and
// blank background alike.
//
// The max-pool tie convention. On blank background a 2×2 pooling window holds four equal values (the conv's bias
// through relu), so the max is not differentiable there and any element's gradient is a valid subgradient. We
// route dy to the FIRST maximal element in row-major window order (top-left, top-right, bottom-left,
// bottom-right; assembly/maxpool.ts), which is what PyTorch's CPU kernel (`val > maxval`: strictly greater
// replaces), TensorFlow and TensorFlow.js do. The window cases below pin it, straight against PyTorch; the
// "dot" input, nearly all background, makes every tied window on the model's path count.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernels } from '../helpers/engine.ts';
import { digit } from '../helpers/digits.ts';
import { ENGINES, engineWithShipped, maxAbs } from '../helpers/attrib.ts';
import type { InferenceEngine } from '../../src/engines/types.ts';
import { attribute } from '../../src/interpret/saliency.ts';

interface Target {
  class: number;
  gradient: number[];
  gradCam?: Record<string, number[]>;
}
interface Entry {
  mnist?: number;
  pixels?: number[];
  logits: number[];
  targets: Target[];
}
const fixture: { torch: string; ties: { x: number[]; dx: number[] }[]; cnn: Entry[]; mlp: Entry[] } = JSON.parse(
  readFileSync(new URL('../fixtures/pytorch/gradients.json', import.meta.url), 'utf8'),
);

const inputOf = (e: Entry) => (e.mnist !== undefined ? digit(e.mnist) : Float32Array.from(e.pixels!));
const name = (e: Entry) => (e.mnist !== undefined ? `MNIST test #${e.mnist}` : 'a lone dot on black');

describe('max-pool ties: the gradient goes to the first maximal element in row-major order, as in PyTorch', () => {
  for (const { x, dx } of fixture.ties) {
    it(`window [${x}] → dx [${dx}]`, async () => {
      const k = await kernels();
      k.reset();
      const px = k.put(x), pdy = k.put([1]), pdx = k.fill(4);
      k.ex.maxPool2Backward(px, pdy, pdx, 1, 2, 2, 1);
      expect(Array.from(k.get(pdx, 4))).toEqual(dx);
    });
  }

  it('the same in the vector path (8 channels, each with its own tie pattern)', async () => {
    const k = await kernels();
    k.reset();
    const c = 8;
    const windows = [...fixture.ties, ...fixture.ties].slice(0, c);
    // NHWC: tap t of channel j at t·c + j.
    const x = new Float32Array(4 * c), want = new Float32Array(4 * c);
    windows.forEach((w, j) => w.x.forEach((v, t) => ((x[t * c + j] = v), (want[t * c + j] = w.dx[t]))));
    const px = k.put(x), pdy = k.put(new Float32Array(c).fill(1)), pdx = k.fill(4 * c);
    k.ex.maxPool2Backward(px, pdy, pdx, 1, 2, 2, c);
    expect(Array.from(k.get(pdx, 4 * c))).toEqual(Array.from(want));
  });
});

for (const [engineName, create] of ENGINES) {
  describe(`PyTorch ${fixture.torch} autograd vs our maps (${engineName})`, () => {
    let engine: InferenceEngine;
    beforeAll(async () => {
      engine = await engineWithShipped(create);
    });

    for (const [id, entries] of [['cnn', fixture.cnn], ['mlp', fixture.mlp]] as const) {
      for (const e of entries) {
        it(`${id} ${name(e)}: logits, and the gradient of each target at every pixel`, async () => {
          const x = inputOf(e);
          const { logits } = await engine.predict(id, x);
          for (let c = 0; c < 10; c++) expect(logits[c]).toBeCloseTo(e.logits[c], 3);
          for (const t of e.targets) {
            const { map } = await attribute(engine, id, x, { method: 'gradient', target: { class: t.class } });
            const scale = maxAbs(t.gradient);
            // float32 sums in another order: measured ≤ 5e-7 of the map's scale on every pixel.
            for (let i = 0; i < 784; i++) {
              expect(Math.abs(map[i] - t.gradient[i]), `class ${t.class}, pixel ${i} (${x[i] > 0 ? 'ink' : 'background'})`).toBeLessThan(1e-5 * scale);
            }
            if (e.pixels) {
              // The dot: the map is mostly background, reached only through tied windows.
              const background = t.gradient.filter((g, i) => x[i] === 0 && Math.abs(g) > 1e-3 * scale).length;
              expect(background).toBeGreaterThan(300);
            }
          }
        });
      }
    }

    for (const e of fixture.cnn) {
      it(`cnn ${name(e)}: Grad-CAM at conv1 and conv2 equals PyTorch's (same definition, same upsampling)`, async () => {
        const x = inputOf(e);
        for (const t of e.targets) {
          for (const [layer, want] of Object.entries(t.gradCam!)) {
            const { map } = await attribute(engine, 'cnn', x, { method: 'grad-cam', target: { class: t.class }, layer });
            const scale = maxAbs(want);
            if (scale === 0) {
              expect(maxAbs(map)).toBe(0);
              continue;
            }
            for (let i = 0; i < 784; i++) expect(Math.abs(map[i] - want[i]), `${layer} class ${t.class} pixel ${i}`).toBeLessThan(1e-4 * scale);
          }
        }
      });
    }
  });
}
