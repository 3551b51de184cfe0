/**
 * EXIF orientation: phone cameras store the sensor's pixels as they came and a tag saying how to turn them upright.
 * Browsers apply it when they decode (CSS image-orientation: from-image is the default); the CLI's JPEG decoder
 * (jpeg-js) does not, so a photo of a digit taken with the phone turned arrived on its side. jpeg-js hands over the
 * APP1 "Exif" block; the orientation is one SHORT in the first IFD of its TIFF structure, read here with every offset
 * bounds-checked (a malformed block means "no orientation", never an exception).
 */
import type { RgbaImage } from '../preprocess/types.ts';

/** The orientation tag (1–8) in jpeg-js's exifBuffer (the APP1 data after "Exif\0"); 1 when absent or malformed. */
export function exifOrientation(exif: Uint8Array | undefined): number {
  if (!exif) return 1;
  // After "Exif\0" comes the second NUL of the "Exif\0\0" header, then the TIFF header.
  const t = exif[0] === 0 ? 1 : 0;
  if (exif.length < t + 8) return 1;
  const little = exif[t] === 0x49 && exif[t + 1] === 0x49; // "II"
  if (!little && !(exif[t] === 0x4d && exif[t + 1] === 0x4d)) return 1; // nor "MM"
  const view = new DataView(exif.buffer, exif.byteOffset + t, exif.length - t);
  const u16 = (o: number) => (o + 2 <= view.byteLength ? view.getUint16(o, little) : -1);
  const u32 = (o: number) => (o + 4 <= view.byteLength ? view.getUint32(o, little) : -1);
  if (u16(2) !== 42) return 1;
  const ifd = u32(4);
  const count = u16(ifd);
  if (ifd < 8 || count < 0) return 1;
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + 12 * i;
    if (u16(e) !== 0x0112) continue;
    const v = u16(e + 2) === 3 ? u16(e + 8) : -1; // type SHORT: the value sits in the entry itself
    return v >= 1 && v <= 8 ? v : 1;
  }
  return 1;
}

/** `img` turned upright for EXIF orientation `o` (1: as is; 5–8 swap width and height). */
export function applyOrientation(img: RgbaImage, o: number): RgbaImage {
  if (o < 2 || o > 8) return img;
  const { width: w, height: h } = img;
  const swap = o >= 5;
  const W = swap ? h : w;
  const H = swap ? w : h;
  // For each output pixel (x, y), the input pixel it shows.
  const from: (x: number, y: number) => number = {
    2: (x: number, y: number) => y * w + (w - 1 - x),
    3: (x: number, y: number) => (h - 1 - y) * w + (w - 1 - x),
    4: (x: number, y: number) => (h - 1 - y) * w + x,
    5: (x: number, y: number) => x * w + y,
    6: (x: number, y: number) => (h - 1 - x) * w + y,
    7: (x: number, y: number) => (h - 1 - x) * w + (w - 1 - y),
    8: (x: number, y: number) => x * w + (w - 1 - y),
  }[o]!;
  const bytes = img.data.byteOffset % 4 ? img.data.slice() : img.data; // 32-bit views need aligned offsets
  const src = new Uint32Array(bytes.buffer, bytes.byteOffset, w * h);
  const out = new Uint8Array(W * H * 4);
  const dst = new Uint32Array(out.buffer);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) dst[y * W + x] = src[from(x, y)];
  return { width: W, height: H, data: out };
}
