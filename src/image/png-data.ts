/**
 * A PNG's image data measured before decoding (Node: zlib). pngjs allocates the output for the header's size and
 * fills what the data holds: a 2000×2000 PNG with 100 rows of data decoded as a digit, a 100×100 one with 10 rows
 * read uninitialised memory ("Unrecognised filter type" changing from run to run). Here the chunks are walked, the
 * IDAT data inflated as a stream and only counted (nothing kept: a 40-megapixel image costs no extra 160 MB; a zlib
 * bomb stops just past the size the header implies) and the count compared with what the header implies
 * (ISO/IEC 15948 §7.2 scanlines, §8.2 Adam7 passes).
 */
import { constants, createInflate, inflateSync } from 'node:zlib';

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

/** A PNG's header facts and its IDAT data, or what is wrong with its structure. */
type Layout = { width: number; height: number; expected: number; idat: Uint8Array[] } | string;

function layout(b: Uint8Array): Layout {
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
  return { width, height, expected, idat };
}

function verdict(l: Exclude<Layout, string>, got: number | Error): string | null {
  const { width, height, expected } = l;
  if (got instanceof Error) return `the image data does not inflate: ${got.message}`;
  if (got > expected) return `the image data inflates to more than the ${expected} bytes a ${width}×${height} image holds`;
  if (got !== expected) return `the image data holds ${got} bytes, but a ${width}×${height} image needs ${expected}`;
  return null;
}

// Sync flush: a stream cut short yields what it holds, measured, rather than a vaguer zlib error.
const FLUSH = { finishFlush: constants.Z_SYNC_FLUSH };

/**
 * What is wrong with the PNG's structure or image data, or null when its data is exactly what its header says.
 * Inflates into memory (up to the header's size + 1): for small images and tests; files use pngDataProblemStreaming.
 */
export function pngDataProblem(b: Uint8Array): string | null {
  const l = layout(b);
  if (typeof l === 'string') return l;
  try {
    return verdict(l, inflateSync(Buffer.concat(l.idat), { ...FLUSH, maxOutputLength: l.expected + 1 }).length);
  } catch (e) {
    return verdict(l, (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? l.expected + 1 : (e as Error));
  }
}

/** The same check, counting the inflated bytes as they stream by: no copy of the image data is kept. */
export async function pngDataProblemStreaming(b: Uint8Array): Promise<string | null> {
  const l = layout(b);
  return typeof l === 'string' ? l : verdict(l, await inflatedLength(l.idat, l.expected));
}

/** Bytes the zlib stream inflates to, counted chunk by chunk; stops as soon as it passes `limit`. */
function inflatedLength(parts: Uint8Array[], limit: number): Promise<number | Error> {
  return new Promise((resolve) => {
    const z = createInflate(FLUSH);
    let n = 0;
    z.on('data', (c: Buffer) => {
      n += c.length;
      if (n > limit) {
        z.destroy();
        resolve(n);
      }
    });
    z.on('error', (e) => resolve(e));
    z.on('end', () => resolve(n));
    for (const p of parts) z.write(p);
    z.end();
  });
}
