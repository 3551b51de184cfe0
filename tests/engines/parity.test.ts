// The engines side by side on the same models and inputs: the SIMD engine, TensorFlow.js cpu (the reference) and
// TensorFlow.js wasm. Probabilities within 1e-4, every layer's output and pre-activation close, input gradients
// and every saliency method close.
import { beforeAll, describe, expect, it } from 'vitest';
import { tfCpu } from '../helpers/tf.ts';
import { loadedFromTf, tfCnn, tfMlp } from '../helpers/models.ts';
import { maxRelDiff, randomArray } from '../helpers/random.ts';
import { TfjsEngine } from '../../src/engines/tfjs.ts';
import { createSimdEngineNode } from '../../src/engines/simd-node.ts';
import type { InferenceEngine } from '../../src/engines/types.ts';
import type { LoadedModel } from '../../src/model/spec.ts';
import { cnnSpec, initModel, mlpSpec } from '../../src/train/architectures.ts';
import { SALIENCY_METHODS, saliency } from '../../src/interpret/saliency.ts';

/** Inputs of several kinds: uniform noise, all black, all white, sparse strokes. */
function inputs(): [string, Float32Array][] {
  const noise = randomArray(784, 5, 0.5).map((v) => v + 0.5);
  const strokes = randomArray(784, 6).map((v) => (v > 0.7 ? 1 : 0));
  return [
    ['noise', noise],
    ['black', new Float32Array(784)],
    ['white', new Float32Array(784).fill(1)],
    ['strokes', strokes],
  ];
}

const tfModel = (make: (tf: any) => any) => async () => loadedFromTf(await tfCpu(), make(await tfCpu()));
const MODELS: [string, string, () => Promise<LoadedModel>][] = [
  ['mlp 784→32 tanh→16 tanh→10 softmax', 'mlp', tfModel((tf) => tfMlp(tf, 11))],
  ['cnn conv3×3×4 relu, pool, conv3×3×8 relu, pool, dense 10, softmax layer', 'cnn', tfModel((tf) => tfCnn(tf, 13))],
  // The shipped architectures (src/train/architectures.ts), seeded.
  ['shipped mlp 784→128 tanh→64 tanh→10 softmax', 'mlp-shipped', async () => initModel(mlpSpec(), 12)],
  ['shipped cnn conv16, pool, conv32, pool, dense 128 relu, dense 10 softmax', 'cnn-shipped', async () => initModel(cnnSpec(), 14)],
];

describe('engine parity: simd vs tfjs-cpu vs tfjs-wasm', () => {
  let engines: [string, InferenceEngine][];
  beforeAll(async () => {
    engines = [
      ['tfjs-cpu', await TfjsEngine.create({ backend: 'cpu' })],
      ['simd', await createSimdEngineNode()],
      ['tfjs-wasm', await TfjsEngine.create({ backend: 'wasm' })],
    ];
    for (const [, id, load] of MODELS) {
      const loaded = await load();
      for (const [, e] of engines) await e.load(id, loaded);
    }
  });

  for (const [name, id] of MODELS) {
    for (const [inputName, x] of inputs()) {
      it(`${name}, input ${inputName}: probs, logits and every layer`, async () => {
        const [ref, ...others] = await Promise.all(engines.map(([, e]) => e.predict(id, x, { activations: true })));
        for (const [k, p] of others.entries()) {
          const who = engines[k + 1][0];
          expect(p.layers!.map((l) => [l.name, l.kind, l.shape])).toEqual(ref.layers!.map((l) => [l.name, l.kind, l.shape]));
          p.layers!.forEach((l, i) => {
            expect(maxRelDiff(l.out, ref.layers![i].out), `${who} ${l.name} out`).toBeLessThan(1e-4);
            expect(!!l.pre, `${who} ${l.name} has pre`).toBe(!!ref.layers![i].pre);
            if (l.pre) expect(maxRelDiff(l.pre, ref.layers![i].pre!), `${who} ${l.name} pre`).toBeLessThan(1e-4);
          });
          expect(maxRelDiff(p.probs, ref.probs), `${who} probs`).toBeLessThan(1e-4);
          expect(maxRelDiff(p.logits, ref.logits), `${who} logits`).toBeLessThan(1e-4);
        }
      });
    }

    // Max pooling over equal values (black or white areas) has many valid gradients: the SIMD engine and tfjs-cpu
    // route it to the first maximum (row-major), tfjs-wasm (XNNPACK) elsewhere. So all three are compared on inputs
    // without ties, and the SIMD engine against tfjs-cpu on inputs with ties too.
    it(`${name}: input gradients of classes 0, 3, 9, batch 5 (no ties: all engines; ties: simd vs cpu)`, async () => {
      const untied = new Float32Array(784 * 5);
      for (let b = 0; b < 5; b++) untied.set(randomArray(784, 20 + b, 0.5).map((v) => v + 0.5), b * 784);
      const tied = new Float32Array(784 * 4);
      inputs().forEach(([, x], i) => tied.set(x, i * 784));
      for (const [xs, count, who] of [[untied, 5, engines], [tied, 4, engines.slice(0, 2)]] as const) {
        for (const target of [0, 3, 9]) {
          const [ref, ...others] = await Promise.all(who.map(([, e]) => e.inputGradients(id, xs, count, target)));
          // Relative to the largest magnitude: tiny entries carry float32 rounding only.
          const scale = Math.max(...ref.grads.map(Math.abs), 1e-6);
          for (const [k, g] of others.entries()) {
            const name = `${who[k + 1][0]} target ${target}`;
            expect(maxRelDiff(g.logits, ref.logits), `${name} logits`).toBeLessThan(1e-4);
            expect(maxRelDiff(g.grads.map((v) => v / scale), ref.grads.map((v) => v / scale)), `${name} grads`).toBeLessThan(1e-4);
          }
        }
      }
    });

    it(`${name}: every saliency method (steps 16) on strokes with a little noise`, async () => {
      const x = inputs()[3][1].map((v, i) => 0.9 * v + 0.05 + 0.04 * Math.sin(i * 12.9898));
      for (const method of SALIENCY_METHODS) {
        const maps = await Promise.all(engines.map(([, e]) => saliency(e, id, x, { method, target: 2, steps: 16 })));
        const scale = Math.max(...maps[0].map.map(Math.abs), 1e-6);
        for (const [k, m] of maps.slice(1).entries()) {
          const rel = maxRelDiff(m.map.map((v) => v / scale), maps[0].map.map((v) => v / scale));
          expect(rel, `${engines[k + 1][0]} ${method}`).toBeLessThan(1e-4);
        }
      }
    });
  }
});
