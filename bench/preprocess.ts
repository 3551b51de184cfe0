// Preprocessing and augmentation speed: the popup calls preprocessGray on its 280×280 canvas on every stroke (budget
// 1 ms), and training augments 60 000 images per epoch (budget well under 1 s).
// Run alone: npx tsx bench/preprocess.ts
import { pathToFileURL } from 'node:url';
import { loadMnist } from '../src/data/mnist-node.ts';
import { preprocess, preprocessGray } from '../src/preprocess/mnist.ts';
import type { RgbaImage } from '../src/preprocess/types.ts';
import { augmentBatch } from '../src/train/augment.ts';
import { mulberry32 } from '../src/util/random.ts';
import { printTable, timeUs, type Row } from './report.ts';
import { INPUT_SIZE } from '../src/model/shipped.ts';

/** MNIST digit 0 enlarged f× by pixel replication: a gray canvas, ink bright (like the popup's). */
function canvas(digit: Float32Array, f: number): Float32Array {
  const W = 28 * f;
  const g = new Float32Array(W * W);
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) g[y * W + x] = digit[Math.floor(y / f) * 28 + Math.floor(x / f)];
  return g;
}

function rgba(gray: Float32Array, w: number, h: number): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const v = 255 - Math.round(255 * gray[i]); // dark on light
    data[4 * i] = data[4 * i + 1] = data[4 * i + 2] = v;
    data[4 * i + 3] = 255;
  }
  return { width: w, height: h, data };
}

/** A 4000×3000 photo-sized page with the digit 2000 px tall in it. */
function photo(digit: Float32Array): RgbaImage {
  const data = new Uint8ClampedArray(4000 * 3000 * 4).fill(255);
  for (let y = 0; y < 2000; y++) {
    for (let x = 0; x < 2000; x++) {
      const v = digit[Math.floor(y / (2000 / 28)) * 28 + Math.floor(x / (2000 / 28))];
      const p = 4 * ((y + 500) * 4000 + x + 1000);
      data[p] = data[p + 1] = data[p + 2] = 255 - Math.round(255 * v);
    }
  }
  return { width: 4000, height: 3000, data };
}

export async function benchPreprocess(): Promise<void> {
  const test = loadMnist('test');
  const digit = test.images.subarray(0, INPUT_SIZE);
  const pad = canvas(digit, 10);
  const out = new Float32Array(INPUT_SIZE);
  const rows: Row[] = [];
  rows.push({ name: 'preprocessGray 280×280 (popup canvas)', impl: 'ours', us: await timeUs(() => preprocessGray(pad, 280, 280, { out })) });
  const small = rgba(pad, 280, 280);
  rows.push({ name: 'preprocess RGBA 280×280', impl: 'ours', us: await timeUs(() => preprocess(small)) });
  const big = photo(digit);
  rows.push({ name: 'preprocess RGBA 4000×3000', impl: 'ours', us: await timeUs(() => preprocess(big), { rounds: 3 }) });
  const train = loadMnist('train');
  const dst = new Float32Array(train.images.length);
  const r = mulberry32(1);
  rows.push({ name: 'augmentBatch 60000 images', impl: 'ours', us: await timeUs(() => augmentBatch(train.images, dst, train.count, r), { rounds: 5 }) });
  printTable('Preprocessing and augmentation', rows);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchPreprocess();
