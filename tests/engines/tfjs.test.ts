// TfjsEngine against the plain TensorFlow.js model it was loaded from: same probabilities, logits that are the
// last layer's pre-softmax, every layer's output, and input gradients against finite differences.
import { describe, expect, it } from 'vitest';
import { tfCpu } from '../helpers/tf.ts';
import { loadedFromTf, tfCnn, tfMlp } from '../helpers/models.ts';
import { maxRelDiff, randomArray } from '../helpers/random.ts';
import { TfjsEngine, type TfjsBackend } from '../../src/engines/tfjs.ts';
import { centralDiff } from '../helpers/grad.ts';

const image = (seed: number, n = 1) => randomArray(784 * n, seed, 0.5).map((v) => v + 0.5);

for (const backend of ['cpu', 'wasm'] as TfjsBackend[]) {
  describe(`tfjs-${backend}`, () => {
    for (const [name, make] of [['mlp', tfMlp], ['cnn', tfCnn]] as const) {
      it(`${name}: probs, logits and every layer match TensorFlow.js`, async () => {
        const tf = await tfCpu();
        const ref = make(tf, 3);
        const engine = await TfjsEngine.create({ backend });
        expect(engine.kind).toBe(`tfjs-${backend}`);
        await engine.load(name, await loadedFromTf(tf, ref));
        const x = image(11);
        await tf.setBackend('cpu');
        const refOuts = tf.tidy(() => {
          const all = tf.model({ inputs: ref.inputs, outputs: ref.layers.map((l) => l.output as any) });
          return (all.predict(tf.tensor(x, [1, 28, 28, 1])) as any[]).map((t) => t.dataSync() as Float32Array);
        });
        const plain = await engine.predict(name, x);
        const full = await engine.predict(name, x, { activations: true });
        const refProbs = refOuts[refOuts.length - 1];
        expect(maxRelDiff(plain.probs, refProbs)).toBeLessThan(1e-5);
        expect(maxRelDiff(full.probs, refProbs)).toBeLessThan(1e-5);
        expect(maxRelDiff(full.logits, plain.logits)).toBeLessThan(1e-5);
        // softmax(logits) = probs, and logits are not probabilities (they are the pre-activation).
        const e = Array.from(plain.logits, Math.exp);
        const s = e.reduce((a, b) => a + b, 0);
        expect(maxRelDiff(e.map((v) => v / s), refProbs)).toBeLessThan(1e-5);
        expect(full.layers!.map((l) => l.name)).toEqual(ref.layers.map((l) => l.name));
        full.layers!.forEach((l, i) => {
          expect(l.shape).toEqual((ref.layers[i].outputShape as number[]).slice(1));
          expect(maxRelDiff(l.out, refOuts[i])).toBeLessThan(1e-5);
          expect(l.out.length).toBe(l.shape.reduce((a, b) => a * b, 1));
        });
        // Pre-activations exist exactly for Dense/Conv2D with a non-linear activation, and map through it.
        for (const l of full.layers!) {
          const nonlinear = (l.kind === 'Dense' || l.kind === 'Conv2D') && l.activation !== 'linear';
          expect(l.pre !== undefined).toBe(nonlinear);
          if (l.pre && l.activation === 'relu') expect(maxRelDiff(l.out, l.pre.map((v) => Math.max(0, v)))).toBe(0);
          if (l.pre && l.activation === 'tanh') expect(maxRelDiff(l.out, l.pre.map(Math.tanh))).toBeLessThan(1e-5);
        }
        engine.dispose();
      });

      it(`${name}: input gradients of logit[3], batch 3, match central differences`, async () => {
        const tf = await tfCpu();
        const engine = await TfjsEngine.create({ backend });
        await engine.load(name, await loadedFromTf(tf, make(tf, 5)));
        const xs = image(21, 3);
        const { grads, logits } = await engine.inputGradients(name, xs, 3, 3);
        expect(grads.length).toBe(3 * 784);
        expect(logits.length).toBe(30);
        const h = 1e-3;
        for (const b of [0, 2]) {
          const x = xs.slice(b * 784, (b + 1) * 784);
          expect(maxRelDiff(logits.subarray(b * 10, b * 10 + 10), (await engine.predict(name, x)).logits)).toBeLessThan(1e-5);
          for (const i of [100, 406, 407, 600]) {
            const fd = await centralDiff(async (v) => (await engine.predict(name, v)).logits[3], x, i, h);
            expect(Math.abs(grads[b * 784 + i] - fd)).toBeLessThan(2e-3 + 0.02 * Math.abs(fd));
          }
        }
        engine.dispose();
      });
    }

    it('refuses a wrong input size, an unknown model and a bad target with clear messages', async () => {
      const tf = await tfCpu();
      const engine = await TfjsEngine.create({ backend });
      await engine.load('m', await loadedFromTf(tf, tfMlp(tf)));
      await expect(engine.predict('m', new Float32Array(783))).rejects.toThrow(/takes 1 × 784 floats, got 783/);
      await expect(engine.predict('nope', new Float32Array(784))).rejects.toThrow(/"nope" is not loaded/);
      await expect(engine.inputGradients('m', new Float32Array(784), 1, 10)).rejects.toThrow(/target 10 is not a class/);
      await expect(engine.inputGradients('m', new Float32Array(784), 2, 0)).rejects.toThrow(/takes 2 × 784/);
      engine.dispose();
    });
  });
}

describe('tfjs-webgl', () => {
  it('cannot start in Node and says so', async () => {
    await expect(TfjsEngine.create({ backend: 'webgl' })).rejects.toThrow(/webgl backend cannot start/);
  });
});

describe('tfjs memory', () => {
  it('cpu: loading, replacing and disposing models frees every tensor', async () => {
    const tf = await tfCpu();
    const engine = await TfjsEngine.create({ backend: 'cpu' });
    const before = tf.memory().numTensors;
    const loaded = await loadedFromTf(tf, tfCnn(tf, 2));
    const afterBuild = tf.memory().numTensors;
    await engine.load('a', loaded);
    await engine.load('a', loaded);
    await engine.load('b', loaded);
    await engine.predict('a', image(1), { activations: true });
    await engine.inputGradients('b', image(2, 4), 4, 1);
    expect(tf.memory().numTensors).toBeGreaterThan(afterBuild);
    engine.dispose();
    expect(tf.memory().numTensors).toBe(afterBuild);
    expect(afterBuild).toBeGreaterThanOrEqual(before);
  });
});
