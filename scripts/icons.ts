/** The extension's icons, drawn at build time: a handwritten 7 on the product's indigo-to-violet tile. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';

function icon(size: number): Buffer {
  const canvas = createCanvas(size, size);
  const ctx = canvas.getContext('2d');
  const s = size / 128; // drawn on a 128-unit grid
  const grad = ctx.createLinearGradient(0, 0, size, size);
  grad.addColorStop(0, '#6366f1');
  grad.addColorStop(1, '#a855f7');
  ctx.fillStyle = grad;
  ctx.beginPath();
  ctx.roundRect(0, 0, size, size, 28 * s);
  ctx.fill();
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = Math.max(1.6, 14 * s);
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo(36 * s, 38 * s);
  ctx.bezierCurveTo(56 * s, 34 * s, 76 * s, 33 * s, 92 * s, 34 * s);
  ctx.bezierCurveTo(78 * s, 56 * s, 64 * s, 78 * s, 56 * s, 98 * s);
  ctx.moveTo(48 * s, 66 * s);
  ctx.lineTo(80 * s, 64 * s);
  ctx.stroke();
  return canvas.toBuffer('image/png');
}

export function writeIcons(dir: string, paths: Record<number, string>): void {
  for (const [size, path] of Object.entries(paths)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), icon(Number(size)));
  }
}
