// The access page opens only for a click of that tab that is waiting for that origin: a content script (or anything
// posing as one) asking for another site, or from another tab, opens nothing. The background's real message
// handler, over an in-memory browser API.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const session = new Map<string, unknown>();
const created: { url: string }[] = [];
let onMessage: ((raw: unknown, sender: unknown) => unknown) | undefined;
const noop = { addListener: () => undefined };

vi.mock('webextension-polyfill', () => ({
  default: {
    runtime: { id: 'ext', getURL: (p: string) => `chrome-extension://ext/${p}`, onInstalled: noop, onMessage: { addListener: (f: typeof onMessage) => (onMessage = f) } },
    contextMenus: { onClicked: noop },
    storage: {
      session: {
        get: async (k: string) => (session.has(k) ? { [k]: session.get(k) } : {}),
        set: async (o: Record<string, unknown>) => Object.entries(o).forEach(([k, v]) => session.set(k, v)),
        remove: async (k: string) => void session.delete(k),
      },
    },
    tabs: { create: async (o: { url: string }) => void created.push(o) },
  },
}));
vi.stubGlobal('__SD_TEST_HOOKS__', false);

const { startBackground } = await import('../../extension/background/index.ts');
const { remember } = await import('../../extension/background/access.ts');
startBackground(async () => ({ ok: false, error: { kind: 'engine', message: 'unused' } }));

const ask = (origin: string, tabId: number) =>
  onMessage!({ type: 'sd:request-access', origin }, { id: 'ext', tab: { id: tabId, index: 0 } });

describe('request-access', () => {
  beforeEach(() => {
    session.clear();
    created.length = 0;
  });

  it('opens the access page for the click waiting in that tab for that origin', async () => {
    await remember('https://digits.example', { tabId: 4, frameId: 0, srcUrl: 'https://digits.example/7.png' });
    await ask('https://digits.example', 4);
    expect(created.map((c) => c.url)).toEqual(['chrome-extension://ext/options/index.html?grant=https%3A%2F%2Fdigits.example']);
  });

  it('opens nothing for another origin, another tab, or no pending click', async () => {
    await remember('https://digits.example', { tabId: 4, frameId: 0, srcUrl: 'https://digits.example/7.png' });
    await ask('https://evil.example', 4);
    await ask('https://digits.example', 5);
    session.clear();
    await ask('https://digits.example', 4);
    expect(created).toEqual([]);
  });

  it('ignores senders that are not this extension', async () => {
    await remember('https://digits.example', { tabId: 4, frameId: 0, srcUrl: 'https://digits.example/7.png' });
    await onMessage!({ type: 'sd:request-access', origin: 'https://digits.example' }, { id: 'other', tab: { id: 4, index: 0 } });
    expect(created).toEqual([]);
  });
});
