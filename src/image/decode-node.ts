/**
 * Image files → RgbaImage in Node (the CLI and tests): PNG through pngjs, JPEG through jpeg-js. The format is sniffed
 * from the magic bytes, not the file name, so a PNG saved as .jpg still works and a WebP saved as .png gets an
 * honest message. The header's size is checked (each side and the total, IMAGE_LIMITS) and a PNG's image data
 * inflated and measured before pngjs sees the file: pngjs neither bounds a side nor notices missing rows.
 */
import { readFile, stat } from 'node:fs/promises';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import type { RgbaImage } from '../preprocess/types.ts';
import { MAX_PIXELS } from '../preprocess/mnist.ts';
import { errorText } from '../util/guards.ts';
import { formatName, IMAGE_LIMITS, sizeProblem, sniffImage } from './sniff.ts';
import { pngDataProblem, pngDataProblemStreaming } from './png-data.ts';
import { applyOrientation, exifOrientation } from './orientation.ts';

export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
}

export interface DecodeOptions {
  /** Refuse files larger than this (default 64 MB). */
  maxBytes?: number;
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** Refuses anything but a PNG or JPEG whose header declares a size within IMAGE_LIMITS, before any decoding. */
function checkHeader(b: Uint8Array, name: string): 'png' | 'jpeg' {
  const h = sniffImage(b);
  if (h.format !== 'png' && h.format !== 'jpeg') {
    if (h.format) throw new ImageDecodeError(`${name}: ${formatName(h.format)} is not supported: convert it to PNG or JPEG`);
    throw new ImageDecodeError(`${name}: not an image this tool can read (not PNG or JPEG)`);
  }
  if (h.width === undefined || h.height === undefined) {
    throw new ImageDecodeError(`${name}: corrupt or truncated ${formatName(h.format)} (no image header with its size)`);
  }
  const problem = sizeProblem(h.width, h.height);
  if (problem) throw new ImageDecodeError(`${name}: ${problem}`);
  return h.format;
}

function decodePng(b: Uint8Array, name: string, dataChecked: boolean): RgbaImage {
  const problem = dataChecked ? null : pngDataProblem(b);
  if (problem) throw new ImageDecodeError(`${name}: corrupt or truncated PNG (${problem})`);
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  } catch (e) {
    throw new ImageDecodeError(`${name}: corrupt or truncated PNG (${errorText(e)})`);
  }
  return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
}

function decodeJpeg(b: Uint8Array, name: string): RgbaImage {
  let img: { width: number; height: number; data: Uint8Array; exifBuffer?: Uint8Array };
  try {
    img = jpeg.decode(b, {
      useTArray: true,
      formatAsRGBA: true,
      // Strict: a damaged file is reported, not silently decoded into a half-grey picture.
      tolerantDecoding: false,
      maxResolutionInMP: IMAGE_LIMITS.maxPixels / 1e6,
      maxMemoryUsageInMB: 1024,
    });
  } catch (e) {
    const msg = String((e as Error)?.message ?? e);
    if (/maxResolutionInMP/.test(msg)) {
      throw new ImageDecodeError(`${name}: the JPEG is larger than ${IMAGE_LIMITS.maxPixels / 1e6} megapixels`);
    }
    throw new ImageDecodeError(`${name}: corrupt or truncated JPEG (${msg})`);
  }
  if (!(img.width > 0 && img.height > 0)) throw new ImageDecodeError(`${name}: the JPEG has no pixels`);
  // Upright, as a browser shows it: a photo taken with the phone turned is stored on its side.
  return applyOrientation({ width: img.width, height: img.height, data: img.data }, exifOrientation(img.exifBuffer));
}

/** Decodes PNG or JPEG bytes; `name` is used in messages. `pngDataChecked`: pngDataProblemStreaming passed. */
export function decodeImageBytes(bytes: Uint8Array, name = 'image', pngDataChecked = false): RgbaImage {
  if (bytes.length === 0) throw new ImageDecodeError(`${name}: the file is empty`);
  return checkHeader(bytes, name) === 'png' ? decodePng(bytes, name, pngDataChecked) : decodeJpeg(bytes, name);
}

export async function decodeImageFile(path: string, opts: DecodeOptions = {}): Promise<RgbaImage> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new ImageDecodeError(`${path}: not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof ImageDecodeError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ImageDecodeError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${errorText(e)})`);
  }
  if (size > maxBytes) {
    const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
    throw new ImageDecodeError(`${path}: the file is ${mb(size)} MB; the limit is ${mb(maxBytes)} MB`);
  }
  const buf = await readFile(path);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  if (bytes.length && checkHeader(bytes, path) === 'png') {
    // Counted as a stream: a 24-megapixel PNG then costs pngjs's own buffers only, not another copy of its data.
    const problem = await pngDataProblemStreaming(bytes);
    if (problem) throw new ImageDecodeError(`${path}: corrupt or truncated PNG (${problem})`);
    return decodeImageBytes(bytes, path, true);
  }
  return decodeImageBytes(bytes, path);
}
