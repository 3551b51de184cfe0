import { describe, expect, it } from 'vitest';
import {
  decodePixels,
  encodePixels,
  isAnalyzeOutcome,
  isWebOrigin,
  parseMessage,
  type PanelResult,
} from '../../extension/messages.ts';

const result = (): PanelResult => ({
  input: Array(784).fill(0),
  models: [
    { id: 'mlp', digit: 7, probs: [0, 0, 0, 0, 0, 0, 0, 1, 0, 0], saliency: Array(784).fill(0.5) },
    { id: 'cnn', digit: 7, probs: [0, 0, 0, 0, 0, 0, 0, 1, 0, 0], saliency: null },
  ],
  saliencyMethod: 'smoothgrad',
  engine: 'simd',
  ms: 3,
});

const prefs = { engine: 'auto', saliency: { method: 'smoothgrad', steps: 16 } };

describe('parseMessage', () => {
  it('accepts each well-formed message type', () => {
    const src = 'https://example.com/7.png';
    const msgs = [
      { type: 'sd:read-image', srcUrl: src },
      { type: 'sd:panel-loading', srcUrl: src },
      { type: 'sd:panel-result', srcUrl: src, result: result() },
      { type: 'sd:panel-error', srcUrl: src, error: { kind: 'blank', message: 'No digit found.' } },
      { type: 'sd:request-access', origin: 'https://cdn.example.com' },
      { type: 'sd:offscreen-analyze', source: { kind: 'url', url: src }, prefs },
      { type: 'sd:offscreen-analyze', source: { kind: 'pixels', image: { width: 1, height: 1, data: encodePixels(new Uint8Array(4)) } }, prefs },
      { type: 'sd:access-granted', origin: 'http://127.0.0.1:8080' },
    ];
    for (const m of msgs) expect(parseMessage(m), m.type).toEqual(m);
  });

  it('rejects unknown types, inherited keys and non-objects', () => {
    expect(parseMessage({ type: 'sd:unknown' })).toBeNull();
    expect(parseMessage({ type: 'toString' })).toBeNull();
    expect(parseMessage({ type: '__proto__' })).toBeNull();
    expect(parseMessage('sd:read-image')).toBeNull();
    expect(parseMessage(null)).toBeNull();
    expect(parseMessage([{ type: 'sd:read-image', srcUrl: 'https://a/b.png' }])).toBeNull();
  });

  it('rejects a known type with a malformed field', () => {
    expect(parseMessage({ type: 'sd:read-image', srcUrl: 'javascript:alert(1)' })).toBeNull();
    expect(parseMessage({ type: 'sd:read-image', srcUrl: 'file:///etc/passwd' })).toBeNull();
    const bad = result();
    bad.models[0].probs = [1, 2];
    expect(parseMessage({ type: 'sd:panel-result', srcUrl: 'https://a/b.png', result: bad })).toBeNull();
    const nan = result();
    nan.input[5] = NaN;
    expect(parseMessage({ type: 'sd:panel-result', srcUrl: 'https://a/b.png', result: nan })).toBeNull();
    expect(parseMessage({ type: 'sd:panel-error', srcUrl: 'https://a/b.png', error: { kind: 'oops', message: 'x' } })).toBeNull();
    expect(parseMessage({ type: 'sd:request-access', origin: 'https://a.com/path' })).toBeNull();
    const url = { kind: 'url', url: 'https://a/b.png' };
    expect(parseMessage({ type: 'sd:offscreen-analyze', source: url })).toBeNull();
    expect(parseMessage({ type: 'sd:offscreen-analyze', source: url, prefs: { ...prefs, engine: 'gpu' } })).toBeNull();
    expect(parseMessage({ type: 'sd:offscreen-analyze', source: url, prefs: { ...prefs, saliency: { method: 'smoothgrad', steps: 1e9 } } })).toBeNull();
  });

  it('only returns the types asked for', () => {
    const m = { type: 'sd:request-access', origin: 'https://a.com' };
    expect(parseMessage(m, ['sd:read-image'] as const)).toBeNull();
    expect(parseMessage(m, ['sd:request-access'] as const)).toEqual(m);
  });

  it('rejects pixels whose base64 length does not match width × height', () => {
    const image = { width: 2, height: 2, data: encodePixels(new Uint8Array(12)) };
    expect(parseMessage({ type: 'sd:offscreen-analyze', source: { kind: 'pixels', image }, prefs })).toBeNull();
  });
});

describe('isWebOrigin', () => {
  it.each([
    ['https://example.com', true],
    ['http://127.0.0.1:8731', true],
    ['https://example.com/', false],
    ['ftp://example.com', false],
    ['chrome-extension://abc', false],
    ['not a url', false],
  ])('%s → %s', (v, ok) => expect(isWebOrigin(v)).toBe(ok));
});

describe('pixels as base64', () => {
  it('round-trips every byte value, across the 32 KiB chunk boundary', () => {
    const data = new Uint8Array(70_000).map((_, i) => (i * 7) & 255);
    expect(Array.from(decodePixels(encodePixels(data)))).toEqual(Array.from(data));
  });
});

describe('isAnalyzeOutcome', () => {
  it('accepts results and errors, rejects half-formed answers', () => {
    expect(isAnalyzeOutcome({ ok: true, result: result() })).toBe(true);
    expect(isAnalyzeOutcome({ ok: false, error: { kind: 'engine', message: 'boom' } })).toBe(true);
    expect(isAnalyzeOutcome({ ok: true })).toBe(false);
    expect(isAnalyzeOutcome({ ok: false, error: { kind: 'cross-origin', message: 'x', origin: 'https://a.com/x' } })).toBe(false);
  });
});

describe('panel results with typicality', () => {
  const withTypicality = (t: unknown) => {
    const r = result();
    (r.models[0] as { typicality?: unknown }).typicality = t;
    return { ok: true, result: r };
  };
  it('accepts a well-formed typicality or null, refuses a malformed one', () => {
    expect(isAnalyzeOutcome(withTypicality({ distance: 5.1, closest: 7, threshold: 11.8, typical: true }))).toBe(true);
    expect(isAnalyzeOutcome(withTypicality(null))).toBe(true);
    expect(isAnalyzeOutcome(withTypicality({ distance: 'far', closest: 7, threshold: 11.8, typical: true }))).toBe(false);
    expect(isAnalyzeOutcome(withTypicality({ distance: 5, closest: 12, threshold: 11.8, typical: true }))).toBe(false);
    expect(isAnalyzeOutcome(withTypicality({ distance: 5, closest: 1, threshold: 11.8 }))).toBe(false);
  });
});

describe('panel results with an engine notice', () => {
  it('carries the worker’s notice (engine picked again) to the panel, and refuses a malformed one', async () => {
    const { toOutcome } = await import('../../extension/shared/outcome.ts');
    const r = result();
    const analyzed = {
      ok: true as const,
      input: new Float32Array(784),
      models: r.models.map((m) => ({ id: m.id, digit: m.digit, probs: Float32Array.from(m.probs) })),
      engine: 'tfjs-wasm' as const,
      ms: 2,
      notice: 'The WebGL context was lost; the models now run on tfjs-wasm.',
    };
    const out = toOutcome(analyzed as never);
    expect(out.ok && out.result.notice).toBe(analyzed.notice);
    expect(isAnalyzeOutcome(out)).toBe(true);
    expect(isAnalyzeOutcome({ ok: true, result: { ...result(), notice: 42 } })).toBe(false);
    expect(isAnalyzeOutcome({ ok: true, result: { ...result(), notice: 'x'.repeat(301) } })).toBe(false);
  });
});
