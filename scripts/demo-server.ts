/**
 * A static server for the demo page (dist/demo/) on the loopback interface. Two of them give a second origin: the
 * page's __CROSS_ORIGIN__ is replaced with the other server's origin, and images requested with ?cors=1 are sent
 * with Access-Control-Allow-Origin (the rest without, like most sites).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

export interface DemoServer {
  origin: string;
  close(): Promise<void>;
}

function handler(dir: string, crossOrigin = ''): RequestListener {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const rel = normalize(decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)).replace(/^[/\\]+/, '');
    if (rel.split(sep).includes('..')) return void res.writeHead(403).end();
    try {
      let body: Buffer | string = await readFile(join(dir, rel));
      if (rel.endsWith('.html')) body = body.toString('utf8').replaceAll('__CROSS_ORIGIN__', crossOrigin);
      const headers: Record<string, string> = { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
      if (url.searchParams.get('cors') === '1') headers['access-control-allow-origin'] = '*';
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as { port: number }).port));
  });
}

const closeServer = (s: Server) => new Promise<void>((r) => s.close(() => r()));

/**
 * Serves `dir` on 127.0.0.1 (port 0: any free one). With `ipv6`, also on [::1] at the same port: the same files
 * under other host names (localhost, [::1]), i.e. another site as far as the browser's permissions go.
 */
export async function serveDemo(dir: string, opts: { port?: number; crossOrigin?: string; ipv6?: boolean } = {}): Promise<DemoServer> {
  const servers = [createServer(handler(dir, opts.crossOrigin))];
  const port = await listen(servers[0], opts.port ?? 0, '127.0.0.1');
  if (opts.ipv6) {
    servers.push(createServer(handler(dir, opts.crossOrigin)));
    await listen(servers[1], port, '::1');
  }
  return { origin: `http://127.0.0.1:${port}`, close: async () => void (await Promise.all(servers.map(closeServer))) };
}
