/**
 * Printed numbers in the machine's DejaVu fonts (@napi-rs/canvas), to measure reading a row of digits: 1–8 random
 * digits, sizes from small web text to headings, letter spacing from tight (bold digits then touch) to loose,
 * dark on light and light on dark. Deterministic for a seed.
 */
import { createCanvas } from '@napi-rs/canvas';
import { PRINTED_FONTS, registerFonts } from './printed-node.ts';
import { MAX_NUMBER_LENGTH, type NumberSample } from './numbers.ts';
import { mulberry32 } from '../util/random.ts';

/** Font sizes in pixels. */
export const NUMBER_SIZES: readonly number[] = [14, 20, 32, 48, 72];
/** Extra space after each digit, in em: negative squeezes the digits together until bold ones touch. */
export const NUMBER_SPACINGS: readonly number[] = [-0.08, -0.04, 0, 0.1, 0.3];

const PALETTES: readonly { ink: string; paper: string }[] = [
  { ink: '#000000', paper: '#ffffff' },
  { ink: '#1a237e', paper: '#fff8e1' },
  { ink: '#ffffff', paper: '#202020' },
  { ink: '#ffeb3b', paper: '#1b5e20' },
];

export function printedNumbers(count: number, seed: number): NumberSample[] {
  registerFonts();
  const r = mulberry32(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const fonts = Object.keys(PRINTED_FONTS);
  const out: NumberSample[] = [];
  for (let s = 0; s < count; s++) {
    const n = 1 + Math.floor(r() * MAX_NUMBER_LENGTH);
    const label = Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
    const font = pick(fonts), size = pick(NUMBER_SIZES), spacing = pick(NUMBER_SPACINGS), palette = pick(PALETTES);
    out.push({ image: renderNumber(label, font, size, spacing, palette), label, what: `${font} ${size}px spacing ${spacing}em ${palette.ink} on ${palette.paper}` });
  }
  return out;
}

export function renderNumber(text: string, font: string, size: number, spacing: number, palette: { ink: string; paper: string }) {
  registerFonts();
  const probe = createCanvas(1, 1).getContext('2d');
  probe.font = `${size}px "${font}"`;
  const advances = [...text].map((c) => probe.measureText(c).width + spacing * size);
  const margin = Math.ceil(size * 0.4);
  const width = Math.ceil(advances.reduce((a, b) => a + b, 0) + 2 * margin), height = Math.ceil(size * 1.5);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = palette.paper;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = palette.ink;
  ctx.font = `${size}px "${font}"`;
  ctx.textBaseline = 'middle';
  let x = margin;
  [...text].forEach((c, i) => {
    ctx.fillText(c, x, height / 2);
    x += advances[i];
  });
  const data = ctx.getImageData(0, 0, width, height).data;
  return { width, height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length) };
}
