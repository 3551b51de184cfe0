/**
 * IDX files, the format MNIST ships in (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS FOR THE MNIST DATABASE"):
 *   labels: [magic 0x00000801][count u32 BE][count × u8]
 *   images: [magic 0x00000803][count u32 BE][rows u32 BE][cols u32 BE][count × rows × cols × u8]
 * The magic's third byte is the element type (0x08 = unsigned byte), the fourth the number of dimensions.
 * Every check names the file and what is wrong, so a half-downloaded or swapped file is obvious at once.
 */

export const IDX_LABELS_MAGIC = 0x00000801;
export const IDX_IMAGES_MAGIC = 0x00000803;
export const MNIST_SIDE = 28;

export class IdxError extends Error {
  override name = 'IdxError';
}

export interface IdxLabels {
  count: number;
  /** One digit 0–9 per item. A view on the file's bytes (no copy). */
  labels: Uint8Array;
}

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count × rows × cols bytes, row-major, 0 = background, 255 = full ink. A view on the file's bytes. */
  pixels: Uint8Array;
}

const hex = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');

function describeMagic(magic: number): string {
  if (magic === IDX_LABELS_MAGIC) return 'an IDX label file';
  if (magic === IDX_IMAGES_MAGIC) return 'an IDX image file';
  // gzip: the .gz files from the MNIST site, not yet unpacked.
  if (magic >>> 16 === 0x1f8b) return 'a gzip file (unpack it first)';
  return 'not an IDX file';
}

function header(bytes: Uint8Array, name: string, words: number, want: number, what: string): number[] {
  if (bytes.byteLength < 4 * words) {
    throw new IdxError(`${name}: truncated: ${bytes.byteLength} bytes, shorter than the ${4 * words}-byte IDX ${what} header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h: number[] = [];
  for (let i = 0; i < words; i++) h.push(view.getUint32(4 * i, false)); // IDX is big-endian
  if (h[0] !== want) {
    throw new IdxError(
      `${name}: bad magic number ${hex(h[0])}, expected ${hex(want)} for an IDX ${what} file (this is ${describeMagic(h[0])})`,
    );
  }
  return h;
}

/** Checks that the body is exactly as long as the header says: shorter is a truncated file, longer a wrong count. */
function checkSize(bytes: Uint8Array, name: string, headerBytes: number, itemBytes: number, count: number, what: string): void {
  const want = headerBytes + count * itemBytes;
  const got = bytes.byteLength;
  if (got < want) {
    const whole = Math.floor((got - headerBytes) / itemBytes);
    throw new IdxError(
      `${name}: truncated: the header says ${count} ${what} (${want} bytes) but the file has ${got} bytes (${whole} whole ${what})`,
    );
  }
  if (got > want) {
    throw new IdxError(
      `${name}: count mismatch: the header says ${count} ${what} (${want} bytes) but the file has ${got} bytes, ${got - want} too many`,
    );
  }
}

export function parseIdxLabels(bytes: Uint8Array, name = 'labels'): IdxLabels {
  const [, count] = header(bytes, name, 2, IDX_LABELS_MAGIC, 'label');
  checkSize(bytes, name, 8, 1, count, 'labels');
  const labels = bytes.subarray(8, 8 + count);
  for (let i = 0; i < count; i++) {
    if (labels[i] > 9) throw new IdxError(`${name}: label ${i} is ${labels[i]}, not a digit 0–9`);
  }
  return { count, labels };
}

export function parseIdxImages(bytes: Uint8Array, name = 'images', side = MNIST_SIDE): IdxImages {
  const [, count, rows, cols] = header(bytes, name, 4, IDX_IMAGES_MAGIC, 'image');
  if (rows !== side || cols !== side) {
    throw new IdxError(`${name}: images are ${rows}×${cols}, expected ${side}×${side}`);
  }
  checkSize(bytes, name, 16, rows * cols, count, 'images');
  return { count, rows, cols, pixels: bytes.subarray(16, 16 + count * rows * cols) };
}

/** An image file and its label file must describe the same items. */
export function checkIdxPair(images: IdxImages, labels: IdxLabels, name = 'dataset'): void {
  if (images.count !== labels.count) {
    throw new IdxError(`${name}: ${images.count} images but ${labels.count} labels; the files do not belong together`);
  }
}

/** Bytes 0–255 → floats in [0, 1] (what the models take: ink bright on dark, as MNIST stores it). */
export function bytesToUnit(pixels: Uint8Array, out = new Float32Array(pixels.length)): Float32Array {
  const k = 1 / 255;
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] * k;
  return out;
}
