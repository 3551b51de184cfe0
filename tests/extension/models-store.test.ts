// The user models store on fake-indexeddb (the IndexedDB spec in Node): save, list, replace, delete, the size bound,
// bad names and files refused, the Train view's run kept.
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { clearRun, deleteModel, listModels, loadRun, MAX_STORE_BYTES, modelSource, saveModel, saveRun, usedBytes, userModelId } from '../../extension/shared/models-store.ts';
import { serializeModel } from '../../src/model/format.ts';
import { initModel, mlpSpec } from '../../src/train/architectures.ts';
import { parseModel } from '../../src/model/format.ts';

let files: { modelJson: unknown; weights: ArrayBuffer };
beforeAll(() => {
  const { modelJson, weightData } = serializeModel(initModel(mlpSpec([32], 'relu'), 1));
  files = { modelJson, weights: weightData };
});

describe('user models store', () => {
  it('saves, lists newest first with sizes, gives the files back, replaces by name, deletes', async () => {
    const a = await saveModel('  first  ', files, { source: 'trained', testAccuracy: 0.97 });
    expect(a).toMatchObject({ name: 'first', params: 784 * 32 + 32 + 330, source: 'trained', testAccuracy: 0.97 });
    expect(a.bytes).toBeGreaterThan(files.weights.byteLength);
    await new Promise((r) => setTimeout(r, 5));
    await saveModel('second', files, { source: 'imported' });
    expect((await listModels()).map((m) => m.name)).toEqual(['second', 'first']);
    expect(await usedBytes()).toBe(2 * a.bytes);
    const src = (await modelSource('first')) as { modelJson: unknown; weights: ArrayBuffer };
    expect(parseModel(src.modelJson, [src.weights]).params.get('hidden1')!.kernel).toEqual(parseModel(files.modelJson, [files.weights]).params.get('hidden1')!.kernel);
    await saveModel('first', files, { source: 'trained' });
    expect(await listModels()).toHaveLength(2);
    await deleteModel('first');
    expect((await listModels()).map((m) => m.name)).toEqual(['second']);
    expect(await modelSource('first')).toBeUndefined();
    expect(userModelId('second')).toBe('user:second');
  });

  it('refuses a save past the bound, bad names and bad files, storing nothing', async () => {
    const big = { modelJson: files.modelJson, weights: new ArrayBuffer(MAX_STORE_BYTES) };
    await expect(saveModel('big', big, { source: 'imported' })).rejects.toThrow(/model file: weight shards hold 67108864 bytes/); // not what the manifest says
    const before = await listModels();
    await expect(saveModel('', files, { source: 'trained' })).rejects.toThrow(/1 to 64 characters/);
    await expect(saveModel('x'.repeat(65), files, { source: 'trained' })).rejects.toThrow(/1 to 64 characters/);
    // A real model too big for what is left: 8.4M parameters (32 MB) twice passes 64 MB.
    const { modelJson, weightData } = serializeModel(initModel(mlpSpec([4096, 1280], 'relu'), 1));
    await saveModel('large', { modelJson, weights: weightData }, { source: 'trained' });
    await expect(saveModel('large2', { modelJson, weights: weightData }, { source: 'trained' })).rejects.toThrow(/Not saved: .* would pass the 64.0 MB kept for your models/);
    expect((await listModels()).map((m) => m.name).sort()).toEqual([...before.map((m) => m.name), 'large'].sort());
    await deleteModel('large');
  });

  it("keeps the Train view's run until cleared", async () => {
    expect(await loadRun()).toBeUndefined();
    const checkpoint = { config: { seed: 1 }, epoch: 2, session: { params: new Map([['h', { kernel: new Float32Array([1, 2]) }]]) } } as never;
    await saveRun({ checkpoint, curves: { loss: [[1, 2]], val: [] } });
    const run = await loadRun();
    expect(run!.checkpoint.epoch).toBe(2);
    expect(Array.from(run!.checkpoint.session.params.get('h')!.kernel)).toEqual([1, 2]);
    await clearRun();
    expect(await loadRun()).toBeUndefined();
  });
});
