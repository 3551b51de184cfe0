// Typicality in the worker's analyze results (typicality.json + .bin read beside each shipped model.json): the
// distance equals the library's Mahalanobis distance of the penultimate activations taken through another route
// (runWithCache), the verdict is the threshold's, MNIST test digits are mostly typical and printed shapes far less
// so, and it follows interventions (an ablated penultimate layer moves the distance).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createService } from '../../worker/service.ts';
import { nodeDeps } from '../../worker/node-deps.ts';
import { MODEL_IDS, type AnalyzeResult } from '../../worker/api.ts';
import { readTypicality, type TypicalityHeader } from '../../src/interpret/explorer-data.ts';
import { mahalanobis } from '../../src/interpret/typicality.ts';
import { mnistTest } from '../helpers/digits.ts';
import { shippedDir } from '../helpers/service.ts';
import { nonDigits } from '../../src/data/nondigits-node.ts';

const api = createService(nodeDeps());

function fit(id: string) {
  const bin = readFileSync(`${shippedDir(id)}typicality.bin`);
  const head = JSON.parse(readFileSync(`${shippedDir(id)}typicality.json`, 'utf8')) as TypicalityHeader;
  return readTypicality(head, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
}

const ok = (r: AnalyzeResult) => {
  if (!r.ok) throw new Error(r.message);
  return r;
};

describe('typicality in analyze', () => {
  const test = mnistTest();
  const pixels = (k: number) => test.images.slice(k * 784, (k + 1) * 784);

  it.each(MODEL_IDS)('%s: the distance is the Mahalanobis distance of the penultimate layer, the verdict the threshold’s', async (id) => {
    const t = fit(id);
    for (const k of [0, 1, 2, 3]) {
      const r = ok(await api.analyze({ kind: 'mnist', pixels: pixels(k) }, { models: [id] }));
      const got = r.models[0].typicality!;
      const run = await api.runWithCache(id, pixels(k), { names: [`${t.header.layer}.out`] });
      const want = mahalanobis(t, run.acts[`${t.header.layer}.out`]!);
      expect(got.distance).toBeCloseTo(want.distance, 4);
      expect(got.closest).toBe(want.closest);
      expect(got.threshold).toBe(t.header.threshold);
      expect(got.typical).toBe(want.distance <= t.header.threshold);
      expect(r.models[0].layers).toBeUndefined(); // computed for typicality, not sent when not asked for
    }
  });

  it('MNIST test digits are mostly typical; printed shapes much less often', async () => {
    const share = async (inputs: Parameters<typeof api.analyze>[0][]) => {
      let typical = 0, n = 0;
      for (const input of inputs) {
        const r = await api.analyze(input, {});
        if (!r.ok) continue;
        n++;
        if (r.models.every((m) => m.typicality!.typical)) typical++;
      }
      return typical / n;
    };
    const digits = await share([...Array(200).keys()].map((k) => ({ kind: 'mnist' as const, pixels: pixels(k) })));
    const shapes = await share(nonDigits().filter((d) => d.kind === 'shape' && d.size === 96).slice(0, 80).map((d) => ({ kind: 'image' as const, image: d.image })));
    expect(digits).toBeGreaterThan(0.95);
    expect(shapes).toBeLessThan(digits - 0.2);
  });

  it('follows interventions: zeroing the penultimate layer moves the distance', async () => {
    const t = fit('mlp');
    const base = ok(await api.analyze({ kind: 'mnist', pixels: pixels(0) }, { models: ['mlp'] })).models[0].typicality!;
    const hooked = ok(await api.analyze({ kind: 'mnist', pixels: pixels(0) }, { models: ['mlp'], hooks: { mlp: [{ at: `${t.header.layer}.out`, units: [...Array(t.header.dim).keys()], mode: 'zero' }] } })).models[0].typicality!;
    expect(hooked.distance).toBeCloseTo(mahalanobis(t, new Float32Array(t.header.dim)).distance, 4);
    expect(Math.abs(hooked.distance - base.distance)).toBeGreaterThan(1);
  });
});
