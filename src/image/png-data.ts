/**
 * A PNG's image data measured before decoding (Node: zlib). pngjs allocates the output for the header's size and
 * fills what the data holds: a 2000×2000 PNG with 100 rows of data decoded as a digit, a 100×100 one with 10 rows
 * read uninitialised memory ("Unrecognised filter type" changing from run to run). Here the chunks are walked, the
 * IDAT data inflated (never past the size the header implies, so a zlib bomb stops there) and its length compared
 * with what the header implies (ISO/IEC 15948 §7.2 scanlines, §8.2 Adam7 passes).
 */
import { constants, inflateSync } from 'node:zlib';

/** Channels of each colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA) and the bit depths allowed. */
const COLOUR_TYPES: Record<number, { channels: number; depths: number[] }> = {
  0: { channels: 1, depths: [1, 2, 4, 8, 16] },
  2: { channels: 3, depths: [8, 16] },
  3: { channels: 1, depths: [1, 2, 4, 8] },
  4: { channels: 2, depths: [8, 16] },
  6: { channels: 4, depths: [8, 16] },
};

/** Adam7: x start, y start, x step, y step of each pass. */
const ADAM7 = [
  [0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2],
] as const;

const u32 = (b: Uint8Array, o: number) => ((b[o] << 24) >>> 0) + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
const type = (b: Uint8Array, o: number) => String.fromCharCode(b[o], b[o + 1], b[o + 2], b[o + 3]);

/** Bytes of filtered scanlines a width×height image holds (each row: a filter byte, then its pixels). */
export function pngDataLength(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  const rows = (w: number, h: number) => (w > 0 && h > 0 ? h * (1 + Math.ceil((w * bitsPerPixel) / 8)) : 0);
  if (!interlaced) return rows(width, height);
  return ADAM7.reduce((n, [x0, y0, dx, dy]) => n + rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)), 0);
}

/** What is wrong with the PNG's structure or image data, or null when its data is exactly what its header says. */
export function pngDataProblem(b: Uint8Array): string | null {
  if (b.length < 33 || type(b, 12) !== 'IHDR' || u32(b, 8) !== 13) return 'no IHDR header';
  const width = u32(b, 16);
  const height = u32(b, 20);
  const [depth, colour, , , interlace] = b.subarray(24, 29);
  const ct = COLOUR_TYPES[colour];
  if (!ct || !ct.depths.includes(depth)) return `colour type ${colour} with bit depth ${depth} is not valid`;
  if (interlace > 1) return `unknown interlace method ${interlace}`;
  const expected = pngDataLength(width, height, ct.channels * depth, interlace === 1);

  const idat: Uint8Array[] = [];
  let o = 8;
  let ended = false;
  while (o + 12 <= b.length) {
    const len = u32(b, o);
    const t = type(b, o + 4);
    if (o + 12 + len > b.length) return `chunk ${JSON.stringify(t)} runs past the end of the file`;
    if (t === 'IDAT') idat.push(b.subarray(o + 8, o + 8 + len));
    o += 12 + len;
    if (t === 'IEND') {
      ended = true;
      break;
    }
  }
  if (!idat.length) return 'no image data';
  if (!ended) return 'the file ends before its IEND chunk';
  let data: Buffer;
  try {
    // Sync flush: a stream cut short yields what it holds, measured below, rather than a vaguer zlib error.
    data = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1, finishFlush: constants.Z_SYNC_FLUSH });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') return `the image data inflates to more than the ${expected} bytes a ${width}×${height} image holds`;
    return `the image data does not inflate: ${(e as Error).message}`;
  }
  if (data.length !== expected) {
    return `the image data holds ${data.length} bytes, but a ${width}×${height} image needs ${expected}`;
  }
  return null;
}
