// Hooks through the worker API, on the shipped models (their means.bin loaded beside model.json): hookPoints,
// runWithCache and runWithHooks give what the engine gives in-process, with every array transferred; analyze with
// { hooks } shows predictions, activations and saliency of the intervened model; malformed requests are refused
// with messages that name the call; the same calls work through the restarting client in a worker thread.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { createNodeClient } from '../../worker/client-node.ts';
import type { AnalyzeOptions, AnalyzeResult, HookPointName, Intervention } from '../../worker/api.ts';
import type { InferenceEngine } from '../../src/engines/types.ts';
import { loadModelFromDir } from '../../src/model/format-node.ts';
import { decodeMeans, encodeMeans } from '../../src/interpret/means.ts';
import { mnistTest } from '../helpers/digits.ts';
import { maxRelDiff } from '../helpers/random.ts';
import { serviceOverChannel, shippedDir, shippedSimdEngine } from '../helpers/service.ts';

const inProcess = () => serviceOverChannel(); // the shipped models by default

const digits = (first: number, count: number) => mnistTest().images.slice(first * 784, (first + count) * 784);
let engine: InferenceEngine;
beforeAll(async () => {
  engine = await shippedSimdEngine();
});

describe('hooks over a MessageChannel (shipped models, SIMD engine)', () => {
  it('hookPoints, runWithCache with gradients and runWithHooks answer as the engine does; arrays transferred', async () => {
    const { api, transfers, close } = inProcess();
    expect(await api.hookPoints('cnn')).toEqual(engine.hookPoints('cnn'));
    const x = digits(0, 3);
    const names: HookPointName[] = ['conv1.in', 'conv2.pre', 'hidden.out'];
    const opts = { names, grads: { objective: { layer: 'conv2', channel: 4 } } };
    const r = await api.runWithCache('cnn', x, opts);
    const direct = await engine.runWithCache('cnn', x, 3, opts);
    expect(Object.keys(r.acts)).toEqual(names);
    for (const n of names) {
      expect(maxRelDiff(r.acts[n]!, direct.acts[n]!)).toBe(0);
      expect(maxRelDiff(r.grads![n]!, direct.grads![n]!)).toBe(0);
    }
    // logits, probs, objective and one array per name for activations and for gradients, each moved.
    expect(transfers[transfers.length - 1].length).toBe(3 + 2 * names.length);

    const hooks: Intervention[] = [
      { at: 'conv2.out', channels: [1, 2, 3], mode: 'mean' },
      { at: 'hidden.pre', units: [7], mode: 'scale', factor: 3 },
    ];
    const h = await api.runWithHooks('cnn', x, hooks, { names: ['hidden.out'] });
    const hd = await engine.runWithHooks('cnn', x, 3, hooks, { names: ['hidden.out'] });
    expect(maxRelDiff(h.logits, hd.logits)).toBe(0);
    expect(maxRelDiff(h.acts['hidden.out']!, hd.acts['hidden.out']!)).toBe(0);
    expect(maxRelDiff(h.logits, r.logits)).toBeGreaterThan(1e-3); // the means were loaded and applied
    close();
  });

  it('analyze with hooks: predictions, activations and saliency are those of the intervened model, for that call only', async () => {
    const { api, close } = inProcess();
    const pixels = digits(4, 1); // a 4
    const hooks: Intervention[] = [{ at: 'hidden1.out', units: [...Array(64).keys()], mode: 'zero' }];
    const opts = { models: ['mlp' as const], activations: true, saliency: { method: 'gradient' as const, target: 4 } };
    const r = await api.analyze({ kind: 'mnist', pixels }, { ...opts, hooks: { mlp: hooks } });
    if (!r.ok) throw new Error(r.message);
    const m = r.models[0];
    const direct = await engine.runWithHooks('mlp', pixels, 1, hooks, { names: ['hidden1.out', 'flatten.in'], grads: { objective: { class: 4 } } });
    expect(maxRelDiff(m.probs, direct.probs)).toBe(0);
    expect(m.layers!.find((l) => l.name === 'hidden1')!.out.subarray(0, 64).every((v) => v === 0)).toBe(true);
    expect(maxRelDiff(m.layers!.find((l) => l.name === 'hidden1')!.out, direct.acts['hidden1.out']!)).toBe(0);
    expect(maxRelDiff(m.saliency!.map, direct.grads!['flatten.in']!)).toBe(0);
    // The next call without hooks sees the intact model.
    const plain = await api.analyze({ kind: 'mnist', pixels }, opts);
    const intact = await engine.predict('mlp', pixels);
    if (!plain.ok) throw new Error(plain.message);
    expect(maxRelDiff(plain.models[0].probs, intact.probs)).toBe(0);
    expect(maxRelDiff(plain.models[0].logits, m.logits)).toBeGreaterThan(1e-2);
    close();
  });

  it('analyze with hooks on TensorFlow.js cpu gives the SIMD engine\'s answers (1e-4)', async () => {
    const { api, close } = inProcess();
    const pixels = digits(8, 1);
    const opts: AnalyzeOptions = {
      activations: true,
      saliency: { method: 'integrated-gradients' as const, target: 3, steps: 8 },
      hooks: { mlp: [{ at: 'hidden2.pre', units: [1, 2, 3], mode: 'mean' }], cnn: [{ at: 'conv2.out', channels: [5], mode: 'scale', factor: 2 }] },
    };
    const answers: Extract<AnalyzeResult, { ok: true }>[] = [];
    for (const engineKind of ['simd', 'tfjs-cpu'] as const) {
      await api.init({ engine: engineKind });
      const r = await api.analyze({ kind: 'mnist', pixels }, opts);
      if (!r.ok) throw new Error(r.message);
      answers.push(r);
    }
    answers[1].models.forEach((m, i) => {
      const ref = answers[0].models[i];
      expect(maxRelDiff(m.probs, ref.probs)).toBeLessThan(1e-4);
      const scale = Math.max(...Array.from(ref.saliency!.map, Math.abs));
      expect(maxRelDiff(m.saliency!.map.map((v) => v / scale), ref.saliency!.map.map((v) => v / scale))).toBeLessThan(1e-4);
      m.layers!.forEach((l, k) => expect(maxRelDiff(l.out, ref.layers![k].out), `${m.id} ${l.name}`).toBeLessThan(1e-4));
    });
    close();
  });

  it('models given as files: means with them allow mean-ablation, without them it is refused clearly', async () => {
    const { api, close } = inProcess();
    const modelJson = JSON.parse(await readFile(`${shippedDir('mlp')}model.json`, 'utf8'));
    const b = await readFile(`${shippedDir('mlp')}group1-shard1of1.bin`);
    const weights = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    const hooks: Intervention[] = [{ at: 'hidden2.out', units: [1], mode: 'mean' }];
    await api.init({ models: { mlp: { modelJson, weights } } });
    await expect(api.runWithHooks('mlp', digits(0, 1), hooks)).rejects.toThrow(/runWithHooks: hook 0 at hidden2\.out: no means are loaded for model/);
    const m = await readFile(`${shippedDir('mlp')}means.bin`);
    const means = m.buffer.slice(m.byteOffset, m.byteOffset + m.byteLength) as ArrayBuffer;
    await api.init({ models: { mlp: { modelJson, weights, means } } });
    expect((await api.runWithHooks('mlp', digits(0, 1), hooks)).logits.length).toBe(10);
    const spec = (await loadModelFromDir(shippedDir('mlp'))).spec;
    const other = encodeMeans({ ...spec, name: 'other' }, decodeMeans(means, spec), 'MNIST test', 10_000);
    await expect(api.init({ models: { mlp: { modelJson, weights, means: other.buffer as ArrayBuffer } } })).rejects.toThrow(
      /init: model mlp: means file for model seeing-digits-mlp: it was made for model "other"/,
    );
    await expect(api.init({ models: { mlp: { modelJson, weights, means: means.slice(0, 1000) } } })).rejects.toThrow(
      /init: model mlp: means file for model seeing-digits-mlp: 1000 bytes, but its header describes \d+/,
    );
    await expect(api.init({ models: { mlp: { modelJson, weights, means: {} as never } } })).rejects.toThrow(/means must be the bytes of means\.bin/);
    close();
  });

  it('malformed requests are refused with Errors that name the call and what is wrong', async () => {
    const { api, close } = inProcess();
    const x = digits(0, 1);
    const refuse = (p: Promise<unknown>, msg: RegExp) => expect(p).rejects.toThrow(msg);
    await refuse(api.hookPoints('rnn' as never), /hookPoints: unknown model "rnn"/);
    await refuse(api.runWithCache('mlp', x.subarray(0, 700)), /runWithCache: inputs has 700 values; it must hold 1 to 1024 28×28 inputs/);
    await refuse(api.runWithCache('mlp', Array.from(x) as never), /runWithCache: inputs must be a Float32Array/);
    await refuse(api.runWithCache('mlp', x.map((v, i) => (i === 3 ? 7 : v))), /runWithCache: inputs\[3\] is 7; pixels must be finite and in \[0, 1\]/);
    await refuse(api.runWithCache('mlp', x, { names: 'hidden1.out' as never }), /options.names must be a list/);
    await refuse(api.runWithCache('mlp', x, { names: ['hidden9.out'] }), /runWithCache: hook point "hidden9\.out" is not a hook point of model/);
    await refuse(api.runWithCache('mlp', x, { grads: { objective: { unit: 3 } as never } }), /options.grads must be \{ objective: \{ class \}/);
    await refuse(api.runWithCache('mlp', x, { grads: { objective: { class: 12 } } }), /runWithCache: objective .*class must be an integer from 0 to 9/);
    await refuse(api.runWithHooks('mlp', x, { at: 'hidden1.out' } as never), /runWithHooks: hooks must be a list of interventions/);
    await refuse(api.runWithHooks('mlp', x, [{ at: 'hidden1.out', mode: 'erase' as never }]), /hooks\[0\]\.mode must be one of zero, mean, scale, patch/);
    await refuse(api.runWithHooks('mlp', x, [{ at: 'hidden1.out', mode: 'zero', unit: 3 } as never]), /hooks\[0\] has an unknown field "unit"/);
    await refuse(api.runWithHooks('mlp', x, [{ at: 'hidden1.out', mode: 'zero', units: [500] }]), /runWithHooks: hook 0 at hidden1\.out: unit 500 is out of range/);
    await refuse(api.runWithHooks('mlp', x, [{ at: 'hidden1.out', mode: 'patch', values: new Float32Array(5) }]), /patch needs values, a Float32Array of 128/);
    await refuse(api.runWithCache('cnn', digits(0, 1024)), /runWithCache: 1024 inputs × 18 hook points is \d+ floats, more than 16777216/);
    await refuse(api.analyze({ kind: 'mnist', pixels: x }, { models: ['mlp'], hooks: { cnn: [] } }), /options.hooks names model "cnn", which this call does not run/);
    await refuse(api.analyze({ kind: 'mnist', pixels: x }, { hooks: { mlp: [{ at: 'conv1.out', mode: 'zero' }] } }), /analyze: hook 0: at "conv1\.out" is not a hook point of model seeing-digits-mlp/);
    // Still fine afterwards.
    expect((await api.runWithCache('mlp', x, { names: [] })).logits.length).toBe(10);
    close();
  });
});

describe('hooks through the restarting client in a worker thread', () => {
  const clients: { close(): void }[] = [];
  afterAll(() => clients.forEach((c) => c.close()));

  it('hookPoints and runWithHooks answer; a bad hook is an Error, not a restart', async () => {
    const client = createNodeClient({ timeoutMs: 30_000 });
    clients.push(client);
    expect((await client.hookPoints('mlp')).map((p) => p.name)).toContain('hidden1.pre');
    const x = digits(0, 2);
    const r = await client.runWithHooks('mlp', x, [{ at: 'hidden1.out', units: [0, 1], mode: 'zero' }], { names: ['hidden1.out'] });
    expect(Array.from(r.acts['hidden1.out']!.subarray(0, 2))).toEqual([0, 0]);
    const d = await engine.runWithHooks('mlp', x, 2, [{ at: 'hidden1.out', units: [0, 1], mode: 'zero' }]);
    expect(maxRelDiff(r.logits, d.logits)).toBeLessThan(1e-6);
    // The thread found means.bin beside the shipped model.json.
    const meaned = await client.runWithHooks('cnn', x, [{ at: 'conv1.out', channels: [0, 1], mode: 'mean' }]);
    const md = await engine.runWithHooks('cnn', x, 2, [{ at: 'conv1.out', channels: [0, 1], mode: 'mean' }]);
    expect(maxRelDiff(meaned.logits, md.logits)).toBeLessThan(1e-6);
    await expect(client.runWithHooks('mlp', x, [{ at: 'x.out', mode: 'zero' }])).rejects.toThrow(/"x\.out" is not a hook point/);
    expect(client.starts).toBe(1);
  });
});
