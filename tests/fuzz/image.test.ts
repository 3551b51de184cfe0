// Property-based fuzzing of image bytes (fast-check) into the header sniffer and the CLI's decoders: random bytes,
// real PNG/JPEG files with bits flipped, cut short or padded, and PNGs built chunk by chunk with any header and any
// amount of image data (CRCs correct, so the bytes get past the checksum to the decoder). Every case is an image
// of exactly the size it claims (within the limits), or an ImageDecodeError with the file's name; never another
// exception, never uninitialised pixels.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { decodeImageBytes, ImageDecodeError } from '../../src/image/decode-node.ts';
import { IMAGE_LIMITS, sniffImage } from '../../src/image/sniff.ts';
import { preprocess } from '../../src/preprocess/mnist.ts';
import { chunk, ihdr, png } from '../helpers/png.ts';
import { deflateSync } from 'node:zlib';
import { pngDataLength } from '../../src/image/png-data.ts';

function realPng(w: number, h: number, colorType: 0 | 2 | 4 | 6): Uint8Array {
  const p = new PNG({ width: w, height: h, colorType, inputHasAlpha: true });
  for (let i = 0; i < p.data.length; i++) p.data[i] = (i * 31) % 251;
  return PNG.sync.write(p, { colorType, inputHasAlpha: true });
}
const realJpeg = (w: number, h: number) =>
  new Uint8Array(jpeg.encode({ width: w, height: h, data: new Uint8Array(w * h * 4).map((_, i) => (i * 13) % 256) }, 75).data);

const SAMPLES = [realPng(12, 9, 6), realPng(30, 2, 0), realPng(5, 40, 2), realPng(8, 8, 4), realJpeg(16, 16), realJpeg(33, 7)];

const damage = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), index: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('pad' as const), bytes: fc.uint8Array({ maxLength: 32 }) }),
  fc.record({ kind: fc.constant('set' as const), index: fc.nat({ max: 64 }), value: fc.integer({ min: 0, max: 255 }) }),
);
type Damage = typeof damage extends fc.Arbitrary<infer T> ? T : never;

function hurt(b: Uint8Array, d: Damage): Uint8Array {
  const out = Uint8Array.from(b);
  if (d.kind === 'flip' && out.length) out[d.index % out.length] ^= 1 << d.bit;
  if (d.kind === 'set' && d.index < out.length) out[d.index] = d.value;
  if (d.kind === 'cut') return out.slice(0, d.at % (out.length + 1));
  if (d.kind === 'pad') return Uint8Array.from([...out, ...d.bytes]);
  return out;
}

/** The decoder's contract. */
function expectDecodedOrRefused(bytes: Uint8Array, what: unknown): boolean {
  let img;
  try {
    img = decodeImageBytes(bytes, 'fuzz.img');
  } catch (e) {
    expect(e, JSON.stringify(what)).toBeInstanceOf(ImageDecodeError);
    expect((e as Error).message).toMatch(/^fuzz\.img: /);
    return false;
  }
  const head = sniffImage(bytes);
  expect([img.width, img.height]).toEqual([head.width, head.height]);
  expect(Math.max(img.width, img.height)).toBeLessThanOrEqual(IMAGE_LIMITS.maxSide);
  expect(img.data.length).toBe(img.width * img.height * 4);
  const p = preprocess(img);
  expect(typeof p.ok).toBe('boolean');
  return true;
}

describe('fuzzed image bytes', () => {
  it('sniffImage never throws and reports sizes as whole non-negative numbers', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.tuple(fc.constantFrom(...SAMPLES), fc.array(damage, { maxLength: 4 })).map(([b, ds]) => ds.reduce(hurt, b))), (b) => {
        const h = sniffImage(b);
        for (const v of [h.width, h.height]) if (v !== undefined) expect(Number.isInteger(v) && v >= 0).toBe(true);
        expect(h.width === undefined).toBe(h.height === undefined);
      }),
      { numRuns: 2000, seed: 151 },
    );
  });

  it('damaged real PNGs and JPEGs: decoded at their declared size, or refused with a clear message', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SAMPLES.keys()), fc.array(damage, { minLength: 1, maxLength: 3 }), (i, ds) => {
        expectDecodedOrRefused(ds.reduce(hurt, SAMPLES[i]), ds);
      }),
      { numRuns: 400, seed: 152 },
    );
  });

  it('PNGs with any header and any amount of image data (valid CRCs)', () => {
    let decoded = 0;
    const header = fc.record({
      width: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constantFrom(16_385, 2 ** 31, 2 ** 32 - 1)),
      height: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constantFrom(16_385, 10_000_000)),
      depth: fc.constantFrom(8, 8, 8, 16, 1, 2, 4, 3, 0),
      colour: fc.constantFrom(0, 2, 6, 0, 2, 6, 4, 3, 1, 7),
      interlace: fc.constantFrom(0, 1) as fc.Arbitrary<0 | 1>,
    });
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 3000 }), fc.boolean(), fc.constantFrom(true, true, true, false), fc.constantFrom(true, true, true, false), (h, bytes, palette, end, exact) => {
        // Half the time exactly as much data as the header implies (filter bytes 0–4 mostly), so some decode.
        const bpp = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[h.colour] * h.depth || 8;
        const want = pngDataLength(h.width, h.height, bpp, h.interlace === 1);
        const raw = exact && want < 1 << 16 ? new Uint8Array(want).map((_, i) => (bytes.length ? bytes[i % bytes.length] : 0) % 5) : bytes;
        const chunks = [ihdr(h)];
        // A palette of 256 colours for colour type 3 (pngjs needs one), sometimes.
        if (palette) chunks.push(chunk('PLTE', new Uint8Array(768).map((_, i) => i % 256)));
        chunks.push(chunk('IDAT', deflateSync(raw)));
        if (end) chunks.push(chunk('IEND', new Uint8Array(0)));
        if (expectDecodedOrRefused(png(chunks), { h, raw: raw.length, palette, end })) decoded++;
      }),
      { numRuns: 400, seed: 153 },
    );
    expect(decoded).toBeGreaterThan(20);
  });
});
