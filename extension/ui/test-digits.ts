/**
 * The MNIST test digits the extension ships (models/test-digits.bin), so that the pad can be fed without a pointer
 * and the user can look at digits the models get wrong. One codec, used by the script that writes the file
 * (scripts/test-digits.ts) and the pages that read it.
 *
 * Layout (little-endian): "SDTD", version u8 = 1, side u8 = 28, count u16; then per digit: MNIST test index u16,
 * true label u8, the MLP's and the CNN's prediction u8 each (as the shipped models read it when the file was made),
 * side × side pixels u8 (0–255, ink bright on dark, row-major, exactly as in MNIST).
 */
import { PIXELS, SIDE } from '../shared/digits.ts';
import { modelsBase } from '../shared/session.ts';

export interface TestDigit {
  index: number;
  label: number;
  predicted: { mlp: number; cnn: number };
  /** 784 values in [0, 1], ink bright on dark. */
  pixels: Float32Array;
}

const MAGIC = 'SDTD';
const HEADER = 8;
const RECORD = 5 + PIXELS;

export class TestDigitsError extends Error {
  override name = 'TestDigitsError';
}

export function encodeTestDigits(digits: readonly { index: number; label: number; predicted: { mlp: number; cnn: number }; bytes: Uint8Array }[]): Uint8Array {
  const out = new Uint8Array(HEADER + digits.length * RECORD);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i);
  out[4] = 1;
  out[5] = SIDE;
  view.setUint16(6, digits.length, true);
  digits.forEach((d, k) => {
    if (d.bytes.length !== PIXELS) throw new TestDigitsError(`digit ${d.index} has ${d.bytes.length} pixels, not ${PIXELS}`);
    const o = HEADER + k * RECORD;
    view.setUint16(o, d.index, true);
    out[o + 2] = d.label;
    out[o + 3] = d.predicted.mlp;
    out[o + 4] = d.predicted.cnn;
    out.set(d.bytes, o + 5);
  });
  return out;
}

export function decodeTestDigits(buf: ArrayBuffer | Uint8Array): TestDigit[] {
  const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  if (bytes.length < HEADER || String.fromCharCode(...bytes.subarray(0, 4)) !== MAGIC) throw new TestDigitsError('not a test-digits file (no SDTD header)');
  if (bytes[4] !== 1 || bytes[5] !== SIDE) throw new TestDigitsError(`unsupported test-digits file: version ${bytes[4]}, side ${bytes[5]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint16(6, true);
  if (bytes.length !== HEADER + count * RECORD) throw new TestDigitsError(`a file of ${count} digits has ${HEADER + count * RECORD} bytes, this one ${bytes.length}`);
  const digits: TestDigit[] = [];
  for (let k = 0; k < count; k++) {
    const o = HEADER + k * RECORD;
    const [label, mlp, cnn] = [bytes[o + 2], bytes[o + 3], bytes[o + 4]];
    if (label > 9 || mlp > 9 || cnn > 9) throw new TestDigitsError(`digit ${k}: a label or prediction is not 0–9`);
    const pixels = new Float32Array(PIXELS);
    for (let i = 0; i < PIXELS; i++) pixels[i] = bytes[o + 5 + i] / 255;
    digits.push({ index: view.getUint16(o, true), label, predicted: { mlp, cnn }, pixels });
  }
  return digits;
}

/** Digits one model or both get wrong. */
export const misread = (d: TestDigit): boolean => d.predicted.mlp !== d.label || d.predicted.cnn !== d.label;

/** The shipped set, from models/test-digits.bin. */
export async function loadTestDigits(): Promise<TestDigit[]> {
  const res = await fetch(new URL('test-digits.bin', modelsBase()));
  if (!res.ok) throw new Error(`models/test-digits.bin: HTTP ${res.status}`);
  return decodeTestDigits(await res.arrayBuffer());
}

/** Loaded once per page. */
let shared: Promise<TestDigit[]> | null = null;
export function testDigits(): Promise<TestDigit[]> {
  shared ??= loadTestDigits().catch((e: unknown) => {
    shared = null;
    throw e;
  });
  return shared;
}
