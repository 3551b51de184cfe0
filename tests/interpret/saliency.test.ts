// The saliency methods on both engines (the SIMD engine and TensorFlow.js cpu), on a tanh MLP and a relu CNN:
// gradient against central differences of the logit, gradient×input as the product, integrated gradients'
// completeness and convergence, SmoothGrad against its definition.
import { beforeAll, describe, expect, it } from 'vitest';
import { tfCpu } from '../helpers/tf.ts';
import { loadedFromTf, tfCnn, tfMlp } from '../helpers/models.ts';
import { maxRelDiff, randomArray } from '../helpers/random.ts';
import { TfjsEngine } from '../../src/engines/tfjs.ts';
import { createSimdEngineNode } from '../../src/engines/simd-node.ts';
import type { InferenceEngine } from '../../src/engines/types.ts';
import { gaussian, saliency } from '../../src/interpret/saliency.ts';
import { MODEL_IDS } from '../../src/model/shipped.ts';
import { centralDiff } from '../helpers/grad.ts';

const ENGINES: [string, () => Promise<InferenceEngine>][] = [
  ['simd', createSimdEngineNode],
  ['tfjs-cpu', () => TfjsEngine.create({ backend: 'cpu' })],
];

/** A blob of "ink" in [0, 1] with a little noise: an input a digit model sees, not uniform noise. */
function digitLike(seed: number): Float32Array {
  const noise = randomArray(784, seed, 0.1);
  const x = new Float32Array(784);
  for (let r = 0; r < 28; r++) {
    for (let c = 0; c < 28; c++) {
      const d = Math.hypot(r - 14, (c - 14) * 1.6);
      x[r * 28 + c] = Math.min(1, Math.max(0, (d > 5 && d < 9 ? 0.9 : 0) + noise[r * 28 + c]));
    }
  }
  return x;
}

const logit = async (e: InferenceEngine, id: string, x: Float32Array, t: number) => (await e.predict(id, x)).logits[t];
const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);

for (const [engineName, create] of ENGINES) {
  describe(engineName, () => {
    let engine: InferenceEngine;
    beforeAll(async () => {
      const tf = await tfCpu();
      engine = await create();
      await engine.load('mlp', await loadedFromTf(tf, tfMlp(tf, 7)));
      await engine.load('cnn', await loadedFromTf(tf, tfCnn(tf, 7)));
    });

    for (const id of MODEL_IDS) {
      it(`${id} gradient: signed ∂logit/∂x matches central differences (target 4)`, async () => {
        const x = digitLike(1);
        const { map, target, method } = await saliency(engine, id, x, { method: 'gradient', target: 4 });
        expect([method, target, map.length]).toEqual(['gradient', 4, 784]);
        expect(map.some((v) => v < 0) && map.some((v) => v > 0)).toBe(true); // signed, not |grad|
        const h = 1e-3;
        for (const i of [0, 203, 350, 406, 601]) {
          const fd = await centralDiff((v) => logit(engine, id, v, 4), x, i, h);
          expect(Math.abs(map[i] - fd)).toBeLessThan(2e-3 + 0.02 * Math.abs(fd));
        }
      });

      it(`${id} gradient-x-input: the product of gradient and input`, async () => {
        const x = digitLike(2);
        const g = await saliency(engine, id, x, { method: 'gradient', target: 1 });
        const gx = await saliency(engine, id, x, { method: 'gradient-x-input', target: 1 });
        expect(Array.from(gx.map)).toEqual(Array.from(g.map, (v, i) => Math.fround(v * x[i])));
      });

      it(`${id} integrated-gradients: Σ attributions ≈ logit(x) − logit(black), converging with steps`, async () => {
        const x = digitLike(3);
        const t = (await engine.predict(id, x)).probs.reduce((b, p, i, a) => (p > a[b] ? i : b), 0);
        const delta = (await logit(engine, id, x, t)) - (await logit(engine, id, new Float32Array(784), t));
        expect(Math.abs(delta)).toBeGreaterThan(0.05); // otherwise the relative error says nothing
        const err: Record<number, number> = {};
        for (const steps of [4, 16, 64, 256]) {
          const { map } = await saliency(engine, id, x, { method: 'integrated-gradients', target: t, steps });
          err[steps] = Math.abs(sum(map) - delta) / Math.abs(delta);
        }
        expect(err[64]).toBeLessThan(0.03);
        expect(err[256]).toBeLessThan(0.01);
        expect(err[256]).toBeLessThanOrEqual(err[4]);
        expect(err[64]).toBeLessThanOrEqual(err[4]);
      });

      it(`${id} smoothgrad: the mean gradient over seeded N(0, 0.15²) noise, reproducible`, async () => {
        const x = digitLike(4);
        const steps = 8;
        const a = await saliency(engine, id, x, { method: 'smoothgrad', target: 2, steps, seed: 9 });
        const b = await saliency(engine, id, x, { method: 'smoothgrad', target: 2, steps, seed: 9 });
        const c = await saliency(engine, id, x, { method: 'smoothgrad', target: 2, steps, seed: 10 });
        expect(Array.from(a.map)).toEqual(Array.from(b.map));
        expect(maxRelDiff(a.map, c.map)).toBeGreaterThan(1e-4);
        // The definition, one noisy sample at a time.
        const noise = gaussian(9);
        const mean = new Float32Array(784);
        for (let k = 0; k < steps; k++) {
          const xk = x.map((v) => v + 0.15 * noise());
          const { grads } = await engine.inputGradients(id, xk, 1, 2);
          grads.forEach((g, i) => (mean[i] += g / steps));
        }
        expect(maxRelDiff(a.map, mean)).toBeLessThan(1e-5);
        // σ = 0 is the plain gradient.
        const g = await saliency(engine, id, x, { method: 'gradient', target: 2 });
        const s0 = await saliency(engine, id, x, { method: 'smoothgrad', target: 2, steps: 3, sigma: 0 });
        expect(maxRelDiff(s0.map, g.map)).toBeLessThan(1e-6);
      });
    }

    it('refuses bad steps, methods and targets with clear messages', async () => {
      const x = digitLike(5);
      await expect(saliency(engine, 'mlp', x, { method: 'smoothgrad', target: 0, steps: 0 })).rejects.toThrow(/steps must be an integer from 1 to 256, not 0/);
      await expect(saliency(engine, 'mlp', x, { method: 'integrated-gradients', target: 0, steps: 1e6 })).rejects.toThrow(/steps/);
      await expect(saliency(engine, 'mlp', x, { method: 'occlusion' as never, target: 0 })).rejects.toThrow(/unknown method "occlusion"/);
      await expect(saliency(engine, 'mlp', x, { method: 'gradient', target: 12 })).rejects.toThrow(/12/);
    });
  });
}
