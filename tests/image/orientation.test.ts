// EXIF orientation in the CLI's JPEG decoding: the same picture saved with each of the 8 orientations
// (tests/fixtures/exif/make.py) decodes to what Pillow's exif_transpose shows (ImageMagick's -auto-orient agrees with
// Pillow on all eight); malformed EXIF blocks mean "no orientation", never an exception.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeImageBytes } from '../../src/image/decode-node.ts';
import { exifOrientation } from '../../src/image/orientation.ts';

const dir = join(import.meta.dirname, '../fixtures/exif');

describe('EXIF orientation', () => {
  for (let k = 1; k <= 8; k++) {
    it(`orientation ${k}: decoded upright, as Pillow shows it`, () => {
      const got = decodeImageBytes(new Uint8Array(readFileSync(join(dir, `o${k}.jpg`))), `o${k}.jpg`);
      const want = PNG.sync.read(readFileSync(join(dir, `o${k}.png`)));
      expect([got.width, got.height]).toEqual(k >= 5 ? [16, 24] : [24, 16]);
      expect([got.width, got.height]).toEqual([want.width, want.height]);
      // Two JPEG decoders differ by a few levels at block edges; a wrong turn moves whole colour blocks.
      let worst = 0;
      for (let i = 0; i < got.width * got.height; i++) {
        for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(got.data[4 * i + c] - want.data[4 * i + c]));
      }
      expect(worst).toBeLessThan(24);
    });
  }

  it('reads the tag in both byte orders, and 1 from anything malformed', () => {
    const tiff = (little: boolean, value: number, type = 3) => {
      const b = new DataView(new ArrayBuffer(1 + 8 + 2 + 12 + 4));
      const o = 1; // the NUL after "Exif\0"
      b.setUint16(o, little ? 0x4949 : 0x4d4d);
      b.setUint16(o + 2, 42, little);
      b.setUint32(o + 4, 8, little);
      b.setUint16(o + 8, 1, little);
      b.setUint16(o + 10, 0x0112, little);
      b.setUint16(o + 12, type, little);
      b.setUint32(o + 14, 1, little);
      b.setUint16(o + 18, value, little);
      return new Uint8Array(b.buffer);
    };
    expect(exifOrientation(tiff(true, 6))).toBe(6);
    expect(exifOrientation(tiff(false, 8))).toBe(8);
    expect(exifOrientation(tiff(true, 9))).toBe(1);
    expect(exifOrientation(tiff(true, 6, 4))).toBe(1);
    expect(exifOrientation(undefined)).toBe(1);
    expect(exifOrientation(tiff(true, 6).subarray(0, 12))).toBe(1);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const o = exifOrientation(bytes);
        expect(o >= 1 && o <= 8).toBe(true);
      }),
    );
  });
});
