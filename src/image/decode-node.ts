/**
 * Image files → RgbaImage in Node (the CLI and tests): PNG through pngjs, JPEG through jpeg-js. The format is sniffed
 * from the magic bytes, not the file name, so a PNG saved as .jpg still works and a WebP saved as .png gets an
 * honest message.
 */
import { readFile, stat } from 'node:fs/promises';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import type { RgbaImage } from '../preprocess/types.ts';
import { MAX_PIXELS } from '../preprocess/mnist.ts';
import { errorText } from '../util/guards.ts';

export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
}

export interface DecodeOptions {
  /** Refuse files larger than this (default 64 MB). */
  maxBytes?: number;
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

type Format = 'png' | 'jpeg';

const startsWith = (b: Uint8Array, sig: number[], at = 0): boolean => sig.every((v, i) => b[at + i] === v);
const ascii = (b: Uint8Array, from: number, to: number): string => String.fromCharCode(...b.subarray(from, to));

/** Formats we recognise but do not decode, each with its magic bytes. */
function unsupported(b: Uint8Array): string | null {
  if (ascii(b, 0, 4) === 'GIF8') return 'GIF';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'WebP';
  if (ascii(b, 0, 2) === 'BM') return 'BMP';
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return 'TIFF';
  if (ascii(b, 4, 8) === 'ftyp') {
    const brand = ascii(b, 8, 12);
    return brand.startsWith('avi') ? 'AVIF' : brand.startsWith('hei') || brand.startsWith('mif') ? 'HEIC' : 'an ISO media file';
  }
  if (startsWith(b, [0x00, 0x00, 0x01, 0x00])) return 'ICO';
  const head = ascii(b, 0, Math.min(b.length, 256)).trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'SVG';
  return null;
}

function sniff(b: Uint8Array, name: string): Format {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  const other = unsupported(b);
  if (other) throw new ImageDecodeError(`${name}: ${other} is not supported: convert it to PNG or JPEG`);
  throw new ImageDecodeError(`${name}: not an image this tool can read (not PNG or JPEG)`);
}

function checkPixels(width: number, height: number, name: string): void {
  if (width * height > MAX_PIXELS) {
    const mp = ((width * height) / 1e6).toFixed(1);
    throw new ImageDecodeError(`${name}: the image is ${width}×${height} (${mp} megapixels); the limit is ${MAX_PIXELS / 1e6}`);
  }
}

function decodePng(b: Uint8Array, name: string): RgbaImage {
  // IHDR is always first: width and height at bytes 16–23, checked before pngjs allocates the pixels.
  if (b.length >= 24 && ascii(b, 12, 16) === 'IHDR') {
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    checkPixels(view.getUint32(16), view.getUint32(20), name);
  }
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  } catch (e) {
    throw new ImageDecodeError(`${name}: corrupt or truncated PNG (${errorText(e)})`);
  }
  return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
}

function decodeJpeg(b: Uint8Array, name: string): RgbaImage {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(b, {
      useTArray: true,
      formatAsRGBA: true,
      // Strict: a damaged file is reported, not silently decoded into a half-grey picture.
      tolerantDecoding: false,
      maxResolutionInMP: MAX_PIXELS / 1e6,
      maxMemoryUsageInMB: 1024,
    });
  } catch (e) {
    const msg = String((e as Error)?.message ?? e);
    if (/maxResolutionInMP/.test(msg)) {
      throw new ImageDecodeError(`${name}: the JPEG is larger than ${MAX_PIXELS / 1e6} megapixels`);
    }
    throw new ImageDecodeError(`${name}: corrupt or truncated JPEG (${msg})`);
  }
  if (!(img.width > 0 && img.height > 0)) throw new ImageDecodeError(`${name}: the JPEG has no pixels`);
  return { width: img.width, height: img.height, data: img.data };
}

/** Decodes PNG or JPEG bytes; `name` is used in messages. */
export function decodeImageBytes(bytes: Uint8Array, name = 'image'): RgbaImage {
  if (bytes.length === 0) throw new ImageDecodeError(`${name}: the file is empty`);
  return sniff(bytes, name) === 'png' ? decodePng(bytes, name) : decodeJpeg(bytes, name);
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
  const bytes = await readFile(path);
  return decodeImageBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
