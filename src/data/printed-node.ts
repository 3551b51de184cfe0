/**
 * Printed digits 0–9 in the machine's DejaVu fonts, rendered with @napi-rs/canvas (Skia): a test set that is NOT
 * handwriting, to see how the MNIST-trained models generalise (and to exercise preprocessing on real glyphs).
 * Dark ink on light paper, several sizes, fonts, weights and colours; fully deterministic.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import type { RgbaImage } from '../preprocess/types.ts';

export const DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu';

/** Alias (what the result's `font` says) → file in DEJAVU_DIR. */
export const PRINTED_FONTS: Readonly<Record<string, string>> = {
  'DejaVu Sans': 'DejaVuSans.ttf',
  'DejaVu Sans Bold': 'DejaVuSans-Bold.ttf',
  'DejaVu Sans Oblique': 'DejaVuSans-Oblique.ttf',
  'DejaVu Serif': 'DejaVuSerif.ttf',
  'DejaVu Serif Bold': 'DejaVuSerif-Bold.ttf',
  'DejaVu Serif Italic': 'DejaVuSerif-Italic.ttf',
  'DejaVu Sans Mono': 'DejaVuSansMono.ttf',
  'DejaVu Sans Mono Bold': 'DejaVuSansMono-Bold.ttf',
  'DejaVu Sans Mono Oblique': 'DejaVuSansMono-Oblique.ttf',
};

/** Font sizes in pixels: small (like a digit in a web page's text), medium, large. */
export const PRINTED_SIZES: readonly number[] = [16, 40, 96];

/** Ink on paper, all dark on light: black on white, blue ink on cream, gray on light gray. */
const COLOURS: readonly { ink: string; paper: string }[] = [
  { ink: '#000000', paper: '#ffffff' },
  { ink: '#1a237e', paper: '#fff8e1' },
  { ink: '#333333', paper: '#d8d8d8' },
];

export interface PrintedDigit {
  image: RgbaImage;
  label: number;
  font: string;
  size: number;
}

let registered = false;

export function registerFonts(): void {
  if (registered) return;
  for (const [alias, file] of Object.entries(PRINTED_FONTS)) {
    const path = join(DEJAVU_DIR, file);
    if (!existsSync(path)) {
      throw new Error(`printed digits: font ${path} is missing; install the DejaVu fonts (apt-get install fonts-dejavu-core fonts-dejavu-extra)`);
    }
    // Each file gets its own family name, so the CSS font string picks exactly that file.
    if (!GlobalFonts.registerFromPath(path, alias)) throw new Error(`printed digits: could not load font ${path}`);
  }
  registered = true;
}

export function renderDigit(label: number, font: string, size: number, colour = COLOURS[0]): RgbaImage {
  registerFonts();
  if (!Number.isInteger(label) || label < 0 || label > 9) throw new Error(`printed digits: ${label} is not a digit 0–9`);
  if (!(font in PRINTED_FONTS)) throw new Error(`printed digits: unknown font "${font}"`);
  // A digit is about 0.6 em wide and 0.75 em tall: a 1.2 × 1.5 em page leaves a margin on every side.
  const width = Math.ceil(size * 1.2), height = Math.ceil(size * 1.5);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = colour.paper;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = colour.ink;
  ctx.font = `${size}px "${font}"`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(String(label), width / 2, height / 2);
  const data = ctx.getImageData(0, 0, width, height).data;
  return { width, height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length) };
}

/** Every digit in every font and size; the colour scheme rotates so each font meets each scheme. */
export function printedDigits(): PrintedDigit[] {
  const out: PrintedDigit[] = [];
  let n = 0;
  for (const font of Object.keys(PRINTED_FONTS)) {
    for (const size of PRINTED_SIZES) {
      for (let label = 0; label <= 9; label++) {
        out.push({ image: renderDigit(label, font, size, COLOURS[n++ % COLOURS.length]), label, font, size });
      }
    }
  }
  return out;
}
