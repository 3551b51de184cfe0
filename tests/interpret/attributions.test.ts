// Every attribution method on the SHIPPED models with real MNIST test digits, on both engines (the SIMD engine and
// TensorFlow.js cpu), each checked against what it claims to compute: finite differences, completeness, direct
// evaluation of the occluded inputs, the noise SmoothGrad really adds, and the two engines against each other.
import { beforeAll, describe, expect, it } from 'vitest';
import { digit } from '../helpers/digits.ts';
import { ENGINES, MODELS, engineWithShipped, maxAbs, recording, shippedModel, sum } from '../helpers/attrib.ts';
import { mulberry32 } from '../../src/util/random.ts';
import type { InferenceEngine } from '../../src/engines/types.ts';
import { ATTRIBUTION_METHODS, attribute, type AttributionMethod } from '../../src/interpret/saliency.ts';
import { baseline, BASELINES } from '../../src/interpret/gradients.ts';
import { gaussianBlur } from '../../src/interpret/image.ts';
import type { HookPointName } from '../../src/interpret/hooks.ts';

/** Test digits used throughout (indices into the MNIST test set: a 2, a 0, a 4, a 9). */
const DIGITS = [1, 3, 4, 7];

const logitOf = async (e: InferenceEngine, id: string, x: Float32Array, t: number) => (await e.predict(id, x)).logits[t];
const predicted = async (e: InferenceEngine, id: string, x: Float32Array) => {
  const { logits } = await e.predict(id, x);
  return logits.indexOf(Math.max(...logits));
};

/** Logits of many inputs in one engine call (the gradient is discarded). */
async function logitsOf(e: InferenceEngine, id: string, batch: Float32Array, count: number, t: number): Promise<Float64Array> {
  const { logits } = await e.inputGradients(id, batch, count, t);
  return Float64Array.from({ length: count }, (_, b) => logits[b * 10 + t]);
}

/** Rows x − εe_i, x, x + εe_i for each pixel i in `pixels`. */
function probes(x: Float32Array, pixels: number[], eps: number): Float32Array {
  const batch = new Float32Array(784 * 3 * pixels.length);
  pixels.forEach((p, k) => {
    for (let s = 0; s < 3; s++) {
      batch.set(x, (3 * k + s) * 784);
      batch[(3 * k + s) * 784 + p] += (s - 1) * eps;
    }
  });
  return batch;
}

for (const [engineName, create] of ENGINES) {
  // TensorFlow.js cpu runs the CNN ~50× slower: it gets fewer digits and no finite differences (its maps are held
  // to the SIMD engine's below, within 1e-4).
  const simd = engineName === 'simd';
  const digits = simd ? DIGITS : DIGITS.slice(0, 1);
  describe(`attributions on the shipped models (${engineName})`, () => {
    let engine: InferenceEngine;
    beforeAll(async () => {
      engine = await engineWithShipped(create);
    });

    // Finite differences in float32. The logit (~10–20) carries a rounding error of a few 1e-6 (sums of 10⁵
    // products), so the central difference (f(x+ε) − f(x−ε)) / 2ε carries ~1e-6/ε of noise: ε must be large.
    // The MLP (tanh) is smooth: ε = 1e-2 leaves a truncation error ε²f‴/6 ≈ 1e-5, noise ≈ 1e-4; on a map whose
    // largest value is ~0.5 the tolerance 2e-3·max|g| + 1e-2·|fd| is 5× the measured worst error (4e-4·max|g|)
    // and 100× below what a wrong gradient makes (errors of the order of the map itself).
    it.runIf(simd)('mlp gradient: every pixel against central differences (ε = 1e-2)', async () => {
      const pixels = Array.from({ length: 784 }, (_, i) => i);
      for (const k of DIGITS.slice(0, 2)) {
        const x = digit(k);
        const t = await predicted(engine, 'mlp', x);
        const g = (await attribute(engine, 'mlp', x, { method: 'gradient', target: { class: t } })).map;
        const f = await logitsOf(engine, 'mlp', probes(x, pixels, 1e-2), 3 * 784, t);
        const scale = maxAbs(g);
        for (const i of pixels) {
          const fd = (f[3 * i + 2] - f[3 * i]) / 2e-2;
          expect(Math.abs(g[i] - fd), `pixel ${i}`).toBeLessThan(2e-3 * scale + 1e-2 * Math.abs(fd));
        }
      }
    });

    // The CNN is piecewise linear (relu, max-pool), and at an MNIST digit it is not differentiable almost anywhere
    // in the strict sense: blank background gives every pooling window four equal values and some channels an
    // exactly-zero pre-activation, so a one-pixel step breaks a tie and the two one-sided slopes differ (which
    // subgradient we return there is a convention: tested against PyTorch in pytorch.test.ts). So the digit gets
    // a uniform ±0.05 jitter (no ties, no exact zeros: differentiable) and ε = 3e-4, small enough that few
    // kinks fall within ±ε (noise ≈ 2e-6/6e-4 ≈ 3e-3 absolute, ~1.5e-3 of max|g| ≈ 2). Where a kink does fall
    // within ±ε the central difference mixes two slopes, so the bar is statistical: ≥ 90 % of the probed pixels
    // within 1e-2·max|g| (measured 93–99 %) and the median within 4e-3·max|g| (measured 2e-3). A wrong gradient misses both by
    // far (a wrong routing or mask moves whole receptive fields by the order of the map).
    it.runIf(simd)('cnn gradient: central differences on a jittered digit (ε = 3e-4)', async () => {
      for (const k of DIGITS.slice(0, 2)) {
        const u = mulberry32(k + 1);
        const x = digit(k).map((v) => Math.min(1, Math.max(0, v + 0.1 * (u() - 0.5))));
        const t = await predicted(engine, 'cnn', x);
        const g = (await attribute(engine, 'cnn', x, { method: 'gradient', target: { class: t } })).map;
        // Every inked pixel and every third of the others (TF.js cpu is slow on thousands of CNN inputs).
        const pixels = Array.from({ length: 784 }, (_, i) => i).filter((i) => digit(k)[i] > 0 || i % 3 === 0);
        const eps = 3e-4;
        const f = await logitsOf(engine, 'cnn', probes(x, pixels, eps), 3 * pixels.length, t);
        const scale = maxAbs(g);
        const errs = pixels.map((p, j) => Math.abs(g[p] - (f[3 * j + 2] - f[3 * j]) / (2 * eps)) / scale).sort((a, b) => a - b);
        expect(errs.filter((e) => e < 1e-2).length / errs.length).toBeGreaterThan(0.9);
        expect(errs[errs.length >> 1]).toBeLessThan(4e-3);
      }
    });

    for (const id of MODELS) {
      it(`${id} gradient × input is the product, signed`, async () => {
        const x = digit(DIGITS[0]);
        const g = await attribute(engine, id, x, { method: 'gradient', target: { class: 2 } });
        const gx = await attribute(engine, id, x, { method: 'gradient-x-input', target: { class: 2 } });
        expect(Array.from(gx.map)).toEqual(Array.from(g.map, (v, i) => Math.fround(v * x[i])));
        expect(gx.score).toBeCloseTo(await logitOf(engine, id, x, 2), 4);
        expect(g.map.some((v) => v < 0) && g.map.some((v) => v > 0)).toBe(true);
      });

      for (const base of BASELINES) {
        // Completeness (Sundararajan et al. 2017): Σᵢ IGᵢ = f(x) − f(x′); the midpoint rule's error at 64 steps is
        // measured at ≤ 0.8 % on the shipped CNN (kinks make it O(1/steps), not O(1/steps²)), 0.2 % on the MLP.
        it(`${id} integrated gradients, ${base} baseline: complete within 1 % at 64 steps`, async () => {
          for (const k of digits) {
            const x = digit(k);
            const t = await predicted(engine, id, x);
            const r = await attribute(engine, id, x, { method: 'integrated-gradients', target: { class: t }, steps: 64, baseline: base });
            const x0 = baseline(base, x, 1);
            const fx = await logitOf(engine, id, x, t);
            const f0 = await logitOf(engine, id, x0, t);
            expect(r.score).toBeCloseTo(fx, 4);
            expect(r.baselineScore).toBeCloseTo(f0, 4);
            expect(Math.abs(f0 - fx)).toBeGreaterThan(1); // else the relative error says nothing
            expect(Math.abs(sum(r.map) - (fx - f0)) / Math.abs(fx - f0), `digit ${k}`).toBeLessThan(0.01);
          }
        });
      }

      it(`${id} occlusion equals the score drop of each occluded input evaluated on its own, in one engine call`, async () => {
        const x = digit(DIGITS[2]);
        const t = await predicted(engine, id, x);
        const { engine: spy, calls } = recording(engine);
        // 4×4 squares every 2 px: 13 × 13 placements + the input in one call (7×7 every 7 on the slow engine: 16 + 1).
        const [patch, stride] = simd ? [4, 2] : [7, 7];
        const r = await attribute(spy, id, x, { method: 'occlusion', target: { class: t }, patch, stride });
        expect(calls.length).toBe(1);
        expect((calls[0].args as [string, Float32Array, number])[2]).toBe(simd ? 170 : 17);
        // The definition, written out again: every square blacked out, one predict each.
        const fx = await logitOf(engine, id, x, t);
        const sums = new Float64Array(784);
        const hits = new Float64Array(784);
        for (let top = 0; top <= 28 - patch; top += stride) {
          for (let left = 0; left <= 28 - patch; left += stride) {
            const xo = x.slice();
            for (let y = top; y < top + patch; y++) for (let c = left; c < left + patch; c++) xo[y * 28 + c] = 0;
            const drop = fx - (await logitOf(engine, id, xo, t));
            for (let y = top; y < top + patch; y++) {
              for (let c = left; c < left + patch; c++) {
                sums[y * 28 + c] += drop;
                hits[y * 28 + c]++;
              }
            }
          }
        }
        const want = Float64Array.from(sums, (s, i) => s / hits[i]);
        const scale = maxAbs(want);
        expect(scale).toBeGreaterThan(0.5);
        for (let i = 0; i < 784; i++) expect(Math.abs(r.map[i] - want[i]), `pixel ${i}`).toBeLessThan(1e-5 * Math.max(1, scale));
        expect(r.score).toBeCloseTo(fx, 4);
      });

      it(`${id} occlusion with a stride that does not divide the image still covers every pixel`, async () => {
        const x = digit(DIGITS[3]);
        const r = await attribute(engine, id, x, { method: 'occlusion', target: { class: 9 }, patch: 5, stride: 4 });
        // Corners 0, 4, …, 20 and 23 (flush with the edge): the last column and row are covered too.
        const xo = x.slice();
        for (let y = 23; y < 28; y++) for (let c = 23; c < 28; c++) xo[y * 28 + c] = 0;
        const drop = (await logitOf(engine, id, x, 9)) - (await logitOf(engine, id, xo, 9));
        expect(r.map[27 * 28 + 27]).toBeCloseTo(drop, 4);
      });
    }

    // SmoothGrad's noise, taken from the inputs the engine really received (minus x): it must be N(0, σ²)
    // per pixel. n = 64 samples × 784 pixels = 50 176 draws: the standard errors are σ/√n for the mean
    // (0.0045σ), σ/√(2n) for the std (0.3 %), √(24/n) = 0.022 for the kurtosis; the bounds are ~4 standard
    // errors, and the Kolmogorov–Smirnov distance to the N(0, σ²) CDF must stay under its 1 % critical value
    // 1.63/√n = 0.0073. A uniform, a wrong σ or a variance-stabilised mix fails these by far.
    for (const sigma of simd ? [0.05, 0.15, 0.4] : [0.15]) {
      it(`smoothgrad σ = ${sigma}: the noise added is Gaussian with that σ, and the map is the mean gradient`, async () => {
        const x = digit(DIGITS[1]);
        const { engine: spy, calls } = recording(engine);
        const samples = 64;
        const model = simd ? 'cnn' : 'mlp'; // the noise does not depend on the model; TF.js cpu is slow on the CNN
        const r = await attribute(spy, model, x, { method: 'smoothgrad', target: { class: 0 }, samples, sigma, seed: 5 });
        expect(calls.length).toBe(1);
        const [, batch, count] = calls[0].args as [string, Float32Array, number];
        expect(count).toBe(samples + 1);
        const noise = Float64Array.from({ length: samples * 784 }, (_, j) => batch[j] - x[j % 784]);
        const n = noise.length;
        const mean = sum(noise) / n;
        const m2 = noise.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
        const m4 = noise.reduce((s, v) => s + (v - mean) ** 4, 0) / n;
        expect(Math.abs(mean)).toBeLessThan(0.02 * sigma);
        expect(Math.abs(Math.sqrt(m2) / sigma - 1)).toBeLessThan(0.012);
        expect(Math.abs(m4 / (m2 * m2) - 3)).toBeLessThan(0.1);
        expect(ks(noise, sigma)).toBeLessThan(1.63 / Math.sqrt(n));
        // The row after the samples is x itself (its score).
        expect(Array.from(batch.subarray(samples * 784))).toEqual(Array.from(x));
        // The map: the mean of the gradients at exactly those inputs.
        const { grads } = await engine.inputGradients(model, batch.slice(0, samples * 784), samples, 0);
        const mean2 = new Float64Array(784);
        for (let j = 0; j < grads.length; j++) mean2[j % 784] += grads[j] / samples;
        expect(maxAbs(r.map.map((v, i) => v - mean2[i]))).toBeLessThan(1e-5 * maxAbs(mean2));
      });
    }

    it('smoothgrad: the same seed gives the same map, another seed another map; σ = 0 is the gradient', async () => {
      const x = digit(DIGITS[0]);
      const opts = { method: 'smoothgrad', target: { class: 2 }, samples: 16, sigma: 0.15 } as const;
      const a = await attribute(engine, 'mlp', x, { ...opts, seed: 3 });
      const b = await attribute(engine, 'mlp', x, { ...opts, seed: 3 });
      const c = await attribute(engine, 'mlp', x, { ...opts, seed: 4 });
      expect(Array.from(a.map)).toEqual(Array.from(b.map));
      expect(maxAbs(a.map.map((v, i) => v - c.map[i]))).toBeGreaterThan(1e-3 * maxAbs(a.map));
      const g = await attribute(engine, 'mlp', x, { method: 'gradient', target: { class: 2 } });
      const s0 = await attribute(engine, 'mlp', x, { ...opts, sigma: 0 });
      expect(maxAbs(s0.map.map((v, i) => v - g.map[i]))).toBeLessThan(1e-6 * maxAbs(g.map));
    });

    // Grad-CAM, written out from its definition on the engine's own cache (activations and gradients at the
    // layer), with the upsampling done here independently: sample the h×w map at ((Y + ½)·h/28 − ½, …).
    for (const layer of ['conv1', 'conv2', 'conv2.pre']) {
      it(`cnn grad-cam at ${layer}: ReLU(Σ_k mean(∂f/∂A_k) A_k), bilinearly upsampled, from runWithCache`, async () => {
        const x = digit(DIGITS[2]);
        for (const objective of [{ class: 4 }, { layer: 'hidden', unit: 3 }]) {
          const r = await attribute(engine, 'cnn', x, { method: 'grad-cam', target: objective, layer });
          const name = (layer.includes('.') ? layer : `${layer}.out`) as HookPointName;
          const cache = await engine.runWithCache('cnn', x, 1, { names: [name], grads: { objective } });
          const [h, w, c] = engine.hookPoints('cnn').find((p) => p.name === name)!.shape;
          const A = cache.acts[name]!, G = cache.grads![name]!;
          const cam = (yy: number, xx: number) => {
            let s = 0;
            for (let k = 0; k < c; k++) {
              let alpha = 0;
              for (let p = 0; p < h * w; p++) alpha += G[p * c + k] / (h * w);
              s += alpha * A[(yy * w + xx) * c + k];
            }
            return Math.max(0, s);
          };
          const at = (i: number, n: number) => Math.min(n - 1, Math.max(0, ((i + 0.5) * n) / 28 - 0.5));
          const want = new Float64Array(784);
          for (let Y = 0; Y < 28; Y++) {
            for (let X = 0; X < 28; X++) {
              const sy = at(Y, h), sx = at(X, w);
              const y0 = Math.floor(sy), x0 = Math.floor(sx), y1 = Math.min(h - 1, y0 + 1), x1 = Math.min(w - 1, x0 + 1);
              const fy = sy - y0, fx = sx - x0;
              want[Y * 28 + X] = (1 - fy) * ((1 - fx) * cam(y0, x0) + fx * cam(y0, x1)) + fy * ((1 - fx) * cam(y1, x0) + fx * cam(y1, x1));
            }
          }
          const scale = maxAbs(want);
          expect(scale).toBeGreaterThan(0);
          expect(r.map.every((v) => v >= 0)).toBe(true);
          for (let i = 0; i < 784; i++) expect(Math.abs(r.map[i] - want[i]), `pixel ${i}`).toBeLessThan(1e-5 * scale);
          expect(r.score).toBeCloseTo(cache.objective![0], 5);
        }
      });
    }

    // Hidden targets: the same methods for a unit or a channel, through the hooks core's gradients.
    it('hidden targets: gradient = the hooks core\'s input gradient; IG complete within 1 %; occlusion = direct drops', async () => {
      const x = digit(DIGITS[0]);
      const cases = [
        ['mlp', { layer: 'hidden1.pre', unit: 17 }],
        ['cnn', { layer: 'conv2', channel: 5 }],
        ['cnn', { layer: 'hidden.pre', unit: 40 }],
      ] as const;
      for (const [id, objective] of simd ? cases : cases.slice(0, 2)) {
        const input = `${id === 'mlp' ? 'flatten' : 'conv1'}.in` as const;
        const cache = await engine.runWithCache(id, x, 1, { names: [input], grads: { objective } });
        const g = await attribute(engine, id, x, { method: 'gradient', target: objective });
        expect(maxAbs(cache.grads![input]!)).toBeGreaterThan(0);
        expect(Array.from(g.map)).toEqual(Array.from(cache.grads![input]!));
        expect(g.score).toBeCloseTo(cache.objective![0], 5);
        const ig = await attribute(engine, id, x, { method: 'integrated-gradients', target: objective, steps: 64 });
        const delta = ig.score - ig.baselineScore!;
        expect(Math.abs(delta)).toBeGreaterThan(0.1);
        expect(Math.abs(sum(ig.map) - delta) / Math.abs(delta), `${JSON.stringify(objective)}`).toBeLessThan(0.01);
        const occ = await attribute(engine, id, x, { method: 'occlusion', target: objective, patch: 14, stride: 14 });
        const xo = x.slice();
        for (let y = 0; y < 14; y++) xo.fill(0, y * 28, y * 28 + 14);
        const blocked = await engine.runWithCache(id, xo, 1, { names: [input], grads: { objective } });
        expect(occ.map[0]).toBeCloseTo(cache.objective![0] - blocked.objective![0], 4);
      }
    });

    it('under interventions: the gradient with hidden1 units zeroed = the gradient of a model with their outgoing weights zeroed', async () => {
      const m = await shippedModel('mlp');
      const units = [1, 2, 3, 50];
      const { kernel, bias } = m.params.get('hidden2')!;
      const k = kernel.slice();
      const cols = bias!.length;
      for (const u of units) k.fill(0, u * cols, (u + 1) * cols);
      await engine.load('mlp-cut', { spec: m.spec, params: new Map(m.params).set('hidden2', { kernel: k, bias }) });
      const x = digit(DIGITS[1]);
      for (const method of ['gradient', 'integrated-gradients'] as const) {
        const hooked = await attribute(engine, 'mlp', x, { method, target: { class: 0 }, hooks: [{ at: 'hidden1.out', units, mode: 'zero' }] });
        const cut = await attribute(engine, 'mlp-cut', x, { method, target: { class: 0 } });
        const plain = await attribute(engine, 'mlp', x, { method, target: { class: 0 } });
        expect(maxAbs(hooked.map.map((v, i) => v - cut.map[i]))).toBeLessThan(1e-5 * maxAbs(cut.map));
        expect(maxAbs(plain.map.map((v, i) => v - cut.map[i]))).toBeGreaterThan(1e-2 * maxAbs(cut.map));
        expect(hooked.score).toBeCloseTo(cut.score, 4);
      }
    });

    it('refuses bad options with clear messages', async () => {
      const x = digit(0);
      const t = { class: 1 };
      await expect(attribute(engine, 'mlp', x, { method: 'smoothgrad', target: t, samples: 0 })).rejects.toThrow(/samples must be an integer from 1 to 256, not 0/);
      await expect(attribute(engine, 'mlp', x, { method: 'smoothgrad', target: t, sigma: -1 })).rejects.toThrow(/sigma must be a number from 0 to 1/);
      await expect(attribute(engine, 'mlp', x, { method: 'integrated-gradients', target: t, baseline: 'grey' as never })).rejects.toThrow(/baseline must be one of black, blur, noise/);
      await expect(attribute(engine, 'mlp', x, { method: 'occlusion', target: t, patch: 40 })).rejects.toThrow(/patch must be an integer from 1 to 28/);
      await expect(attribute(engine, 'mlp', x, { method: 'lime' as never, target: t })).rejects.toThrow(/unknown method "lime"/);
      await expect(attribute(engine, 'mlp', x, { method: 'gradient', target: { class: 10 } })).rejects.toThrow(/10/);
    });
  });
}

describe('both engines give the same maps', () => {
  const methods = (id: string): AttributionMethod[] => ATTRIBUTION_METHODS.filter((m) => id === 'cnn' || m !== 'grad-cam');
  let engines: InferenceEngine[];
  beforeAll(async () => {
    engines = await Promise.all(ENGINES.map(([, create]) => engineWithShipped(create)));
  });
  for (const id of MODELS) {
    for (const method of methods(id)) {
      it(`${id} ${method}: SIMD and TensorFlow.js within 1e-4 of the map's scale`, async () => {
        const x = digit(DIGITS[3]);
        const opts = { method, target: { class: 9 }, steps: 16, samples: 16, patch: 6, stride: 4 };
        const [a, b] = await Promise.all(engines.map((e) => attribute(e, id, x, opts)));
        const scale = maxAbs(b.map);
        expect(scale).toBeGreaterThan(0);
        for (let i = 0; i < 784; i++) expect(Math.abs(a.map[i] - b.map[i]), `pixel ${i}`).toBeLessThan(1e-4 * scale);
        expect(a.score).toBeCloseTo(b.score, 4);
      });
    }
  }
  for (const method of ['gradient', 'integrated-gradients', 'occlusion', 'grad-cam'] as const) {
    it(`cnn ${method} of hidden unit 9: SIMD and TensorFlow.js within 1e-4 of the map's scale`, async () => {
      const x = digit(DIGITS[0]);
      const opts = { method, target: { layer: 'hidden.pre', unit: 9 }, steps: 16 };
      const [a, b] = await Promise.all(engines.map((e) => attribute(e, 'cnn', x, opts)));
      const scale = maxAbs(b.map);
      expect(scale).toBeGreaterThan(0);
      for (let i = 0; i < 784; i++) expect(Math.abs(a.map[i] - b.map[i]), `pixel ${i}`).toBeLessThan(1e-4 * scale);
    });
  }
});

describe('image helpers', () => {
  it('the blur baseline keeps the ink (normalised kernel) away from the border and spreads a stroke', () => {
    const x = new Float32Array(784);
    x[14 * 28 + 14] = 1;
    const b = gaussianBlur(x, 28, 28, 4);
    expect(sum(b)).toBeCloseTo(1, 5);
    expect(b[14 * 28 + 14]).toBeCloseTo(1 / (2 * Math.PI * 16), 3); // the 2-D Gaussian's peak
    expect(b[14 * 28 + 18] / b[14 * 28 + 14]).toBeCloseTo(Math.exp(-0.5), 3); // one σ away
  });
});

/** Kolmogorov–Smirnov distance between the sample and N(0, σ²). */
function ks(sample: Float64Array, sigma: number): number {
  const s = Float64Array.from(sample).sort();
  let d = 0;
  for (let i = 0; i < s.length; i++) {
    const F = 0.5 * (1 + erf(s[i] / (sigma * Math.SQRT2)));
    d = Math.max(d, Math.abs(F - i / s.length), Math.abs(F - (i + 1) / s.length));
  }
  return d;
}

/** erf by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7, far below the KS bound). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}
