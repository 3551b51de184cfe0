/**
 * The demo page's images (written at build time into dist/demo/, next to extension/demo/index.html): real MNIST
 * test digits enlarged and drawn dark on light like a scanned page, an SVG digit, a blank image, a very large digit
 * (to exercise downscaling), something that is not a digit, and the labels, so end-to-end tests know the answers.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { createCanvas } from '@napi-rs/canvas';
import { loadMnist } from '../src/data/mnist-node.ts';

const SIDE = 28;
const PAPER = [252, 251, 247];
const INK = [24, 27, 38];

export interface DemoDigit {
  file: string;
  label: number;
  /** Index in the MNIST test set. */
  index: number;
}

/** `image` (w×h, 28×28 by default, in [0, 1], ink bright) enlarged `scale`× with bilinear filtering, ink dark on paper. */
export function renderDigit(image: Float32Array, scale: number, w = SIDE, h = SIDE): PNG {
  const png = new PNG({ width: w * scale, height: h * scale });
  const at = (x: number, y: number) => image[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))];
  for (let y = 0; y < h * scale; y++) {
    for (let x = 0; x < w * scale; x++) {
      // sample the 28×28 grid at the output pixel's centre
      const sx = (x + 0.5) / scale - 0.5;
      const sy = (y + 0.5) / scale - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
      const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
      const v = top * (1 - fy) + bottom * fy;
      const o = (y * w * scale + x) * 4;
      for (let c = 0; c < 3; c++) png.data[o + c] = Math.round(PAPER[c] + (INK[c] - PAPER[c]) * v);
      png.data[o + 3] = 255;
    }
  }
  return png;
}

function blank(size: number): PNG {
  const png = new PNG({ width: size, height: size });
  for (let i = 0; i < size * size; i++) png.data.set([...PAPER, 255], i * 4);
  return png;
}

/** A "3" in strokes, as a designer would draw it: no natural size quirks, just a viewBox and width/height. */
export const SVG_DIGIT = { file: 'three.svg', label: 3 };
const SVG_TEXT = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160" viewBox="0 0 100 100">
  <rect width="100" height="100" fill="#fcfbf7"/>
  <path d="M32 24 C40 14 62 12 68 24 C74 36 60 46 48 48 C62 48 74 56 72 70 C70 86 44 90 30 78"
        fill="none" stroke="#181b26" stroke-width="9" stroke-linecap="round" stroke-linejoin="round"/>
</svg>
`;

/** Not a digit: an ×, drawn with a pen as thick as the digits' strokes (MNIST models are often sure anyway). */
function cross(): Buffer {
  const canvas = createCanvas(168, 168);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = `rgb(${PAPER.join(',')})`;
  ctx.fillRect(0, 0, 168, 168);
  ctx.strokeStyle = `rgb(${INK.join(',')})`;
  ctx.lineWidth = 12;
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.moveTo(32, 32);
  ctx.lineTo(136, 136);
  ctx.moveTo(136, 32);
  ctx.lineTo(32, 136);
  ctx.stroke();
  return canvas.toBuffer('image/png');
}

const png = (p: PNG) => PNG.sync.write(p);

/** Two 28×28 digits in one row, the second's frame starting 24 px after the first's: a "42" as a page might show. */
/** 28×28 digits side by side, each `step` px right of the one before (under 20 px, their inks touch). */
export function row(images: Float32Array[], step: number): { image: Float32Array; width: number } {
  const w = SIDE + (images.length - 1) * step;
  const out = new Float32Array(w * SIDE);
  images.forEach((im, k) => {
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) out[y * w + x + k * step] = Math.max(out[y * w + x + k * step], im[y * SIDE + x]);
    }
  });
  return { image: out, width: w };
}

/** Index of the n-th (1-based) test image of `label`. */
function nth(labels: Uint8Array, label: number, n: number): number {
  let i = 0;
  for (let seen = 0; i < labels.length; i++) if (labels[i] === label && ++seen === n) break;
  return i;
}

/** Writes the images into `dir` and returns what the page and the tests need to know. */
export function writeDemoAssets(dir: string) {
  mkdirSync(join(dir, 'digits'), { recursive: true });
  const { images, labels, count } = loadMnist('test');
  const image = (i: number) => images.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE);
  const digits: DemoDigit[] = [];
  // The first test image of each digit: a fixed, honest sample (not picked for looking easy).
  for (let label = 0; label < 10; label++) {
    let index = 0;
    while (index < count && labels[index] !== label) index++;
    const file = `digits/mnist-${label}.png`;
    writeFileSync(join(dir, file), png(renderDigit(image(index), 6)));
    digits.push({ file, label, index });
  }
  // A second 7 for the data: URL, so it is not the same bytes as a file on the page.
  let second = 0;
  for (let seen = 0; second < count; second++) if (labels[second] === 7 && ++seen === 2) break;
  const dataUrl = `data:image/png;base64,${png(renderDigit(image(second), 5)).toString('base64')}`;
  writeFileSync(join(dir, 'digits/large-2.png'), png(renderDigit(image(digits[2].index), 60))); // 1680×1680
  writeFileSync(join(dir, 'digits/blank.png'), png(blank(168)));
  writeFileSync(join(dir, `digits/${SVG_DIGIT.file}`), SVG_TEXT);
  writeFileSync(join(dir, 'digits/cross.png'), cross());
  // Numbers to read: 42 from the digits above, apart; a touching pair (their inks overlap at a 17 px step) and 1973
  // from the second test image of each digit (the first 3 is one of the few single digits read as two).
  const numbers = [
    { id: 'forty-two', label: '42', indices: [digits[4].index, digits[2].index], step: 24 },
    { id: 'touching', label: '35', indices: [nth(labels, 3, 2), nth(labels, 5, 2)], step: 17 },
    { id: 'year', label: '1973', indices: [1, 9, 7, 3].map((d) => nth(labels, d, 2)), step: 22 },
  ].map((n) => {
    const { image: gray, width } = row(n.indices.map(image), n.step);
    const file = `digits/${n.id}.png`;
    writeFileSync(join(dir, file), png(renderDigit(gray, 4, width)));
    return { id: n.id, file, label: n.label };
  });
  const manifest = {
    digits,
    dataUrl: { label: 7, index: second },
    large: { file: 'digits/large-2.png', label: 2 },
    svg: { file: `digits/${SVG_DIGIT.file}`, label: SVG_DIGIT.label },
    blank: { file: 'digits/blank.png' },
    notDigit: { file: 'digits/cross.png' },
    numbers,
  };
  writeFileSync(join(dir, 'digits.json'), JSON.stringify(manifest, null, 2));
  const template = readFileSync(new URL('../extension/demo/index.html', import.meta.url), 'utf8');
  writeFileSync(join(dir, 'index.html'), template.replace('__DATA_URL__', dataUrl));
  return manifest;
}

export type DemoManifest = ReturnType<typeof writeDemoAssets>;
