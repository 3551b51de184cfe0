// Hostile images, right-clicked in real browsers (the test build): a PNG header declaring 20000×20000 is refused
// from its header, a 200 MiB stream without Content-Length stops at the 32 MiB cap and is downloaded once (no
// second fetch for a failure that is not CORS/network), and a server that never answers ends in a message.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, DIST, firefox, type Session } from '../../scripts/browsers.ts';
import { settledPanel } from './panel.ts';
import { pngWithRows } from '../helpers/png.ts';

/** Per path: requests seen and bytes written. */
const served = new Map<string, { requests: number; bytes: number }>();
const CHUNK = new Uint8Array(256 << 10).fill(1);

function stream(res: ServerResponse, log: { bytes: number }, total: number): void {
  let closed = false;
  res.on('close', () => (closed = true));
  const pump = () => {
    while (log.bytes < total && !closed) {
      log.bytes += CHUNK.length;
      if (!res.write(CHUNK)) return void res.once('drain', pump);
    }
    if (!closed) res.end();
  };
  pump();
}

/** A page whose CSS tries to hide the panel's host and lay it at 0,0 (under the cursor, for clickjacking). */
const STYLED = `<!doctype html><title>restyle</title>
<style>
  seeing-digits-panel, html > :not(head, body) { opacity: 0 !important; left: 0 !important; top: 0 !important;
    position: fixed !important; transform: scale(0) !important; visibility: hidden !important; clip-path: inset(50%) !important;
    width: 1px !important; height: 1px !important; display: none !important; }
</style>
<p style="margin: 200px 0 0 300px">A handwritten digit: <img id="digit" src="/digit.png" width="112" height="112"></p>`;

function hostile(): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const log = served.get(path) ?? { requests: 0, bytes: 0 };
    served.set(path, log);
    log.requests++;
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>hostile</title><p>images</p>');
    if (path === '/bomb.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(pngWithRows({ width: 20_000, height: 20_000 }, 1, 20_000));
    if (path === '/endless.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      return stream(res, log, 200 << 20);
    }
    if (path === '/hang.png') return; // never answers
    if (path === '/digit.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(readFileSync(join(DIST, 'demo/digits/mnist-7.png')));
    if (path === '/large-2.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(readFileSync(join(DIST, 'demo/digits/large-2.png')));
    if (path === '/styled') return void res.writeHead(200, { 'content-type': 'text/html' }).end(STYLED);
    res.writeHead(404).end();
  });
}

for (const [name, launch] of [['chromium', chromium], ['firefox', firefox]] as const) {
  describe(`${name}: hostile images`, () => {
    let server: Server;
    let origin: string;
    let session: Session;
    beforeAll(async () => {
      server = hostile();
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      session = await launch();
    }, 90_000);
    afterAll(async () => {
      await session?.close();
      server?.closeAllConnections();
      server?.close();
      served.clear();
    });

    async function errorFor(file: string): Promise<string> {
      const page = await session.open(`${origin}/`);
      const outcome = await session.click(page, `${origin}/${file}`);
      const { view } = await settledPanel(page);
      expect(outcome.ok).toBe(false);
      expect(view.state).toBe('error');
      await page.close();
      return view.error ?? '';
    }

    it('a valid 1680×1680 image that is not on the page is downloaded, downscaled while decoding, and read', async () => {
      const page = await session.open(`${origin}/`);
      const outcome = await session.click(page, `${origin}/large-2.png`);
      const { view } = await settledPanel(page);
      expect(outcome.ok, JSON.stringify(outcome).slice(0, 200)).toBe(true);
      expect([view.mlp, view.cnn]).toEqual(['2', '2']);
      await page.close();
    });

    it('a PNG declaring 20000×20000 is refused from its header', async () => {
      expect(await errorFor('bomb.png')).toMatch(/20000×20000; the limit is 16384 pixels a side/);
    });

    it('a 200 MiB stream without Content-Length stops at the cap, downloaded once', async () => {
      expect(await errorFor('endless.png')).toMatch(/too large to read \(more than 32 MiB\)/);
      const log = served.get('/endless.png')!;
      expect(log.requests).toBe(1);
      expect(log.bytes).toBeLessThan(48 << 20);
    });

    it('page CSS and script on the host element neither hide nor move the panel', async () => {
      const page = await session.open(`${origin}/styled`);
      const src = `${origin}/digit.png`;
      const outcome = await session.click(page, src);
      expect(outcome.ok).toBe(true);
      const restyle = () =>
        page.evaluate(() => {
          const host = document.querySelector('seeing-digits-panel') as HTMLElement;
          host.style.cssText = 'opacity: 0 !important; left: 0 !important; top: 0 !important; position: fixed !important';
          const s = getComputedStyle(host);
          const r = host.getBoundingClientRect();
          const img = document.getElementById('digit')!.getBoundingClientRect();
          const apart = r.right <= img.left || r.left >= img.right || r.bottom <= img.top || r.top >= img.bottom;
          return { opacity: s.opacity, visibility: s.visibility, transform: s.transform, width: r.width, atOrigin: r.left === 0 && r.top === 0, apart };
        });
      const seen = await restyle();
      expect(seen.opacity).toBe('1');
      expect(seen.visibility).toBe('visible');
      expect(seen.transform).toBe('none');
      expect(seen.width).toBeGreaterThan(200);
      expect(seen.atOrigin).toBe(false); // not laid at 0,0 (under the cursor)
      expect(seen.apart).toBe(true); // still beside the image, not over it
      const { view } = await settledPanel(page);
      expect(view.mlp).toBe('7');
      await page.close();
    });

    it('the page cannot find the panel\'s text (window.find)', async () => {
      const page = await session.open(`${origin}/styled`);
      const outcome = await session.click(page, `${origin}/digit.png`);
      expect(outcome.ok).toBe(true);
      const { view } = await settledPanel(page);
      expect(view.mlp).toBe('7');
      const found = await page.evaluate(() =>
        ['Both models', 'read a 7', 'Seeing Digits', 'Model input', 'sure', 'Engine'].filter((t) => (window as any).find(t, false, false, true)),
      );
      expect(found).toEqual([]);
      // The search itself works, on the page's own text.
      expect(await page.evaluate(() => (window as any).find('A handwritten digit', false, false, true))).toBe(true);
      await page.close();
    });

    it('a server that never answers ends in a message, without a second try', async () => {
      expect(await errorFor('hang.png')).toMatch(/did not finish within 4 s/);
      expect(served.get('/hang.png')!.requests).toBe(1);
    });
  });
}
