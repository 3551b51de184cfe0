// User models in the worker: any 'user:NAME' id loads beside the shipped ones, runs in analyze, hooks and the
// model list, and everything else stays refused as before.
import { beforeAll, describe, expect, it } from 'vitest';
import { createService } from '../../worker/service.ts';
import { nodeDeps } from '../../worker/node-deps.ts';
import type { ModelId, ModelSource } from '../../worker/api.ts';
import { barPixels, modelFiles } from './fixtures.ts';

let files: Record<'mlp' | 'cnn', ModelSource>;
beforeAll(async () => {
  files = await modelFiles(5);
});

describe('user models in the worker', () => {
  it('load under user:NAME beside the shipped ids, listed after them, and analyse like them', async () => {
    const api = createService(nodeDeps({ defaultModels: {} }));
    const mine: ModelId = 'user:My tanh net (1)';
    await api.init({ models: { [mine]: files.mlp, mlp: files.mlp } });
    await api.init({ models: { 'user:conv': files.cnn } });
    expect((await api.models()).map((m) => m.id)).toEqual(['mlp', mine, 'user:conv']);
    const r = await api.analyze({ kind: 'mnist', pixels: barPixels() }, { models: ['mlp', mine, 'user:conv'] });
    if (!r.ok) throw new Error(r.message);
    expect(r.models.map((m) => m.id)).toEqual(['mlp', mine, 'user:conv']);
    // The same files under two ids give the same probabilities.
    expect(Array.from(r.models[1].probs)).toEqual(Array.from(r.models[0].probs));
    expect((await api.hookPoints('user:conv')).map((p) => p.name)).toContain('conv1.out');
  });

  it('refuses ids that are neither shipped nor user:NAME, and user models not loaded', async () => {
    const api = createService(nodeDeps({ defaultModels: {} }));
    for (const id of ['user:', 'user: ', 'rnn', `user:${'x'.repeat(65)}`, 'user:a\u0000b']) {
      await expect(api.init({ models: { [id]: files.mlp } as never })).rejects.toThrow(/init: unknown model .* \(mlp, cnn or user:NAME\)/);
    }
    await api.init({ models: { mlp: files.mlp } });
    await expect(api.hookPoints('user:absent')).rejects.toThrow(/model user:absent is not loaded \(loaded: mlp\)/);
  });
});
