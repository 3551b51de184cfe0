// Soak: 10 000 consecutive analyses through the real worker thread and the restarting client, on the SIMD engine
// and on TensorFlow.js (wasm backend), with flat memory: the engine's WebAssembly memory, TensorFlow.js's tensor
// count and the client's heap after a full GC are the same after the run as after a warm-up. Today's fix: the
// client once added a reaction to a long-lived promise per call (~7.5 KiB per analysis, 70 MiB here).
import { afterAll, describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createNodeClient } from '../../worker/client-node.ts';
import type { AnalyzeOptions, EngineChoice, WorkerStats } from '../../worker/api.ts';
import type { SeeingDigitsClient } from '../../worker/client.ts';
import { barPixels, ringImage } from './fixtures.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CALLS = 10_000;
const WARMUP = 500;
/** Allowed growth of the client's heap over the run: the leak was 7.5 KiB × 9 500 calls ≈ 70 MiB. */
const HEAP_SLACK = 4 * 2 ** 20;

async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

const clients: SeeingDigitsClient[] = [];
afterAll(() => clients.forEach((c) => c.close()));

describe('soak: 10 000 analyses through the worker', () => {
  const cases: [EngineChoice, AnalyzeOptions][] = [
    ['simd', { activations: true, saliency: { method: 'gradient' } }],
    ['tfjs-wasm', { models: ['mlp'], activations: true, saliency: { method: 'gradient' } }],
  ];
  for (const [engine, opts] of cases) {
    it(`${engine}: wasm memory, tensors and the client heap stay flat`, { timeout: 120_000 }, async () => {
      const client = createNodeClient();
      clients.push(client);
      expect((await client.init({ engine })).kind).toBe(engine);
      const inputs = [{ kind: 'mnist' as const, pixels: barPixels() }, { kind: 'image' as const, image: ringImage() }];
      let before: { stats: WorkerStats; heap: number } | undefined;
      for (let i = 0; i < CALLS; i++) {
        if (i === WARMUP) before = { stats: await client.stats(), heap: await heapAfterGc() };
        const r = await client.analyze(inputs[i % 2], opts);
        if (!r.ok) throw new Error(r.message);
        expect(r.models[0].probs.every(Number.isFinite)).toBe(true);
      }
      const after = { stats: await client.stats(), heap: await heapAfterGc() };
      console.log(engine, JSON.stringify({ before, after, heapGrowthKiB: (after.heap - before!.heap) / 1024 }));
      expect(client.starts).toBe(1);
      expect(after.stats.wasmBytes).toBe(before!.stats.wasmBytes);
      if (engine === 'simd') expect(after.stats.wasmBytes).toBeGreaterThan(0);
      else {
        expect(after.stats.tfjs!.tensors).toBe(before!.stats.tfjs!.tensors);
        expect(after.stats.tfjs!.wasmBytes).toBeGreaterThan(0);
        expect(after.stats.tfjs!.wasmBytes).toBe(before!.stats.tfjs!.wasmBytes);
      }
      expect(after.heap - before!.heap).toBeLessThan(HEAP_SLACK);
    });
  }
});
