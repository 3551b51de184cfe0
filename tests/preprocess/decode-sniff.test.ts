// The image-header sniffer on real files: PNG, JPEG (baseline and progressive), WebP (lossy, lossless, extended), AVIF
// and GIF encoded by Skia (@napi-rs/canvas), BMP written by hand; each declared size checked against Skia's decoder.
import { describe, expect, it } from 'vitest';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import jpeg from 'jpeg-js';
import { IMAGE_LIMITS, sizeProblem, sniffImage, type ImageFormat } from '../../src/image/sniff.ts';

function drawn(width: number, height: number) {
  const c = createCanvas(width, height);
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000';
  ctx.fillRect(width / 4, height / 4, width / 2, height / 2);
  return c;
}

/** A 24-bit BMP with a BITMAPINFOHEADER (rows bottom-up unless topDown). */
function bmp(width: number, height: number, topDown = false): Uint8Array {
  const row = Math.ceil((width * 3) / 4) * 4;
  const b = new Uint8Array(54 + row * height).fill(0x80);
  const v = new DataView(b.buffer);
  b.set([0x42, 0x4d]);
  v.setUint32(2, b.length, true);
  v.setUint32(10, 54, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, topDown ? -height : height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  v.setUint32(34, row * height, true);
  return b;
}

/** Skia's WebP without its VP8X header and ICC profile: RIFF, WEBP and the bare VP8 (lossy) or VP8L (lossless) chunk. */
function simpleWebp(extended: Uint8Array): Uint8Array {
  const v = new DataView(extended.buffer, extended.byteOffset);
  for (let o = 12; o + 8 <= extended.length; ) {
    const type = String.fromCharCode(...extended.subarray(o, o + 4));
    const len = v.getUint32(o + 4, true);
    if (type === 'VP8 ' || type === 'VP8L') {
      const image = extended.subarray(o, o + 8 + len + (len & 1));
      const out = new Uint8Array(12 + image.length);
      out.set(extended.subarray(0, 12));
      new DataView(out.buffer).setUint32(4, out.length - 8, true);
      out.set(image, 12);
      return out;
    }
    o += 8 + len + (len & 1);
  }
  throw new Error('no VP8/VP8L chunk');
}

const SIZES = [[1, 1], [37, 23], [300, 5], [5, 300], [2500, 3]] as const;

describe('sniffImage on real files', () => {
  const encoders: [string, ImageFormat, (w: number, h: number) => Uint8Array][] = [
    ['PNG', 'png', (w, h) => drawn(w, h).encodeSync('png')],
    ['JPEG', 'jpeg', (w, h) => drawn(w, h).encodeSync('jpeg', 90)],
    ['WebP extended (VP8X)', 'webp', (w, h) => drawn(w, h).encodeSync('webp', 80)],
    ['WebP lossy (VP8)', 'webp', (w, h) => simpleWebp(drawn(w, h).encodeSync('webp', 80))],
    ['WebP lossless (VP8L)', 'webp', (w, h) => simpleWebp(drawn(w, h).encodeSync('webp', 100))],
    ['AVIF', 'avif', (w, h) => drawn(w, h).encodeSync('avif')],
    ['GIF', 'gif', (w, h) => drawn(w, h).encodeSync('gif')],
    ['BMP', 'bmp', (w, h) => bmp(w, h)],
    ['BMP top-down', 'bmp', (w, h) => bmp(w, h, true)],
    ['JPEG by jpeg-js', 'jpeg', (w, h) => jpeg.encode({ width: w, height: h, data: new Uint8Array(w * h * 4) }, 50).data],
  ];
  for (const [name, format, encode] of encoders) {
    it(`${name}: format and size, as the decoder sees them`, async () => {
      for (const [w, h] of SIZES) {
        const bytes = new Uint8Array(encode(w, h));
        expect(sniffImage(bytes), `${w}×${h}`).toEqual({ format, width: w, height: h });
        if (format !== 'avif' && format !== 'bmp') {
          // Skia's decoder as the reference (it has no AVIF or BMP decoder here).
          const img = await loadImage(Buffer.from(bytes));
          expect([img.width, img.height]).toEqual([w, h]);
        }
      }
    });
  }

  it('WebP: the stripped files really are VP8 and VP8L', () => {
    const kind = (q: number) => String.fromCharCode(...simpleWebp(drawn(9, 9).encodeSync('webp', q)).subarray(12, 16));
    expect([kind(80), kind(100)]).toEqual(['VP8 ', 'VP8L']);
  });

  it('a progressive JPEG (SOF2) after a large APP segment', () => {
    const base = drawn(64, 48).encodeSync('jpeg', 90);
    // Insert a 60 KB APP1 segment after SOI and rewrite SOF0 as SOF2: the size is found by walking the segments.
    const app = new Uint8Array(4 + 60_000);
    app.set([0xff, 0xe1, (60_002 >> 8) & 0xff, 60_002 & 0xff]);
    const bytes = new Uint8Array([...base.subarray(0, 2), ...app, ...base.subarray(2)]);
    const sof = bytes.findIndex((v, i) => v === 0xff && bytes[i + 1] === 0xc0 && i > 60_000);
    bytes[sof + 1] = 0xc2;
    expect(sniffImage(bytes)).toEqual({ format: 'jpeg', width: 64, height: 48 });
  });

  it('cut short or unknown: the format without a size, never an exception', () => {
    const png = drawn(10, 10).encodeSync('png');
    expect(sniffImage(png.subarray(0, 20))).toEqual({ format: 'png' });
    const jpg = drawn(10, 10).encodeSync('jpeg');
    expect(sniffImage(jpg.subarray(0, 30))).toEqual({ format: 'jpeg' });
    expect(sniffImage(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toEqual({ format: 'svg' });
    expect(sniffImage(new TextEncoder().encode('hello'))).toEqual({});
    expect(sniffImage(new Uint8Array(0))).toEqual({});
    expect(sniffImage(new Uint8Array([0x49, 0x49, 0x2a, 0x00]))).toEqual({ format: 'tiff' });
  });

  it('a 429-byte PNG claiming 20000×20000 is sized from its header and refused', () => {
    const bytes = drawn(10, 10).encodeSync('png');
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    v.setUint32(16, 20_000);
    v.setUint32(20, 20_000);
    const h = sniffImage(bytes);
    expect(h).toEqual({ format: 'png', width: 20_000, height: 20_000 });
    expect(sizeProblem(h.width!, h.height!)).toBe(`the image is 20000×20000; the limit is ${IMAGE_LIMITS.maxSide} pixels a side`);
    expect(sizeProblem(8000, 8000)).toBe('the image is 8000×8000 (64.0 megapixels); the limit is 24');
    expect(sizeProblem(4000, 3000)).toBeNull();
  });
});
