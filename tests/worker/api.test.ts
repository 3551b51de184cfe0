// The worker API end to end: the service in-process over a MessageChannel (Comlink wrap/expose, as a browser
// page talks to its Web Worker), then in a real worker_threads worker through the restarting client: crash →
// restart + retry, hang → timeout, errors crossing as Errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService } from '../../worker/service.ts';
import { nodeDeps } from '../../worker/node-deps.ts';
import { createNodeClient } from '../../worker/client-node.ts';
import type { AnalyzeOptions, AnalyzeResult, EngineChoice, ModelId, ModelSource } from '../../worker/api.ts';
import { barPixels, blankImage, modelFiles, ringImage } from './fixtures.ts';
import { maxRelDiff } from '../helpers/random.ts';
import { serviceOverChannel, shippedSources } from '../helpers/service.ts';

const ALL: AnalyzeOptions = { activations: true, saliency: { method: 'gradient' } };

/** The service with no default models (each test gives its own). */
const inProcess = () => serviceOverChannel(nodeDeps({ defaultModels: {} }));

let files: Record<ModelId, ModelSource>;
beforeAll(async () => {
  files = await modelFiles(3);
});

describe('service over a MessageChannel', () => {
  for (const engine of ['auto', 'tfjs-cpu'] as EngineChoice[]) {
    it(`engine=${engine}: init, models, analyze with activations and saliency, arrays transferred`, async () => {
      const { api, transfers, close } = inProcess();
      const info = await api.init({ engine, models: files });
      expect(info.kind).toBe(engine === 'auto' ? 'simd' : engine);
      expect(await api.engine()).toEqual(info);
      const summaries = await api.models();
      expect(summaries.map((m) => m.id)).toEqual(['mlp', 'cnn']);
      // MLP 784→32→16→10 and CNN conv1 (3·3·1·4+4), conv2 (3·3·4·8+8), logits (7·7·8·10+10).
      expect(summaries.map((m) => m.params)).toEqual([784 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10, 40 + 296 + 3930]);
      expect(summaries[1].layers.map((l) => l.outputShape)).toEqual([[28, 28, 4], [14, 14, 4], [14, 14, 8], [7, 7, 8], [392], [10], [10]]);

      const r = await api.analyze({ kind: 'mnist', pixels: barPixels() }, ALL);
      if (!r.ok) throw new Error(r.message);
      expect(r.engine).toBe(info.kind);
      expect(r.ms).toBeGreaterThan(0);
      expect(Array.from(r.input)).toEqual(Array.from(barPixels()));
      expect(r.models.map((m) => m.id)).toEqual(['mlp', 'cnn']);
      for (const m of r.models) {
        expect(m.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        expect(m.digit).toBe(m.probs.indexOf(Math.max(...m.probs)));
        expect(m.layers!.length).toBe(summaries.find((s) => s.id === m.id)!.layers.length);
        expect(m.saliency!.target).toBe(m.digit);
        expect(m.saliency!.map.length).toBe(784);
      }
      // Every array of the reply moved instead of being copied: input, and per model probs, logits, saliency and
      // each layer's output (and pre-activation).
      const arrays = 1 + r.models.reduce((n, m) => n + 3 + m.layers!.reduce((k, l) => k + (l.pre ? 2 : 1), 0), 0);
      const reply = transfers[transfers.length - 1];
      expect(reply.length).toBe(arrays);
      expect(reply.every((b) => b instanceof ArrayBuffer)).toBe(true);
      close();
    });
  }

  it('the same answers on every engine (simd, tfjs-cpu, tfjs-wasm) after switching', async () => {
    const { api, close } = inProcess();
    const results: Extract<AnalyzeResult, { ok: true }>[] = [];
    for (const engine of ['simd', 'tfjs-cpu', 'tfjs-wasm'] as const) {
      expect((await api.init({ engine, ...(engine === 'simd' ? { models: files } : {}) })).kind).toBe(engine);
      // A little noise: no ties in max pooling, where engines may route the gradient differently (parity.test.ts).
      const pixels = barPixels().map((v, i) => 0.9 * v + 0.05 + 0.04 * Math.sin(i * 12.9898));
      const r = await api.analyze({ kind: 'mnist', pixels }, { saliency: { method: 'integrated-gradients', target: 7 } });
      if (!r.ok) throw new Error(r.message);
      results.push(r);
    }
    for (const r of results.slice(1)) {
      r.models.forEach((m, i) => {
        expect(maxRelDiff(m.probs, results[0].models[i].probs)).toBeLessThan(1e-4);
        expect(maxRelDiff(m.saliency!.map, results[0].models[i].saliency!.map)).toBeLessThan(1e-3);
      });
    }
    close();
  });

  it('images: a drawn digit is preprocessed, a blank page answers { ok: false, reason: "blank" }', async () => {
    const { api, close } = inProcess();
    await api.init({ models: { mlp: files.mlp } });
    const r = await api.analyze({ kind: 'image', image: ringImage() });
    if (!r.ok) throw new Error(r.message);
    expect(r.preprocessing!.polarity).toBe('dark-on-light');
    expect(r.input).toEqual(r.preprocessing!.pixels);
    expect(r.models.map((m) => m.id)).toEqual(['mlp']);
    const blank = await api.analyze({ kind: 'image', image: blankImage() });
    expect(blank.ok).toBe(false);
    if (!blank.ok) expect(blank.reason).toBe('blank');
    const bad = await api.analyze({ kind: 'image', image: { width: 10, height: 10, data: new Uint8ClampedArray(12) } });
    expect(bad).toMatchObject({ ok: false, reason: 'invalid' });
    close();
  });

  it('malformed requests are refused with Errors that say what is wrong', async () => {
    const { api, close } = inProcess();
    const refuse = async (p: Promise<unknown>, msg: RegExp) => {
      const e = await p.then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).message).toMatch(msg);
    };
    await refuse(api.init({ engine: 'gpu' as never }), /engine must be one of auto, simd, tfjs-webgl, tfjs-wasm, tfjs-cpu; not "gpu"/);
    await refuse(api.init({ models: { rnn: files.mlp } as never }), /unknown model "rnn"/);
    await refuse(api.init({ models: { mlp: { url: '/nonexistent/model.json' } } }), /model mlp: .*cannot read \/nonexistent\/model.json/);
    await refuse(api.init({ models: { mlp: { modelJson: { modelTopology: 1 }, weights: new ArrayBuffer(4) } } }), /model mlp: model file: modelTopology is missing/);
    await api.init({ engine: 'tfjs-cpu', models: { mlp: files.mlp } });
    const px = barPixels();
    await refuse(api.analyze({ kind: 'mnist', pixels: px.subarray(0, 100) }), /has 100 values; a 28×28 input has 784/);
    await refuse(api.analyze({ kind: 'mnist', pixels: Array.from(px) as never }), /must be a Float32Array of 784 values, not Array/);
    await refuse(api.analyze({ kind: 'mnist', pixels: px.map((v, i) => (i === 5 ? NaN : v)) }), /pixels\[5\] is NaN/);
    await refuse(api.analyze({ kind: 'mnist', pixels: px.map((v, i) => (i === 9 ? 2 : v)) }), /pixels\[9\] is 2; pixels must be finite and in \[0, 1\]/);
    await refuse(api.analyze({ kind: 'pixels' } as never), /input.kind must be 'mnist' or 'image'/);
    await refuse(api.analyze({ kind: 'mnist', pixels: px }, { models: ['cnn'] }), /model cnn is not loaded \(loaded: mlp\)/);
    await refuse(api.analyze({ kind: 'mnist', pixels: px }, { saliency: { method: 'lime' as never } }), /saliency method must be one of/);
    await refuse(api.analyze({ kind: 'mnist', pixels: px }, { saliency: { method: 'smoothgrad', steps: 0 } }), /steps must be a whole number from 1 to 256, not 0/);
    await refuse(api.analyze({ kind: 'mnist', pixels: px }, { saliency: { method: 'gradient', target: 10 } }), /target must be a digit 0 to 9, not 10/);
    // The worker is still fine afterwards.
    expect((await api.analyze({ kind: 'mnist', pixels: px })).ok).toBe(true);
    close();
  });

  it('analyze before init uses the default models; with none it says how to load some', async () => {
    const service = createService(nodeDeps({ defaultModels: { cnn: files.cnn } }));
    const r = await service.analyze({ kind: 'mnist', pixels: barPixels() });
    expect(r.ok && r.models.map((m) => m.id)).toEqual(['cnn']);
    const empty = createService(nodeDeps({ defaultModels: {} }));
    await expect(empty.analyze({ kind: 'mnist', pixels: barPixels() })).rejects.toThrow(/no models to run; load some with init/);
  });
});

describe('worker thread through the client', () => {
  const clients: { close(): void }[] = [];
  const track = <T extends { close(): void }>(c: T) => (clients.push(c), c);
  afterAll(() => clients.forEach((c) => c.close()));

  it('init and analyze in a real worker; bad requests do not restart it', async () => {
    const client = track(createNodeClient({ timeoutMs: 20_000 }));
    const info = await client.init({ models: files });
    const r = await client.analyze({ kind: 'mnist', pixels: barPixels() }, ALL);
    if (!r.ok) throw new Error(r.message);
    expect(r.engine).toBe(info.kind);
    expect(r.models[1].layers!.length).toBe(7);
    const err = await client.analyze({ kind: 'mnist', pixels: new Float32Array(3) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/has 3 values/);
    expect((await client.analyze({ kind: 'mnist', pixels: barPixels() })).ok).toBe(true);
    expect(client.starts).toBe(1);
  });

  it('crash during analyze: the worker restarts, init is replayed, the call is retried and answers', async () => {
    const client = track(createNodeClient({ workerData: (n) => (n === 0 ? { faults: { analyze: 'crash' } } : {}) }));
    await client.init({ engine: 'tfjs-cpu', models: files });
    // TensorFlow.js in the worker runs without the union package (only tfjs-core, -layers and the backend).
    const r = await client.analyze({ kind: 'mnist', pixels: barPixels() }, ALL);
    expect(r.ok && r.models.map((m) => m.saliency!.map.length)).toEqual([784, 784]);
    expect(client.starts).toBe(2);
    expect((await client.engine()).kind).toBe('tfjs-cpu'); // the replayed init kept the forced engine
    expect((await client.models()).map((m) => m.id)).toEqual(['mlp', 'cnn']);
  });

  it('crash while init is replayed on the new worker: counted as the failure of the call that needed it', async () => {
    // Worker 0 crashes on analyze; worker 1 crashes on (replayed) init; worker 2 is healthy but not reached.
    const client = track(
      createNodeClient({ workerData: (n) => (n === 0 ? { faults: { analyze: 'crash' } } : n === 1 ? { faults: { init: 'crash' } } : {}) }),
    );
    await client.init({ models: files });
    await expect(client.analyze({ kind: 'mnist', pixels: barPixels() })).rejects.toThrow(/again after a restart/);
    expect(client.starts).toBe(2);
    expect((await client.analyze({ kind: 'mnist', pixels: barPixels() })).ok).toBe(true);
    expect(client.starts).toBe(3);
  });

  it('a worker that crashes every time: the error says it crashed twice', async () => {
    const client = track(createNodeClient({ workerData: () => ({ faults: { analyze: 'crash' } }) }));
    await client.init({ models: files });
    await expect(client.analyze({ kind: 'mnist', pixels: barPixels() })).rejects.toThrow(
      /analyze: the worker crashed \(exit code 70\), again after a restart \(first: the worker crashed \(exit code 70\)\)/,
    );
    expect(client.starts).toBe(2);
  });

  it('close() during a call: the call fails at once, without a retry; a later call starts a new worker', async () => {
    const client = track(createNodeClient({ workerData: () => ({ faults: { models: 'hang' } }) }));
    await client.init({ models: files });
    const pending = client.models();
    setTimeout(() => client.close(), 100);
    await expect(pending).rejects.toThrow(/^the client was closed$/);
    expect(client.starts).toBe(1);
    expect((await client.engine()).kind).toBeDefined(); // engine() does not hang; init was replayed
    expect(client.starts).toBe(2);
  });

  it('hang: the call times out, the worker is replaced and the retry answers; a hang every time times out', async () => {
    const once = track(createNodeClient({ timeoutMs: 1500, workerData: (n) => (n === 0 ? { faults: { models: 'hang' } } : {}) }));
    await once.init({ models: files });
    expect((await once.models()).length).toBe(2);
    expect(once.starts).toBe(2);
    const always = track(createNodeClient({ timeoutMs: 1000, workerData: () => ({ faults: { models: 'hang' } }) }));
    await always.init({ models: files });
    await expect(always.models()).rejects.toThrow(/models: models timed out after 1000 ms, again after a restart/);
  });
});

describe('numbers: an image of several digits', () => {
  it('the shipped models read "1973" digit by digit: boxes left to right, every model on every digit, arrays transferred', async () => {
    const { renderNumber } = await import('../../src/data/printed-numbers-node.ts');
    const { api, transfers, close } = inProcess();
    await api.init({ models: shippedSources() });
    const image = renderNumber('1973', 'DejaVu Sans', 40, 0.1, { ink: '#000000', paper: '#ffffff' });
    const r = await api.analyze({ kind: 'image', image }, { saliency: { method: 'gradient' } });
    if (!r.ok) throw new Error(r.message);
    expect(r.number).toEqual({ byModel: { mlp: '1973', cnn: '1973' }, agree: true });
    const digits = r.digits!;
    expect(digits).toHaveLength(4);
    for (const [k, d] of digits.entries()) {
      expect(d.models.map((m) => m.id)).toEqual(['mlp', 'cnn']);
      expect(d.models.map((m) => m.digit)).toEqual([Number('1973'[k]), Number('1973'[k])]);
      for (const m of d.models) {
        expect(m.saliency!.target).toBe(m.digit);
        expect(m.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      }
      expect(d.input).toHaveLength(784);
      expect(d.box.x + d.box.width).toBeLessThanOrEqual(k + 1 < digits.length ? digits[k + 1].box.x : image.width);
      expect(d.box.y).toBeGreaterThanOrEqual(0);
      expect(d.box.y + d.box.height).toBeLessThanOrEqual(image.height);
    }
    // The one-digit fields describe the first digit, so callers that read one digit still work.
    expect(r.input).toEqual(digits[0].input);
    expect(r.models.map((m) => m.digit)).toEqual([1, 1]);
    expect(r.preprocessing!.bbox).toEqual(digits[0].box);
    // Every digit's arrays moved with the reply: per digit its input, per model probs, logits and saliency (the
    // first digit's input is the top-level input, its models the top-level models; preprocessing.pixels is it too).
    expect(transfers[transfers.length - 1].length).toBe(digits.length * (1 + 2 * 3));

    // Models that disagree are reported as such: an MLP from other weights reads another number.
    await api.init({ models: { mlp: files.mlp } });
    const mixed = await api.analyze({ kind: 'image', image });
    if (!mixed.ok) throw new Error(mixed.message);
    const { byModel, agree } = mixed.number!;
    expect(byModel.cnn).toBe('1973');
    expect(agree).toBe(byModel.mlp === '1973');
    expect(byModel.mlp).toHaveLength(mixed.digits!.length);

    // One digit: the result has no digits and no number, as before.
    const one = await api.analyze({ kind: 'image', image: renderNumber('7', 'DejaVu Sans', 40, 0, { ink: '#000000', paper: '#ffffff' }) });
    expect(one.ok && [one.digits, one.number, one.models[1].digit]).toEqual([undefined, undefined, 7]);
    // A point between digits: refused with the reason callers already handle.
    const lines = await api.analyze({ kind: 'image', image: renderNumber('3.14', 'DejaVu Sans', 40, 0, { ink: '#000000', paper: '#ffffff' }) });
    expect(lines).toMatchObject({ ok: false, reason: 'several-digits', message: expect.stringMatching(/not a digit/) });
    close();
  });
});
