import { describe, expect, it } from 'vitest';
import { fetchOk } from '../../src/util/fetch.ts';
import { loadModelFromUrl, ModelFormatError } from '../../src/model/format.ts';

const down: typeof fetch = async () => {
  throw new TypeError('Failed to fetch');
};
const status = (code: number): typeof fetch => async () => new Response('nope', { status: code });

describe('fetchOk', () => {
  it('says why a fetch failed: the network error, or the HTTP status', async () => {
    await expect(fetchOk('http://x/a.bin', undefined, down)).rejects.toThrow('cannot fetch http://x/a.bin: Failed to fetch');
    await expect(fetchOk('http://x/a.bin', undefined, status(404))).rejects.toThrow('cannot fetch http://x/a.bin: HTTP 404');
  });

  it("makes the caller's error, with its prefix and class", async () => {
    const err = await fetchOk('http://x/a.bin', (m) => new ModelFormatError(`model file: ${m}`), status(500)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFormatError);
    expect((err as Error).message).toBe('model file: cannot fetch http://x/a.bin: HTTP 500');
  });

  it('returns the response when it is OK', async () => {
    const res = await fetchOk('http://x/a.json', undefined, async () => new Response('{"a":1}'));
    expect(await res.json()).toEqual({ a: 1 });
  });

  it('is what the model loader refuses an unreachable model.json with', async () => {
    await expect(loadModelFromUrl('http://x/m/model.json', status(403))).rejects.toThrow(ModelFormatError);
    await expect(loadModelFromUrl('http://x/m/model.json', down)).rejects.toThrow('model file: cannot fetch http://x/m/model.json: Failed to fetch');
  });
});
