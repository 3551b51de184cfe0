// The CLI's PNG decoding, bounded: each side and the total pixel count are checked on the header before pngjs runs
// (a 1×10 000 000 PNG of a few hundred bytes took pngjs 9.7 s and 1.5 GB), and the inflated image data must be
// exactly what the header implies (truncated data was decoded from uninitialised memory).
import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { decodeImageBytes } from '../../src/image/decode-node.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { decodeImageFile } from '../../src/image/decode-node.ts';
import { pngDataLength, pngDataProblem, pngDataProblemStreaming } from '../../src/image/png-data.ts';
import { chunk, ihdr, png, pngWithRows } from '../helpers/png.ts';

describe('PNG limits from the header', () => {
  it('a 1×10 000 000 PNG is refused for its height before decoding', () => {
    const file = pngWithRows({ width: 1, height: 10_000_000 }, 1, 1);
    expect(() => decodeImageBytes(file, 'tall.png')).toThrow(/tall\.png: the image is 1×10000000; the limit is 16384 pixels a side/);
  });

  it('a 39 000 000×1 PNG likewise for its width', () => {
    const file = pngWithRows({ width: 39_000_000, height: 1 }, 0, 0);
    expect(() => decodeImageBytes(file, 'wide.png')).toThrow(/the image is 39000000×1; the limit is 16384 pixels a side/);
  });

  it('a header declaring 0 pixels is refused', () => {
    expect(() => decodeImageBytes(pngWithRows({ width: 0, height: 5 }, 0, 0), 'z.png')).toThrow(/size of 0×5 pixels/);
  });
});

describe('PNG image data must match the header', () => {
  it('a 2000×2000 PNG with 100 rows of data is refused, not read as a digit', () => {
    const file = pngWithRows({ width: 2000, height: 2000 }, 100, 2000, 255);
    expect(() => decodeImageBytes(file, 'short.png')).toThrow(
      /short\.png: corrupt or truncated PNG \(the image data holds 200100 bytes, but a 2000×2000 image needs 4002000\)/,
    );
  });

  it('a 100×100 PNG with 10 rows: the same message on every run (no uninitialised memory)', () => {
    const file = pngWithRows({ width: 100, height: 100, colour: 6 }, 10, 400);
    const messages = new Set<string>();
    for (let i = 0; i < 5; i++) {
      try {
        decodeImageBytes(file, 'ten.png');
        messages.add('decoded');
      } catch (e) {
        messages.add((e as Error).message);
      }
    }
    expect([...messages]).toEqual(['ten.png: corrupt or truncated PNG (the image data holds 4010 bytes, but a 100×100 image needs 40100)']);
  });

  it('data that inflates past the header stops at the header: a zlib bomb is cut off', () => {
    const bomb = png([ihdr({ width: 10, height: 10 }), chunk('IDAT', deflateSync(new Uint8Array(50 << 20))), chunk('IEND', new Uint8Array(0))]);
    expect(pngDataProblem(bomb)).toMatch(/inflates to more than the 110 bytes a 10×10 image holds/);
  });

  it('a cut zlib stream, a chunk running past the end, a missing IEND', () => {
    const good = pngWithRows({ width: 64, height: 64 }, 64, 64, 7);
    expect(pngDataProblem(good)).toBeNull();
    const idatEnd = good.length - 12; // IEND is the last 12 bytes
    const cut = png([ihdr({ width: 64, height: 64 }), chunk('IDAT', good.subarray(8 + 25 + 8, idatEnd - 4 - 6)), chunk('IEND', new Uint8Array(0))]);
    expect(pngDataProblem(cut)).toMatch(/image data holds \d+ bytes|does not inflate/);
    expect(pngDataProblem(good.subarray(0, good.length - 20))).toMatch(/runs past the end/);
    expect(pngDataProblem(good.subarray(0, good.length - 12))).toMatch(/ends before its IEND/);
    expect(pngDataProblem(pngWithRows({ width: 4, height: 4, colour: 2, depth: 4 }, 4, 6))).toMatch(/colour type 2 with bit depth 4/);
  });

  it('files (the CLI) are checked by counting the data as it streams: the same verdicts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'png-data-'));
    afterAll(() => rmSync(dir, { recursive: true }));
    const cases: [string, Uint8Array][] = [
      ['short', pngWithRows({ width: 2000, height: 2000 }, 100, 2000, 255)],
      ['bomb', png([ihdr({ width: 10, height: 10 }), chunk('IDAT', deflateSync(new Uint8Array(50 << 20))), chunk('IEND', new Uint8Array(0))])],
      ['good', pngWithRows({ width: 64, height: 64 }, 64, 64, 7)],
      ['garbage', png([ihdr({ width: 4, height: 4 }), chunk('IDAT', new Uint8Array([1, 2, 3, 4, 5])), chunk('IEND', new Uint8Array(0))])],
    ];
    for (const [name, bytes] of cases) {
      expect(await pngDataProblemStreaming(bytes), name).toBe(pngDataProblem(bytes));
      const path = join(dir, `${name}.png`);
      writeFileSync(path, bytes);
      const problem = pngDataProblem(bytes);
      if (problem) await expect(decodeImageFile(path)).rejects.toThrow(`${path}: corrupt or truncated PNG (${problem})`);
      else expect((await decodeImageFile(path)).width).toBe(64);
    }
  });

  it('scanline sizes: bit depths, colour types and Adam7 passes', () => {
    expect(pngDataLength(5, 3, 1, false)).toBe(3 * (1 + 1));
    expect(pngDataLength(9, 2, 2, false)).toBe(2 * (1 + 3));
    expect(pngDataLength(3, 2, 64, false)).toBe(2 * (1 + 24));
    // 1×1 interlaced: only the first pass has a pixel. 8×8 RGBA: passes of 1×1, 1×1, 2×1, 2×2, 4×2, 4×4, 8×4.
    expect(pngDataLength(1, 1, 32, true)).toBe(5);
    const passes = [[1, 1], [1, 1], [2, 1], [2, 2], [4, 2], [4, 4], [8, 4]];
    expect(pngDataLength(8, 8, 32, true)).toBe(passes.reduce((n, [w, h]) => n + h * (1 + 4 * w), 0));
  });

  it('real PNGs of every colour type pngjs writes still decode, pixel for pixel', () => {
    const data = new Uint8Array(7 * 5 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 29) % 256));
    for (const [colorType, inputHasAlpha] of [[0, true], [2, true], [4, true], [6, true]] as const) {
      for (const bitDepth of [8, 16] as const) {
        const p = new PNG({ width: 7, height: 5, colorType, inputHasAlpha, bitDepth });
        p.data.set(data);
        const bytes = PNG.sync.write(p, { colorType, inputHasAlpha, bitDepth });
        expect(pngDataProblem(bytes), `colour ${colorType} depth ${bitDepth}`).toBeNull();
        const img = decodeImageBytes(bytes, 'ok.png');
        expect([img.width, img.height]).toEqual([7, 5]);
        if (colorType === 6 && bitDepth === 8) expect([...img.data]).toEqual([...data]);
      }
    }
  });
});
