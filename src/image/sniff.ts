/**
 * What an image file is and how large it says it is, from its first bytes, before any decoder sees it: the CLI and
 * the extension refuse (or downscale) oversized images from their headers, so a 429-byte PNG claiming 20000×20000
 * never reaches a decoder that would allocate 1.6 GB for it. Pure: bytes in, facts out; never throws.
 *
 * Layouts: PNG IHDR (ISO/IEC 15948 §11.2.2), GIF logical screen descriptor (GIF89a §18), JPEG SOFn segments
 * (ITU T.81 §B.2.2), WebP VP8/VP8L/VP8X chunks (RFC 9649), BMP DIB headers, AVIF/HEIC 'ispe' boxes (ISO/IEC 23008-12),
 * ICO directory entries.
 */

export type ImageFormat = 'png' | 'gif' | 'jpeg' | 'webp' | 'bmp' | 'avif' | 'heic' | 'ico' | 'tiff' | 'svg';

export interface Sniffed {
  /** undefined: not an image format we recognise. */
  format?: ImageFormat;
  /** The dimensions the header declares; absent when the bytes do not say (cut short, corrupt, or not sized here). */
  width?: number;
  height?: number;
}

/** The sizes both the CLI and the extension accept, checked on the header before decoding. */
export const IMAGE_LIMITS = {
  /** Any one side: a 1×39 000 000 PNG is 81 bytes and took pngjs 100 s and 5 GB. */
  maxSide: 16_384,
  /**
   * Width × height of an image file: a 6000×4000 photo. Below src/preprocess's MAX_PIXELS (40 M, for pixels handed
   * over directly) because decoding costs several times the RGBA buffer: a 40-megapixel JPEG took jpeg-js 1.2 GB.
   */
  maxPixels: 24_000_000,
};

// NOTE: plain indexing only, no subarray/slice: in a Firefox content script the bytes may live in the page's
// compartment, where the species lookup of `constructor` that subarray does is denied.
function ascii(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < Math.min(to, b.length); i++) s += String.fromCharCode(b[i]);
  return s;
}
const startsWith = (b: Uint8Array, sig: number[], at = 0): boolean => sig.every((v, i) => b[at + i] === v);
const u16le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u16be = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const u24le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
const u32be = (b: Uint8Array, o: number) => ((b[o] << 24) >>> 0) + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
const i32le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);

const sized = (format: ImageFormat, width: number, height: number): Sniffed =>
  Number.isFinite(width) && Number.isFinite(height) ? { format, width, height } : { format };

export function sniffImage(b: Uint8Array): Sniffed {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return b.length >= 24 && ascii(b, 12, 16) === 'IHDR' ? sized('png', u32be(b, 16), u32be(b, 20)) : { format: 'png' };
  }
  if (startsWith(b, [0xff, 0xd8, 0xff])) return jpeg(b);
  const magic = ascii(b, 0, 4);
  if (magic === 'GIF8') return b.length >= 10 ? sized('gif', u16le(b, 6), u16le(b, 8)) : { format: 'gif' };
  if (magic === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return webp(b);
  if (ascii(b, 0, 2) === 'BM') return bmp(b);
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return { format: 'tiff' };
  if (ascii(b, 4, 8) === 'ftyp') {
    const brand = ascii(b, 8, 12);
    if (brand.startsWith('avi')) return ispe(b, 'avif');
    if (brand.startsWith('hei') || brand.startsWith('mif')) return ispe(b, 'heic');
    return {};
  }
  if (startsWith(b, [0x00, 0x00, 0x01, 0x00]) && b.length >= 8) return ico(b);
  const head = ascii(b, 0, 256).trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return { format: 'svg' };
  return {};
}

/** Walks the segments up to the first SOFn (C0–CF but C4 DHT, C8 JPG, CC DAC): height then width. */
function jpeg(b: Uint8Array): Sniffed {
  let o = 2;
  while (o + 9 <= b.length) {
    if (b[o] !== 0xff) return { format: 'jpeg' }; // not a marker where one must be: corrupt
    const marker = b[o + 1];
    if (marker === 0xff) {
      o++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      o += 2; // markers without a length
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return sized('jpeg', u16be(b, o + 7), u16be(b, o + 5));
    }
    if (marker === 0xd9 || marker === 0xda) return { format: 'jpeg' }; // end or scan data before any frame header
    o += 2 + u16be(b, o + 2);
  }
  return { format: 'jpeg' };
}

function webp(b: Uint8Array): Sniffed {
  const chunk = ascii(b, 12, 16);
  if (chunk === 'VP8 ' && b.length >= 30 && startsWith(b, [0x9d, 0x01, 0x2a], 23)) {
    return sized('webp', u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff);
  }
  if (chunk === 'VP8L' && b.length >= 25 && b[20] === 0x2f) {
    const bits = (b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)) >>> 0;
    return sized('webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X' && b.length >= 30) return sized('webp', u24le(b, 24) + 1, u24le(b, 27) + 1);
  return { format: 'webp' };
}

function bmp(b: Uint8Array): Sniffed {
  if (b.length < 26) return { format: 'bmp' };
  const dib = i32le(b, 14);
  // BITMAPCOREHEADER has 16-bit sizes; the others 32-bit, height negative for top-down rows.
  if (dib === 12) return sized('bmp', u16le(b, 18), u16le(b, 20));
  return dib >= 40 ? sized('bmp', Math.abs(i32le(b, 18)), Math.abs(i32le(b, 22))) : { format: 'bmp' };
}

/** The largest 'ispe' (image spatial extents) box in the first 64 KiB: the primary image, or a grid's canvas. */
function ispe(b: Uint8Array, format: 'avif' | 'heic'): Sniffed {
  let best: Sniffed = { format };
  const end = Math.min(b.length, 1 << 16) - 16;
  for (let o = 4; o <= end; o++) {
    if (b[o] !== 0x69 || ascii(b, o, o + 4) !== 'ispe') continue; // 'i'
    const w = u32be(b, o + 8);
    const h = u32be(b, o + 12);
    if (best.width === undefined || w * h > best.width * best.height!) best = { format, width: w, height: h };
  }
  return best;
}

/** The largest entry of the icon directory (a 0 byte means 256). */
function ico(b: Uint8Array): Sniffed {
  const count = u16le(b, 4);
  let best: Sniffed = { format: 'ico' };
  for (let i = 0; i < count && 6 + 16 * (i + 1) <= b.length; i++) {
    const w = b[6 + 16 * i] || 256;
    const h = b[7 + 16 * i] || 256;
    if (best.width === undefined || w * h > best.width * best.height!) best = { format: 'ico', width: w, height: h };
  }
  return best;
}

/** Why an image of this declared size is refused, or null when it is within `limits`. */
export function sizeProblem(width: number, height: number, limits = IMAGE_LIMITS): string | null {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    return `the image declares a size of ${width}×${height} pixels, which is not an image`;
  }
  if (Math.max(width, height) > limits.maxSide) {
    return `the image is ${width}×${height}; the limit is ${limits.maxSide} pixels a side`;
  }
  if (width * height > limits.maxPixels) {
    const mp = ((width * height) / 1e6).toFixed(1);
    return `the image is ${width}×${height} (${mp} megapixels); the limit is ${limits.maxPixels / 1e6}`;
  }
  return null;
}

const NAMES: Record<ImageFormat, string> = {
  png: 'PNG', gif: 'GIF', jpeg: 'JPEG', webp: 'WebP', bmp: 'BMP', avif: 'AVIF', heic: 'HEIC', ico: 'ICO', tiff: 'TIFF', svg: 'SVG',
};

/** The format's usual name, for messages ("WebP is not supported"). */
export const formatName = (f: ImageFormat): string => NAMES[f];
