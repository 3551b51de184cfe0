/**
 * Things that are not digits, for measuring typicality: printed letters A–Z, a–z and simple shapes and symbols,
 * rendered in the machine's DejaVu fonts like the printed digits (src/data/printed-node.ts), dark ink on light
 * paper. Callers put them through the same preprocessing as any image.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import type { RgbaImage } from '../preprocess/types.ts';
import { DEJAVU_DIR, PRINTED_FONTS } from './printed-node.ts';

export const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Shapes and symbols the fonts draw (geometric shapes, arrows, punctuation that is not digit-like). */
export const SHAPES = '■□●○▲△◆◇★☆♥♦♣♠☺✓✗→←↑↓↔#@&%$?!*+=<>{}§¶';
export const NONDIGIT_SIZES = [40, 96];

export interface NonDigit {
  image: RgbaImage;
  char: string;
  kind: 'letter' | 'shape';
  font: string;
  size: number;
}

let registered = false;
function registerFonts(): void {
  if (registered) return;
  for (const [alias, file] of Object.entries(PRINTED_FONTS)) {
    const path = join(DEJAVU_DIR, file);
    if (!existsSync(path)) throw new Error(`non-digits: font ${path} is missing; install the DejaVu fonts (apt-get install fonts-dejavu-core fonts-dejavu-extra)`);
    GlobalFonts.registerFromPath(path, alias);
  }
  registered = true;
}

export function renderGlyph(char: string, font: string, size: number): RgbaImage {
  registerFonts();
  const width = Math.ceil(size * 1.6), height = Math.ceil(size * 1.6);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  ctx.font = `${size}px "${font}"`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(char, width / 2, height / 2);
  const data = ctx.getImageData(0, 0, width, height).data;
  return { width, height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length) };
}

/** Every letter and shape in every font and size. */
export function nonDigits(): NonDigit[] {
  const out: NonDigit[] = [];
  for (const font of Object.keys(PRINTED_FONTS)) {
    for (const size of NONDIGIT_SIZES) {
      for (const char of LETTERS) out.push({ image: renderGlyph(char, font, size), char, kind: 'letter', font, size });
      for (const char of SHAPES) out.push({ image: renderGlyph(char, font, size), char, kind: 'shape', font, size });
    }
  }
  return out;
}
