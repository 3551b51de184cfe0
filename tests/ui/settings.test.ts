import { describe, expect, it } from 'vitest';
import { defaults, loadSettings, memoryStore, migrate, KEYS } from '../../extension/shared/settings.ts';

describe('migrate', () => {
  it('nothing stored → defaults', () => expect(migrate(undefined)).toEqual(defaults));
  it('garbage → defaults', () => {
    expect(migrate('oops')).toEqual(defaults);
    expect(migrate([1, 2])).toEqual(defaults);
  });
  it('keeps valid fields, fills missing ones', () => {
    const s = migrate({ engine: 'tfjs-wasm', saliency: { method: 'smoothgrad' } });
    expect(s.engine).toBe('tfjs-wasm');
    expect(s.saliency).toEqual({ ...defaults.saliency, method: 'smoothgrad' });
    expect(s.theme).toBe(defaults.theme);
  });
  it('replaces invalid values one by one', () => {
    const s = migrate({ engine: 'cuda', ink: 5, theme: 'pink', saliency: { model: 'rnn', overlay: 'yes', steps: -1 } });
    expect(s).toEqual(defaults);
  });
  it('rounds step counts and keeps them in range', () => {
    expect(migrate({ saliency: { steps: 20.4 } }).saliency.steps).toBe(20);
    expect(migrate({ saliency: { steps: 1000 } }).saliency.steps).toBe(defaults.saliency.steps);
  });
  it('drops unknown keys and stamps the current version', () => {
    const s = migrate({ version: 1, junk: 1 }) as unknown as Record<string, unknown>;
    expect(s.junk).toBeUndefined();
    expect(s.version).toBe(1);
  });
  it('a newer version written by a later release: keeps the fields it understands', () => {
    expect(migrate({ version: 7, engine: 'simd', future: true }).engine).toBe('simd');
  });
  it('defaults are frozen (cannot be corrupted by a caller)', () => {
    expect(Object.isFrozen(defaults)).toBe(true);
    expect(Object.isFrozen(defaults.saliency)).toBe(true);
  });
});

describe('loadSettings', () => {
  it('reads and migrates from the store', async () => {
    const kv = memoryStore({ [KEYS.settings]: { engine: 'tfjs-cpu' } });
    expect((await loadSettings(kv)).engine).toBe('tfjs-cpu');
  });
  it('a failing store → defaults, not an exception', async () => {
    const kv = { get: async () => Promise.reject(new Error('quota')), set: async () => {} };
    expect(await loadSettings(kv)).toEqual(defaults);
  });
  it('memoryStore returns copies', async () => {
    const kv = memoryStore();
    const v = { a: [1] };
    await kv.set('k', v);
    v.a.push(2);
    expect(await kv.get('k')).toEqual({ a: [1] });
  });
});
