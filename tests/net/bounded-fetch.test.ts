// The bounded fetch against a real local HTTP server: a 200 MiB body without Content-Length stops near the cap (the
// server sees the connection close), a server that never finishes times out, and every failure says which kind it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BoundedFetchError, boundedFetch, withDeadline, type BoundedFetchOptions } from '../../src/net/bounded-fetch.ts';

const CAP = 8 << 20;
const CHUNK = new Uint8Array(64 << 10).fill(7);
/** Bytes the server managed to hand to the socket per path, and whether the client hung up. */
const sent = new Map<string, { bytes: number; closed: boolean }>();
let server: Server;
let base: string;

/** Writes `total` bytes in 64 KiB chunks, honouring back-pressure, until done or the client goes away. */
function stream(res: ServerResponse, path: string, total: number): void {
  const log = { bytes: 0, closed: false };
  sent.set(path, log);
  res.on('close', () => (log.closed = true));
  const pump = () => {
    while (log.bytes < total && !log.closed) {
      log.bytes += CHUNK.length;
      if (!res.write(CHUNK)) return void res.once('drain', pump);
    }
    if (!log.closed) res.end();
  };
  pump();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/ok') return void res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('pixels'));
    if (path === '/missing') return void res.writeHead(404).end();
    if (path === '/declared-huge') {
      res.writeHead(200, { 'content-length': String(300 << 20) });
      return stream(res, path, 300 << 20);
    }
    if (path === '/endless') {
      res.writeHead(200, { 'content-type': 'image/png' }); // chunked: no Content-Length
      return stream(res, path, 200 << 20);
    }
    if (path === '/hang-headers') return void sent.set(path, { bytes: 0, closed: false }); // never answers
    if (path === '/hang-body') {
      res.writeHead(200, { 'content-length': '1000' });
      res.write(Buffer.alloc(10));
      return; // ten bytes of a thousand, then silence
    }
    if (path === '/redirect') return void res.writeHead(302, { location: '/ok' }).end();
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const opts = (o: Partial<BoundedFetchOptions> = {}): BoundedFetchOptions => ({
  maxBytes: CAP,
  timeoutMs: 2000,
  credentials: 'omit',
  redirect: 'follow',
  ...o,
});

async function failure(p: Promise<unknown>): Promise<BoundedFetchError> {
  const e = await p.then(
    () => new Error('resolved'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BoundedFetchError);
  return e as BoundedFetchError;
}

describe('boundedFetch', () => {
  it('a small image comes back whole, with its type', async () => {
    const r = await boundedFetch(`${base}/ok`, opts());
    expect(new TextDecoder().decode(r.bytes)).toBe('pixels');
    expect(r.type).toBe('image/png');
  });

  it('a 200 MiB stream without Content-Length stops near the cap, and the server sees the client hang up', async () => {
    const e = await failure(boundedFetch(`${base}/endless`, opts()));
    expect(e.kind).toBe('too-large');
    expect(e.message).toBe('the image is too large to read (more than 8 MiB)');
    await expect.poll(() => sent.get('/endless')?.closed, { timeout: 2000 }).toBe(true);
    // What the server got out before the close: the cap plus socket and stream buffers, nowhere near 200 MiB.
    expect(sent.get('/endless')!.bytes).toBeLessThan(CAP + (8 << 20));
  });

  it('a declared Content-Length over the cap is refused before reading the body', async () => {
    const e = await failure(boundedFetch(`${base}/declared-huge`, opts()));
    expect(e.kind).toBe('too-large');
    expect(e.message).toBe('the image is too large to read (300 MiB; the limit is 8 MiB)');
    await expect.poll(() => sent.get('/declared-huge')?.closed, { timeout: 2000 }).toBe(true);
    expect(sent.get('/declared-huge')!.bytes).toBeLessThan(CAP + (8 << 20));
  });

  it('a server that never answers, or stops mid-body, times out', async () => {
    for (const path of ['/hang-headers', '/hang-body']) {
      const e = await failure(boundedFetch(`${base}${path}`, opts({ timeoutMs: 300 })));
      expect(e.kind, path).toBe('timeout');
      expect(e.message).toBe('the download did not finish within 0.3 s');
    }
  });

  it('HTTP errors, refused connections, refused redirects and outside aborts each say what they are', async () => {
    const http = await failure(boundedFetch(`${base}/missing`, opts()));
    expect([http.kind, http.status, http.message]).toEqual(['http', 404, 'the image could not be downloaded (HTTP 404)']);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect((await failure(boundedFetch(`http://127.0.0.1:${port}/`, opts()))).kind).toBe('network');
    expect((await failure(boundedFetch(`${base}/redirect`, opts({ redirect: 'error' })))).kind).toBe('network');
    expect(new TextDecoder().decode((await boundedFetch(`${base}/redirect`, opts())).bytes)).toBe('pixels');
    const outer = new AbortController();
    const pending = boundedFetch(`${base}/hang-headers`, opts({ signal: outer.signal }));
    outer.abort();
    expect((await failure(pending)).kind).toBe('aborted');
  });

  it('passes its credentials and redirect policy to fetch, never the defaults', async () => {
    let init: RequestInit | undefined;
    const fetchFn = (async (_u: string, i?: RequestInit) => ((init = i), new Response('x'))) as typeof fetch;
    await boundedFetch('https://example.test/a.png', opts({ credentials: 'same-origin', redirect: 'manual', fetchFn }));
    expect([init?.credentials, init?.redirect]).toEqual(['same-origin', 'manual']);
  });
});

describe('withDeadline', () => {
  it('rejects after the time with the message, and aborts what the work started', async () => {
    let signal: AbortSignal | undefined;
    const never = withDeadline(100, 'the click took too long', (s) => ((signal = s), new Promise<never>(() => undefined)));
    await expect(never).rejects.toThrow('the click took too long');
    expect(signal!.aborted).toBe(true);
    await expect(withDeadline(1000, 'x', async () => 42)).resolves.toBe(42);
  });

  it('a download inside the deadline stops with it', async () => {
    const e = await failure(withDeadline(200, 'the click took too long', (signal) => boundedFetch(`${base}/hang-headers`, opts({ timeoutMs: 10_000, signal }))));
    expect(e.message).toBe('the click took too long');
  });
});
