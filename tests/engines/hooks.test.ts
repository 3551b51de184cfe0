// Hook points, runWithCache and runWithHooks on the shipped models (extension/models/mlp and cnn) and real MNIST
// test digits, on the SIMD engine and TensorFlow.js cpu: the same numbers on both, ablation equal to a model file
// with the unit's outgoing weights zeroed, patching, mean-ablation with the shipped means, gradients at hook points
// against central differences, hooks that do not outlive their call, and clear errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadModelFromDir } from '../../src/model/format-node.ts';
import { loadMeansFromDir } from '../../src/interpret/means-node.ts';
import { TfjsEngine } from '../../src/engines/tfjs.ts';
import { createSimdEngineNode } from '../../src/engines/simd-node.ts';
import type { InferenceEngine } from '../../src/engines/types.ts';
import type { LoadedModel } from '../../src/model/spec.ts';
import type { HookMeans, HookPointName, HookRun, Intervention, Objective } from '../../src/interpret/hooks.ts';
import { mnistTest } from '../helpers/digits.ts';
import { maxRelDiff } from '../helpers/random.ts';
import { tfCpu } from '../helpers/tf.ts';
import { loadedFromTf, tfCnn } from '../helpers/models.ts';

const dir = (id: string) => fileURLToPath(new URL(`../../extension/models/${id}/`, import.meta.url));
const IDS = ['mlp', 'cnn'] as const;

/** count test digits from `first`, and their labels. */
function digits(first: number, count: number): { x: Float32Array; labels: number[] } {
  const t = mnistTest();
  return { x: t.images.slice(first * 784, (first + count) * 784), labels: Array.from(t.labels.subarray(first, first + count)) };
}

/** Largest difference relative to the reference's largest magnitude (gradients have no natural scale of 1). */
function relToScale(a: Float32Array, ref: Float32Array): number {
  const scale = Math.max(maxAbs(ref), 1e-6);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - ref[i]) / scale);
  return m;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

const models = new Map<string, { model: LoadedModel; means: HookMeans }>();
let simd: InferenceEngine;
let tfjs: InferenceEngine;
const engines = (): [string, InferenceEngine][] => [['simd', simd], ['tfjs-cpu', tfjs]];

beforeAll(async () => {
  simd = await createSimdEngineNode();
  tfjs = await TfjsEngine.create({ backend: 'cpu' });
  for (const id of IDS) {
    const model = await loadModelFromDir(dir(id));
    const means = await loadMeansFromDir(dir(id), model.spec);
    if (!means) throw new Error(`extension/models/${id}/means.bin is missing: run npm run means`);
    models.set(id, { model, means });
    for (const [, e] of engines()) await e.load(id, model, { means });
  }
});

describe('hook points', () => {
  it('mlp and cnn: every layer has .in and .out, .pre only where the activation is not linear; shapes without batch', () => {
    for (const [, e] of engines()) {
      expect(e.hookPoints('mlp').map((p) => `${p.name} ${p.shape}`)).toEqual([
        'flatten.in 28,28,1', 'flatten.out 784',
        'hidden1.in 784', 'hidden1.pre 128', 'hidden1.out 128',
        'hidden2.in 128', 'hidden2.pre 64', 'hidden2.out 64',
        'output.in 64', 'output.pre 10', 'output.out 10',
      ]);
      expect(e.hookPoints('cnn').map((p) => `${p.name} ${p.shape}`)).toEqual([
        'conv1.in 28,28,1', 'conv1.pre 28,28,16', 'conv1.out 28,28,16',
        'pool1.in 28,28,16', 'pool1.out 14,14,16',
        'conv2.in 14,14,16', 'conv2.pre 14,14,32', 'conv2.out 14,14,32',
        'pool2.in 14,14,32', 'pool2.out 7,7,32',
        'flatten.in 7,7,32', 'flatten.out 1568',
        'hidden.in 1568', 'hidden.pre 128', 'hidden.out 128',
        'output.in 128', 'output.pre 10', 'output.out 10',
      ]);
    }
  });

  it('the cache agrees with predict(): .pre/.out are the layer outputs, .in is the previous .out, output.pre the logits', async () => {
    const { x } = digits(0, 1);
    for (const [who, e] of engines()) {
      for (const id of IDS) {
        const p = await e.predict(id, x, { activations: true });
        const c = await e.runWithCache(id, x, 1);
        for (const [k, l] of p.layers!.entries()) {
          expect(maxRelDiff(c.acts[`${l.name}.out`]!, l.out), `${who} ${id} ${l.name}.out`).toBeLessThan(1e-6);
          if (l.pre) expect(maxRelDiff(c.acts[`${l.name}.pre`]!, l.pre), `${who} ${id} ${l.name}.pre`).toBeLessThan(1e-6);
          const prev = k === 0 ? x : p.layers![k - 1].out;
          expect(maxRelDiff(c.acts[`${l.name}.in`]!, prev), `${who} ${id} ${l.name}.in`).toBeLessThan(1e-6);
        }
        expect(maxRelDiff(c.acts['output.pre']!, p.logits)).toBeLessThan(1e-6);
        expect(maxRelDiff(c.logits, p.logits)).toBeLessThan(1e-6);
        expect(maxRelDiff(c.probs, p.probs)).toBeLessThan(1e-6);
      }
    }
  });
});

/** Interventions of every mode at several points of each model. */
function someHooks(id: string, means: HookMeans, patchFrom: HookRun): Intervention[] {
  if (id === 'mlp') {
    return [
      { at: 'hidden1.out', units: [3, 17, 40, 41], mode: 'zero' },
      { at: 'hidden1.pre', units: [5, 6], mode: 'scale', factor: 1.7 },
      { at: 'hidden2.in', units: [0, 9, 63], mode: 'mean' },
      { at: 'hidden2.pre', mode: 'patch', units: [1, 2, 3], values: patchFrom.acts['hidden2.pre']!.slice(0, 64) },
      // After a tanh: its derivative must still be taken at the unscaled output.
      { at: 'hidden2.out', units: [4, 5, 6, 7, 11], mode: 'scale', factor: 0.3 },
    ];
  }
  void means;
  return [
    { at: 'conv1.out', channels: [2, 7], mode: 'zero' },
    { at: 'conv2.pre', channels: [0], mode: 'scale', factor: 0.5 },
    { at: 'pool2.out', channels: [5, 6], mode: 'mean' },
    { at: 'hidden.pre', mode: 'patch', units: [10, 20, 30], values: patchFrom.acts['hidden.pre']!.slice(0, 128) },
  ];
}

const OBJECTIVES: Record<string, Objective[]> = {
  mlp: [{ class: 7 }, { layer: 'hidden2', unit: 11 }, { layer: 'hidden1.pre', unit: 100 }],
  cnn: [{ class: 2 }, { layer: 'conv2', channel: 9 }, { layer: 'hidden.pre', unit: 33 }],
};

describe('SIMD engine vs TensorFlow.js cpu (within 1e-4)', () => {
  for (const id of IDS) {
    it(`${id}: activations and gradients at every hook point, plain and under interventions of every mode`, async () => {
      const { x } = digits(10, 6);
      const other = await simd.runWithCache(id, digits(50, 1).x, 1);
      for (const hooks of [[], someHooks(id, models.get(id)!.means, other)]) {
        for (const objective of OBJECTIVES[id]) {
          const names = simd.hookPoints(id).map((p) => p.name);
          const [a, b] = await Promise.all(engines().map(([, e]) => e.runWithHooks(id, x, 6, hooks, { names, grads: { objective } })));
          const what = `${hooks.length ? 'hooked' : 'plain'} ${JSON.stringify(objective)}`;
          expect(maxRelDiff(a.logits, b.logits), `${what} logits`).toBeLessThan(1e-4);
          expect(maxRelDiff(a.probs, b.probs), `${what} probs`).toBeLessThan(1e-4);
          expect(maxRelDiff(a.objective!, b.objective!), `${what} objective`).toBeLessThan(1e-4);
          for (const n of names) {
            expect(maxRelDiff(a.acts[n]!, b.acts[n]!), `${what} ${n} activation`).toBeLessThan(1e-4);
            expect(relToScale(a.grads![n]!, b.grads![n]!), `${what} ${n} gradient`).toBeLessThan(1e-4);
          }
          // The gradients are not trivially zero where the objective depends on the value.
          expect(maxAbs(a.grads![id === 'mlp' ? 'hidden1.in' : 'conv1.in']!)).toBeGreaterThan(1e-3);
        }
      }
    });
  }

  it('more inputs than the SIMD engine plans per batch (64): 70 inputs run in chunks, per-input patches line up', async () => {
    const { x } = digits(100, 70);
    const a = await simd.runWithCache('cnn', digits(300, 70).x, 70, { names: ['hidden.out'] });
    const hooks: Intervention[] = [{ at: 'hidden.out', units: [0, 1, 2, 3, 4, 5, 6, 7], mode: 'patch', values: a.acts['hidden.out']! }];
    const opts = { names: ['conv2.out', 'hidden.out'] as HookPointName[], grads: { objective: { class: 4 } } };
    const [r, t] = await Promise.all(engines().map(([, e]) => e.runWithHooks('cnn', x, 70, hooks, opts)));
    expect(maxRelDiff(r.logits, t.logits)).toBeLessThan(1e-4);
    expect(relToScale(r.grads!['conv2.out']!, t.grads!['conv2.out']!)).toBeLessThan(1e-4);
    for (const b of [0, 63, 64, 69]) expect(r.acts['hidden.out']![b * 128 + 5]).toBe(a.acts['hidden.out']![b * 128 + 5]);
  });
});

/** The model with some outgoing weights of a layer's units zeroed: rows of the next parameter layer's kernel. */
function zeroOutgoing(m: LoadedModel, nextLayer: string, rows: (r: number) => boolean): LoadedModel {
  const params = new Map(m.params);
  const p = params.get(nextLayer)!;
  const kernel = p.kernel.slice();
  const cols = kernel.length / (nextLayer === 'hidden' ? 1568 : { hidden2: 128, output: m.spec.name.includes('cnn') ? 128 : 64 }[nextLayer]!);
  for (let r = 0; r * cols < kernel.length; r++) if (rows(r)) kernel.fill(0, r * cols, (r + 1) * cols);
  params.set(nextLayer, { ...p, kernel });
  return { spec: m.spec, params };
}

describe('ablation through a hook = the model with that unit\'s outgoing weights zeroed (1e-5)', () => {
  const cases: [string, string, Intervention, string, (r: number) => boolean][] = [
    ['mlp', 'hidden1 units 5, 77', { at: 'hidden1.out', units: [5, 77], mode: 'zero' }, 'hidden2', (r) => r === 5 || r === 77],
    ['mlp', 'hidden2 unit 30 (named output.in)', { at: 'output.in', units: [30], mode: 'zero' }, 'output', (r) => r === 30],
    ['cnn', 'conv2 channels 3, 20', { at: 'conv2.out', channels: [3, 20], mode: 'zero' }, 'hidden', (r) => r % 32 === 3 || r % 32 === 20],
    ['cnn', 'hidden unit 64', { at: 'hidden.out', units: [64], mode: 'zero' }, 'output', (r) => r === 64],
  ];
  for (const [id, what, hook, next, rows] of cases) {
    it(`${id} ${what}: logits, and input gradients of the predicted class`, async () => {
      const { x } = digits(200, 8);
      const edited = zeroOutgoing(models.get(id)!.model, next, rows);
      for (const [who, e] of engines()) {
        await e.load(`${id}-edited`, edited);
        const opts = { names: [`${e.hookPoints(id)[0].name}`] as HookPointName[], grads: { objective: { class: 3 } } };
        const hooked = await e.runWithHooks(id, x, 8, [hook], opts);
        const direct = await e.runWithCache(`${id}-edited`, x, 8, opts);
        expect(maxRelDiff(hooked.logits, direct.logits), `${who} logits`).toBeLessThan(1e-5);
        const n = opts.names[0];
        expect(relToScale(hooked.grads![n]!, direct.grads![n]!), `${who} input gradient`).toBeLessThan(1e-5);
        // …and the ablation did something.
        const intact = await e.runWithCache(id, x, 8, { names: [] });
        expect(maxRelDiff(intact.logits, hooked.logits), `${who} ablation changes the logits`).toBeGreaterThan(1e-3);
      }
    });
  }

  it('an ablated unit passes no gradient: zero at its .pre, while its .out gradient (downstream) is not', async () => {
    const { x } = digits(3, 2);
    for (const [who, e] of engines()) {
      const r = await e.runWithHooks('mlp', x, 2, [{ at: 'hidden1.out', units: [8], mode: 'zero' }], {
        names: ['hidden1.pre', 'hidden1.out'],
        grads: { objective: { class: 1 } },
      });
      for (const b of [0, 1]) {
        expect(r.grads!['hidden1.pre']![b * 128 + 8], who).toBe(0);
        expect(Math.abs(r.grads!['hidden1.out']![b * 128 + 8]), who).toBeGreaterThan(1e-4);
        expect(r.acts['hidden1.out']![b * 128 + 8], who).toBe(0);
      }
    }
  });
});

describe('patching', () => {
  for (const [id, at] of [['mlp', 'hidden1.out'], ['mlp', 'hidden2.pre'], ['cnn', 'conv2.out'], ['cnn', 'pool1.out']] as const) {
    it(`${id}: all of B's activations at ${at} replaced by A's gives A's logits`, async () => {
      const a = digits(0, 1).x; // a 7
      const b = digits(1, 1).x; // a 2
      for (const [who, e] of engines()) {
        const ca = await e.runWithCache(id, a, 1, { names: [at] });
        const cb = await e.runWithCache(id, b, 1, { names: [] });
        const patched = await e.runWithHooks(id, b, 1, [{ at, mode: 'patch', values: ca.acts[at]! }]);
        expect(maxRelDiff(patched.logits, ca.logits), who).toBeLessThan(1e-5);
        expect(maxRelDiff(cb.logits, ca.logits), `${who}: A and B differ`).toBeGreaterThan(1);
      }
    });
  }
});

describe('mean-ablation', () => {
  it('the shipped means are the means over the 10 000 test digits (computed again here at a few points)', async () => {
    const t = mnistTest();
    for (const [id, names] of [['mlp', ['flatten.in', 'hidden1.out', 'output.pre']], ['cnn', ['conv2.out', 'hidden.pre']]] as const) {
      const means = models.get(id)!.means;
      const sums = names.map((n) => new Float64Array(means.get(n)!.length));
      for (let first = 0; first < t.count; first += 500) {
        const r = await simd.runWithCache(id, t.images.subarray(first * 784, (first + 500) * 784), 500, { names: [...names] });
        names.forEach((n, k) => {
          const a = r.acts[n as HookPointName]!;
          const s = sums[k];
          for (let i = 0; i < a.length; i++) s[i % s.length] += a[i];
        });
      }
      names.forEach((n, k) => {
        const direct = sums[k].map((v) => v / t.count);
        const shipped = means.get(n)!;
        let worst = 0;
        for (let i = 0; i < direct.length; i++) worst = Math.max(worst, Math.abs(shipped[i] - direct[i]) / Math.max(1e-3, Math.abs(direct[i])));
        expect(worst, `${id} ${n}`).toBeLessThan(1e-5);
        expect(maxAbs(shipped), `${id} ${n} not all zero`).toBeGreaterThan(0.01);
      });
    }
  });

  it('mode mean writes the shipped mean of each chosen unit (and a .in name uses its tensor\'s mean)', async () => {
    const { x } = digits(20, 3);
    const means = models.get('cnn')!.means;
    for (const [who, e] of engines()) {
      const r = await e.runWithHooks('cnn', x, 3, [{ at: 'flatten.in', channels: [4], mode: 'mean' }], { names: ['pool2.out'] });
      const m = means.get('pool2.out')!;
      for (let b = 0; b < 3; b++) {
        for (let i = 4; i < 1568; i += 32) expect(r.acts['pool2.out']![b * 1568 + i], who).toBe(m[i]);
      }
      const patched = await e.runWithHooks('cnn', x, 3, [{ at: 'pool2.out', mode: 'patch', values: m }]);
      const meaned = await e.runWithHooks('cnn', x, 3, [{ at: 'pool2.out', mode: 'mean' }]);
      expect(maxRelDiff(meaned.logits, patched.logits), who).toBe(0);
    }
  });
});

describe('gradients at hook points against central differences', () => {
  /**
   * d objective / d value at unit i of `at`, by patching the value ± h there (per-input patches), in float32.
   * Truncation error ~ h²·f'''/6 and rounding ~ ε·|objective|/h: h = 1e-2 keeps both near 1e-4 for objectives of
   * size ~10, so the check is to 2e-3 of the gradient's largest magnitude at that point, or 2 % of the value.
   */
  async function check(id: string, at: HookPointName, objective: Objective, units: number[], x: Float32Array, skip?: (i: number, v: Float32Array) => boolean) {
    const h = 1e-2;
    const base = await simd.runWithCache(id, x, 1, { names: [at], grads: { objective } });
    const v = base.acts[at]!;
    const g = base.grads![at]!;
    const scale = maxAbs(g);
    const n = v.length;
    const tested = units.filter((i) => !skip?.(i, v));
    expect(tested.length).toBeGreaterThan(units.length / 2);
    const values = new Float32Array(2 * n * tested.length);
    tested.forEach((i, k) => {
      for (const [s, sign] of [[0, 1], [1, -1]]) {
        const o = (2 * k + s) * n;
        values.set(v, o);
        values[o + i] += sign * h;
      }
    });
    const batch = new Float32Array(x.length * 2 * tested.length);
    for (let k = 0; k < 2 * tested.length; k++) batch.set(x, k * x.length);
    const r = await simd.runWithHooks(id, batch, 2 * tested.length, [{ at, mode: 'patch', values }], { names: [], grads: { objective } });
    tested.forEach((i, k) => {
      const fd = (r.objective![2 * k] - r.objective![2 * k + 1]) / (2 * h);
      const err = Math.abs(fd - g[i]);
      expect(err, `${id} ${at}[${i}] ${JSON.stringify(objective)}: fd ${fd} vs ${g[i]}`).toBeLessThan(Math.max(2e-3 * scale, 0.02 * Math.abs(g[i])));
    });
    return { scale, tested: tested.length };
  }

  it('mlp: class logit at hidden1.pre, hidden2.out and the input; a unit objective at hidden1.out', async () => {
    const { x } = digits(7, 1);
    const units = Array.from({ length: 24 }, (_, k) => (k * 37) % 128);
    const r1 = await check('mlp', 'hidden1.pre', { class: 9 }, units, x);
    expect(r1.scale).toBeGreaterThan(0.01);
    await check('mlp', 'hidden2.out', { class: 4 }, units.map((u) => u % 64), x);
    await check('mlp', 'flatten.out', { class: 4 }, [100, 200, 300, 400, 500, 600], x);
    await check('mlp', 'hidden1.out', { layer: 'hidden2', unit: 7 }, units, x);
  });

  it('cnn: class logit at conv2.pre and hidden.pre, channel objective at pool1.out (away from relu kinks and pool ties)', async () => {
    const { x } = digits(7, 1);
    const h = 1e-2;
    // A unit near 0 before a relu, or close to another value of its 2×2 pool window, has no derivative within ±h.
    const awayFromKinks = (shape: number[]) => (i: number, v: Float32Array) => {
      if (Math.abs(v[i]) < 3 * h) return true;
      const [, w, c] = shape;
      const ch = i % c, px = Math.floor(i / c) % w, py = Math.floor(i / c / w);
      const wx = px & ~1, wy = py & ~1;
      for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
        const j = ((wy + dy) * w + wx + dx) * c + ch;
        if (j !== i && Math.abs(Math.max(v[j], 0) - Math.max(v[i], 0)) < 3 * h) return true;
      }
      return false;
    };
    const conv2 = await simd.runWithCache('cnn', x, 1, { names: ['conv2.pre'] });
    const big = [...conv2.acts['conv2.pre']!.keys()].filter((i) => conv2.acts['conv2.pre']![i] > 0.5).filter((_, k) => k % 41 === 0).slice(0, 24);
    await check('cnn', 'conv2.pre', { class: 7 }, big, x, awayFromKinks([14, 14, 32]));
    await check('cnn', 'hidden.pre', { class: 7 }, Array.from({ length: 24 }, (_, k) => k * 5), x, (i, v) => Math.abs(v[i]) < 3 * h);
    const pool1 = await simd.runWithCache('cnn', x, 1, { names: ['pool1.out'] });
    const inked = [...pool1.acts['pool1.out']!.keys()].filter((i) => pool1.acts['pool1.out']![i] > 0.2).filter((_, k) => k % 29 === 0).slice(0, 24);
    await check('cnn', 'pool1.out', { layer: 'conv2', channel: 5 }, inked, x, (i, v) => Math.abs(v[i]) < 3 * h);
  });
});

describe('hooks belong to their call', () => {
  it('after runs with interventions (and one that fails), plain runs equal the intact model exactly', async () => {
    const { x } = digits(30, 2);
    for (const [who, e] of engines()) {
      for (const id of IDS) {
        const before = await e.runWithCache(id, x, 2, { grads: { objective: { class: 5 } } });
        const predicted = await e.predict(id, x.subarray(0, 784));
        const other = await e.runWithCache(id, digits(90, 1).x, 1);
        await e.runWithHooks(id, x, 2, someHooks(id, models.get(id)!.means, other), { grads: { objective: { class: 5 } } });
        await expect(e.runWithHooks(id, x, 2, [someHooks(id, models.get(id)!.means, other)[0], { at: 'nope.out', mode: 'zero' }])).rejects.toThrow();
        const after = await e.runWithCache(id, x, 2, { grads: { objective: { class: 5 } } });
        expect(after.logits, `${who} ${id}`).toEqual(before.logits);
        for (const n of Object.keys(before.acts) as HookPointName[]) {
          expect(after.acts[n], `${who} ${id} ${n}`).toEqual(before.acts[n]);
          expect(after.grads![n], `${who} ${id} ${n} grad`).toEqual(before.grads![n]);
        }
        expect(maxRelDiff((await e.predict(id, x.subarray(0, 784))).logits, predicted.logits)).toBe(0);
        expect((await e.inputGradients(id, x, 2, 5)).grads).toEqual(before.grads![e.hookPoints(id)[0].name]);
      }
    }
  });
});

describe('bad requests get clear errors on both engines', () => {
  const x = new Float32Array(784);
  const cases: [string, () => [string, Intervention[] | unknown, object?], RegExp][] = [
    ['unknown hook point', () => ['mlp', [{ at: 'hidden3.out', mode: 'zero' }]], /hidden3\.out.*is not a hook point of model.*hidden1\.pre/],
    ['.pre of a layer without activation', () => ['cnn', [{ at: 'pool1.pre', mode: 'zero' }]], /pool1\.pre.*is not a hook point/],
    ['unit out of range', () => ['mlp', [{ at: 'hidden1.out', units: [128], mode: 'zero' }]], /unit 128 is out of range \(hidden1\.out is \[128\]: units 0 to 127\)/],
    ['negative unit', () => ['mlp', [{ at: 'hidden1.out', units: [-1], mode: 'zero' }]], /unit -1 is out of range/],
    ['fractional unit', () => ['mlp', [{ at: 'hidden1.out', units: [1.5], mode: 'zero' }]], /unit 1\.5 is out of range/],
    ['channel out of range', () => ['cnn', [{ at: 'conv2.out', channels: [32], mode: 'zero' }]], /channel 32 is out of range \(conv2\.out is \[14,14,32\]: channels 0 to 31\)/],
    ['channels of a flat point', () => ['mlp', [{ at: 'hidden1.out', channels: [0], mode: 'zero' }]], /hidden1\.out is \[128\], not \[h, w, c\]/],
    ['wrong patch length', () => ['cnn', [{ at: 'conv2.out', mode: 'patch', values: new Float32Array(100) }]], /patch needs values, a Float32Array of 6272 \(one \[14,14,32\] activation\) or 1 × 6272; got 100 values/],
    ['patch values not a Float32Array', () => ['mlp', [{ at: 'hidden1.out', mode: 'patch', values: [1, 2] }]], /patch needs values, a Float32Array of 128/],
    ['non-finite patch value', () => ['mlp', [{ at: 'hidden1.out', mode: 'patch', values: new Float32Array(128).fill(NaN) }]], /values\[0\] is NaN/],
    ['scale without factor', () => ['mlp', [{ at: 'hidden1.out', mode: 'scale' }]], /scale needs a finite factor/],
    ['unknown mode', () => ['mlp', [{ at: 'hidden1.out', mode: 'double' }]], /mode must be one of zero, mean, scale, patch/],
    ['both units and channels', () => ['cnn', [{ at: 'conv1.out', units: [0], channels: [0], mode: 'zero' }]], /units or channels, not both/],
    ['hooks not a list', () => ['mlp', { at: 'hidden1.out', mode: 'zero' }], /hooks must be a list/],
    ['objective class out of range', () => ['mlp', [], { grads: { objective: { class: 10 } } }], /class must be an integer from 0 to 9/],
    ['objective unit out of range', () => ['cnn', [], { grads: { objective: { layer: 'hidden', unit: 128 } } }], /unit must be an integer from 0 to 127 \(hidden\.out is \[128\]\)/],
    ['objective on an unknown layer', () => ['cnn', [], { grads: { objective: { layer: 'conv3', unit: 0 } } }], /objective layer "conv3\.out" is not a hook point/],
    ['unknown cached name', () => ['cnn', [], { names: ['conv2.mid'] }], /"conv2\.mid" is not a hook point/],
  ];
  for (const [what, make, message] of cases) {
    it(what, async () => {
      for (const [who, e] of engines()) {
        const [id, hooks, opts] = make();
        await expect(e.runWithHooks(id, x, 1, hooks as Intervention[], opts), who).rejects.toThrow(message);
      }
    });
  }

  it('mean-ablation on a model loaded without means; inputs of the wrong size', async () => {
    for (const [who, e] of engines()) {
      await e.load('bare', models.get('mlp')!.model);
      await expect(e.runWithHooks('bare', x, 1, [{ at: 'hidden1.out', mode: 'mean' }]), who).rejects.toThrow(/no means are loaded for model/);
      await expect(e.runWithCache('mlp', new Float32Array(700), 1), who).rejects.toThrow(/takes 1 × 784 floats, got 700 floats/);
      await expect(e.runWithCache('mlp', x, 0), who).rejects.toThrow(/count must be a positive integer/);
      // The engine still works after refusing.
      expect((await e.runWithCache('mlp', x, 1, { names: [] })).logits.length).toBe(10);
    }
  });
});

describe('other model shapes and backends', () => {
  it('a CNN ending in a separate softmax Activation layer, objectives on the logits and on a probability', async () => {
    const tf = await tfCpu();
    const model = await loadedFromTf(tf, tfCnn(tf, 21));
    for (const [, e] of engines()) await e.load('cnn-act', model);
    expect(simd.hookPoints('cnn-act').slice(-4).map((p) => p.name)).toEqual(['logits.in', 'logits.out', 'softmax.in', 'softmax.out']);
    const { x } = digits(40, 3);
    const hooks: Intervention[] = [{ at: 'conv2.pre', channels: [1], mode: 'scale', factor: -1 }];
    for (const objective of [{ class: 6 }, { layer: 'softmax', unit: 3 }, { layer: 'logits', unit: 2 }] as Objective[]) {
      const [a, b] = await Promise.all(engines().map(([, e]) => e.runWithHooks('cnn-act', x, 3, hooks, { names: ['conv1.in', 'pool2.out', 'softmax.in'], grads: { objective } })));
      expect(maxRelDiff(a.logits, b.logits)).toBeLessThan(1e-4);
      expect(maxRelDiff(a.objective!, b.objective!)).toBeLessThan(1e-4);
      for (const n of ['conv1.in', 'pool2.out', 'softmax.in'] as HookPointName[]) {
        expect(relToScale(a.grads![n]!, b.grads![n]!), `${JSON.stringify(objective)} ${n}`).toBeLessThan(1e-4);
      }
      // The logit objective seeds the softmax's input: its gradient there is one-hot.
      if ('class' in objective) expect(Array.from(a.grads!['softmax.in']!.subarray(0, 10))).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
    }
    // The probability objective goes through the softmax: Σ_k ∂p_3/∂z_k = 0.
    const p = await simd.runWithCache('cnn-act', x, 3, { names: ['softmax.in'], grads: { objective: { layer: 'softmax', unit: 3 } } });
    const g = p.grads!['softmax.in']!.subarray(0, 10);
    expect(Math.abs(g.reduce((s, v) => s + v, 0))).toBeLessThan(1e-6);
    expect(g[3]).toBeCloseTo(p.probs[3] * (1 - p.probs[3]), 6);
  });

  it('TensorFlow.js wasm: hooked activations, logits and MLP gradients as on the SIMD engine; no tensors left behind', async () => {
    const wasm = await TfjsEngine.create({ backend: 'wasm' });
    const tf = await tfCpu();
    for (const id of IDS) await wasm.load(id, models.get(id)!.model, { means: models.get(id)!.means });
    const { x } = digits(60, 4);
    const other = await simd.runWithCache('cnn', digits(61, 1).x, 1);
    for (const id of IDS) {
      const hooks = someHooks(id, models.get(id)!.means, id === 'cnn' ? other : await simd.runWithCache('mlp', digits(61, 1).x, 1));
      const names = simd.hookPoints(id).map((p) => p.name);
      const grads = id === 'mlp' ? { objective: { class: 8 } } : undefined;
      const [a, b] = await Promise.all([simd, wasm].map((e) => e.runWithHooks(id, x, 4, hooks, { names, grads })));
      expect(maxRelDiff(a.logits, b.logits), id).toBeLessThan(1e-4);
      for (const n of names) {
        expect(maxRelDiff(a.acts[n]!, b.acts[n]!), `${id} ${n}`).toBeLessThan(1e-4);
        if (grads) expect(relToScale(a.grads![n]!, b.grads![n]!), `${id} ${n} gradient`).toBeLessThan(1e-4);
      }
    }
    // Every tensor a run makes is freed, also when the request is refused.
    const before = tf.engine().memory().numTensors;
    await wasm.runWithCache('cnn', x, 4, { grads: { objective: { layer: 'conv2', channel: 1 } } });
    await expect(wasm.runWithHooks('cnn', x, 4, [{ at: 'conv2.out', channels: [99], mode: 'zero' }])).rejects.toThrow();
    expect(tf.engine().memory().numTensors).toBe(before);
    wasm.dispose();
  });
});
