// Reading rows of digits (src/preprocess/row.ts, segment.ts, cut.ts) with the shipped models as the judge of cuts.
import { beforeAll, describe, expect, it } from 'vitest';
import { readRow, readRowGray, type Score } from '../../src/preprocess/row.ts';
import { preprocess } from '../../src/preprocess/mnist.ts';
import { countLines, groupDigits } from '../../src/preprocess/segment.ts';
import { between, seams } from '../../src/preprocess/cut.ts';
import { handwrittenNumbers } from '../../src/data/numbers.ts';
import { printedNumbers, renderNumber } from '../../src/data/printed-numbers-node.ts';
import { selectEngine } from '../../src/engines/select.ts';
import type { InferenceEngine } from '../../src/engines/types.ts';
import { readEngineWasm } from '../../src/wasm/node.ts';
import { resolveModel } from '../../src/cli/models.ts';
import { argmax } from '../../src/util/array.ts';
import { digit, mnistTest, paint, type Rgb } from '../helpers/digits.ts';

const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];

let engine: InferenceEngine;
/** As the worker scores: the models' mean top probability. */
let score: Score;
const read = async (pixels: Float32Array, id: 'mlp' | 'cnn' = 'cnn') => argmax((await engine.predict(id, pixels)).probs);

beforeAll(async () => {
  const [mlp, cnn] = [await resolveModel('mlp'), await resolveModel('cnn')];
  ({ engine } = await selectEngine({
    choice: 'simd',
    simdWasm: () => readEngineWasm(),
    start: async (e) => {
      await e.load('mlp', mlp.model);
      await e.load('cnn', cnn.model);
    },
  }));
  score = async (x) => {
    let s = 0;
    for (const id of ['mlp', 'cnn']) s += Math.max(...(await engine.predict(id, x)).probs);
    return s / 2;
  };
});

/** MNIST test digits side by side, each `gap` px after the previous one's 28-px frame ends (negative: overlap). */
function row(indices: number[], gap: number): { gray: Float32Array; w: number } {
  const w = indices.length * 28 + (indices.length - 1) * gap + 8;
  const gray = new Float32Array(w * 36);
  indices.forEach((k, n) => {
    const d = digit(k);
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const p = (y + 4) * w + 4 + n * (28 + gap) + x;
        gray[p] = Math.max(gray[p], d[y * 28 + x]);
      }
    }
  });
  return { gray, w };
}

describe('one digit is read exactly as before', () => {
  it('the first 2000 MNIST test digits: none read as several, and every one bit for bit what preprocess() gives', async () => {
    const split: number[] = [];
    let differ = 0;
    for (let k = 0; k < 2000; k++) {
      const img = paint(digit(k), 28, 28, BLACK, WHITE, 3);
      const r = await readRow(img, { score });
      if (!r.ok) throw new Error(`digit ${k}: ${r.message}`);
      if (r.digits.length > 1) {
        split.push(k);
        continue;
      }
      const single = preprocess(img);
      if (!single.ok || single.pixels.some((v, i) => v !== r.digits[0].pixels[i])) differ++;
      expect(r.digits[0].bbox).toEqual(single.ok && single.bbox);
    }
    // The whole test set, measured by `seeing-digits numbers`: see README.
    expect(split.length, `split: ${split.join(', ')}`).toBeLessThanOrEqual(2);
    expect(differ).toBe(0);
  });
});

describe('rows of digits', () => {
  it('two to eight MNIST digits apart: the right count, boxes left to right, the CNN reads ≥ 95 % of the digits', async () => {
    let digits = 0, right = 0;
    for (let n = 2; n <= 8; n++) {
      for (let start = 0; start < 60; start += 10) {
        const idx = Array.from({ length: n }, (_, i) => start + i * 7);
        const { gray, w } = row(idx, 2);
        const r = await readRowGray(gray, w, 36, { score });
        if (!r.ok) throw new Error(r.message);
        expect(r.digits.map((d) => d.bbox.x)).toEqual([...r.digits.map((d) => d.bbox.x)].sort((a, b) => a - b));
        expect(r.digits).toHaveLength(n);
        for (const [i, d] of r.digits.entries()) {
          // Each box lies within its digit's 28-px frame.
          expect(d.bbox.x).toBeGreaterThanOrEqual(4 + i * 30);
          expect(d.bbox.x + d.bbox.width).toBeLessThanOrEqual(4 + i * 30 + 28);
          digits++;
          if ((await read(d.pixels)) === mnistTest().labels[idx[i]]) right++;
        }
      }
    }
    expect(right / digits).toBeGreaterThanOrEqual(0.95);
  });

  it('touching and overlapping pairs are cut: most of 40 pairs read right, none of them as one digit', async () => {
    let right = 0, one = 0;
    for (let k = 0; k < 40; k++) {
      const idx = [100 + 2 * k, 101 + 2 * k];
      // A 28-px frame holds ~20 px of ink: a gap of −8 makes the inks meet or overlap by a pixel or two.
      const { gray, w } = row(idx, -8);
      const r = await readRowGray(gray, w, 36, { score });
      if (!r.ok) throw new Error(r.message);
      if (r.digits.length === 1) one++;
      const n = (await Promise.all(r.digits.map((d) => read(d.pixels)))).join('');
      if (n === idx.map((i) => mnistTest().labels[i]).join('')) right++;
    }
    expect(one).toBeLessThanOrEqual(8);
    expect(right).toBeGreaterThanOrEqual(28);
  });

  it('without a score nothing is cut: touching digits stay one group', async () => {
    const { gray, w } = row([100, 101], -10);
    const r = await readRowGray(gray, w, 36);
    expect(r.ok && r.digits.length).toBe(1);
  });

  it('a printed number in both polarities reads "1973", with boxes in the source image', async () => {
    for (const palette of [{ ink: '#000000', paper: '#ffffff' }, { ink: '#ffffff', paper: '#000000' }]) {
      const img = renderNumber('1973', 'DejaVu Sans', 48, 0.05, palette);
      const r = await readRow(img, { score });
      if (!r.ok) throw new Error(r.message);
      expect((await Promise.all(r.digits.map((d) => read(d.pixels)))).join('')).toBe('1973');
      expect(r.digits[0].polarity).toBe(palette.ink === '#000000' ? 'dark-on-light' : 'light-on-dark');
      for (const d of r.digits) expect(d.bbox.y + d.bbox.height).toBeLessThanOrEqual(img.height);
    }
  });

  it('generated numbers (seed 3): CNN ≥ 90 % of printed and ≥ 75 % of handwritten numbers exactly', async () => {
    const sets = { printed: printedNumbers(60, 3), handwritten: handwrittenNumbers(mnistTest().images, mnistTest().labels, 60, 3) };
    for (const [name, set] of Object.entries(sets)) {
      let exact = 0;
      for (const s of set) {
        const r = await readRow(s.image, { score });
        if (r.ok && (await Promise.all(r.digits.map((d) => read(d.pixels)))).join('') === s.label) exact++;
      }
      expect(exact / set.length, name).toBeGreaterThanOrEqual(name === 'printed' ? 0.9 : 0.75);
    }
  });
});

describe('what is not one row of digits gets a clear message', () => {
  it('two lines of digits', async () => {
    const a = row([0, 1, 2], 2), b = row([3, 4, 5], 2);
    const gray = new Float32Array(a.w * 80);
    gray.set(a.gray, 0);
    gray.set(b.gray, a.w * 40);
    const r = await readRowGray(gray, a.w, 80, { score });
    expect(r.ok ? 'read' : r.message).toMatch(/2 lines of text; Seeing Digits reads one row of digits at a time/);
  });

  it('a point between digits ("3.14")', async () => {
    const img = renderNumber('3.14', 'DejaVu Sans', 48, 0, { ink: '#000000', paper: '#ffffff' });
    const r = await readRow(img, { score });
    expect(r.ok ? 'read' : r.message).toMatch(/a mark that is not a digit/);
  });

  it('more than 12 digits', async () => {
    const img = renderNumber('12345678901234', 'DejaVu Sans', 32, 0.1, { ink: '#000000', paper: '#ffffff' });
    const r = await readRow(img, { score });
    expect(r.ok ? 'read' : r.message).toMatch(/14 digits in a row; Seeing Digits reads up to 12/);
  });

  it('blank and invalid images fail as preprocess() fails', async () => {
    const blank = await readRowGray(new Float32Array(100), 10, 10, { score });
    expect(blank.ok ? 'read' : blank.reason).toBe('blank');
    const bad = await readRow({ width: 3, height: 3, data: new Uint8ClampedArray(5) }, { score });
    expect(bad.ok ? 'read' : bad.reason).toBe('invalid');
  });
});

describe('layout and seams', () => {
  it('an 8 whose loops do not touch is one line and one digit; a broken 5 beside a 1 makes two', () => {
    const loops = [{ x0: 2, y0: 0, x1: 12, y1: 9 }, { x0: 0, y0: 10, x1: 14, y1: 20 }];
    expect(countLines(loops)).toBe(1);
    const g = groupDigits(loops, 20);
    expect('message' in g ? g.message : g.map((x) => x.members)).toEqual([[0, 1]]);
    // 5: loose top bar over a body; then a 1.
    const parts = [{ x0: 2, y0: 0, x1: 12, y1: 3 }, { x0: 0, y0: 4, x1: 12, y1: 20 }, { x0: 16, y0: 0, x1: 18, y1: 20 }];
    const h = groupDigits(parts, 20);
    expect('message' in h ? h.message : h.map((x) => x.members.sort())).toEqual([[0, 1], [2]]);
  });

  it('the cheapest seam between two bars joined by a bridge runs through the bridge, and the halves keep all other ink', () => {
    const w = 20, h = 20, ink = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) if (x < 6 || x >= 14 || (y >= 9 && y < 11)) ink[y * w + x] = 1;
    }
    const piece = { x0: 0, y0: 0, w, h, ink };
    const [s] = seams(piece, 20, 1);
    expect(s.every((x) => x >= 6 && x < 14)).toBe(true);
    const l = between(piece, undefined, s)!, r = between(piece, s, undefined)!;
    const mass = (p: { ink: Float32Array }) => p.ink.reduce((a, b) => a + b, 0);
    expect(mass(l) + mass(r)).toBe(mass(piece) - 2); // the seam crosses the 2-px bridge once
    expect([l.x0, l.w, r.x0 + r.w]).toEqual([0, expect.any(Number), 20]);
    expect(l.h).toBe(20);
  });
});
