/**
 * MNIST in a browser worker: the four IDX files gzipped in the extension (scripts/build-extension.ts writes them to
 * mnist/), fetched and inflated with the browser's own DecompressionStream, parsed by the same IDX reader as Node's.
 * Only the Train view asks for them (through trainStart), so nothing else ever downloads or decodes the ~11 MB.
 */
import { bytesToUnit, checkIdxPair, parseIdxImages, parseIdxLabels } from '../src/data/idx.ts';
import type { DigitSet } from '../src/train/session.ts';
import { errorText } from '../src/util/guards.ts';
import { fetchOk } from '../src/util/fetch.ts';

/** The gzipped IDX files' names, declared once (the build writes them, the worker reads them). */
export const MNIST_GZ = {
  train: { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' },
  test: { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' },
} as const;

async function gunzip(url: string): Promise<Uint8Array> {
  const res = await fetchOk(url, (m) => new Error(`MNIST: ${m}`));
  if (!res.body) throw new Error(`MNIST: cannot fetch ${url}: HTTP ${res.status}`);
  try {
    const inflated = res.body.pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(inflated).arrayBuffer());
  } catch (e) {
    throw new Error(`MNIST: ${url} is not a valid gzip file: ${errorText(e)}`);
  }
}

/** Both splits from the folder `base` (an absolute URL ending in '/'). */
export async function loadMnistGz(base: string): Promise<{ train: DigitSet; test: DigitSet }> {
  const split = async (name: 'train' | 'test'): Promise<DigitSet> => {
    const files = MNIST_GZ[name];
    const [img, lab] = await Promise.all([gunzip(new URL(files.images, base).href), gunzip(new URL(files.labels, base).href)]);
    const images = parseIdxImages(img, files.images);
    const labels = parseIdxLabels(lab, files.labels);
    checkIdxPair(images, labels, `MNIST ${name}`);
    return { images: bytesToUnit(images.pixels), labels: labels.labels.slice(), count: images.count };
  };
  const [train, test] = await Promise.all([split('train'), split('test')]);
  return { train, test };
}
