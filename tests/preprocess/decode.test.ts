import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../src/image/decode-node.ts';
import { preprocess } from '../../src/preprocess/mnist.ts';
import { alignedCorr, digit, paint } from '../helpers/digits.ts';

const dir = mkdtempSync(join(tmpdir(), 'decode-'));
afterAll(() => rmSync(dir, { recursive: true }));

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function pngBytes(width: number, height: number, data: Uint8Array | Uint8ClampedArray): Uint8Array {
  const png = new PNG({ width, height });
  png.data.set(data);
  return PNG.sync.write(png);
}

describe('decodeImageFile', () => {
  it('PNG: exact RGBA, alpha kept', async () => {
    const data = new Uint8Array(5 * 3 * 4).map((_, i) => (i * 37) % 256);
    const img = await decodeImageFile(file('a.png', pngBytes(5, 3, data)));
    expect([img.width, img.height]).toEqual([5, 3]);
    expect([...img.data]).toEqual([...data]);
  });

  it('JPEG: size and colours survive (lossy, within a few levels)', async () => {
    const data = new Uint8Array(32 * 16 * 4);
    for (let i = 0; i < data.length; i += 4) data.set([200, 100, 50, 255], i);
    const img = await decodeImageFile(file('b.jpg', jpeg.encode({ width: 32, height: 16, data }, 90).data));
    expect([img.width, img.height]).toEqual([32, 16]);
    expect(Math.abs(img.data[0] - 200) + Math.abs(img.data[1] - 100) + Math.abs(img.data[2] - 50)).toBeLessThan(12);
    expect(img.data[3]).toBe(255);
  });

  it('sniffs the bytes, not the name: a PNG called .jpg', async () => {
    const img = await decodeImageFile(file('really-png.jpg', pngBytes(2, 2, new Uint8Array(16).fill(255))));
    expect(img.width).toBe(2);
  });

  it('a transparent PNG with black strokes, end to end through preprocess', async () => {
    const d = digit(0);
    const img = paint(d, 28, 28, [0, 0, 0], [0, 0, 0], 8);
    const alpha = paint(d, 28, 28, [255, 255, 255], [0, 0, 0], 8);
    for (let i = 0; i < img.data.length; i += 4) img.data[i + 3] = alpha.data[i];
    const decoded = await decodeImageFile(file('t.png', pngBytes(img.width, img.height, img.data)));
    const r = preprocess(decoded);
    expect(r.ok && r.polarity).toBe('dark-on-light');
    if (r.ok) expect(alignedCorr(r.pixels, d)).toBeGreaterThan(0.9);
  });

  it('unsupported formats say so and what to do', async () => {
    const gif = file('a.gif', 'GIF89a\x01\x00\x01\x00\x00\x00\x00;');
    await expect(decodeImageFile(gif)).rejects.toThrow(/a\.gif: GIF is not supported: convert it to PNG or JPEG/);
    const webp = file('a.webp', 'RIFF\x10\x00\x00\x00WEBPVP8 ');
    await expect(decodeImageFile(webp)).rejects.toThrow(/WebP is not supported/);
    const svg = file('a.svg', '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>');
    await expect(decodeImageFile(svg)).rejects.toThrow(/SVG is not supported/);
    const text = file('notes.png', 'hello, this is text');
    await expect(decodeImageFile(text)).rejects.toThrow(/notes\.png: not an image this tool can read \(not PNG or JPEG\)/);
  });

  it('corrupt and truncated files', async () => {
    const png = pngBytes(40, 40, new Uint8Array(40 * 40 * 4).fill(128));
    await expect(decodeImageFile(file('cut.png', png.subarray(0, png.length - 30)))).rejects.toThrow(
      /cut\.png: corrupt or truncated PNG/,
    );
    const jpg = jpeg.encode({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 4).fill(90) }, 80).data;
    await expect(decodeImageFile(file('cut.jpg', jpg.subarray(0, 200)))).rejects.toThrow(/cut\.jpg: corrupt or truncated JPEG/);
    await expect(decodeImageFile(file('empty.png', ''))).rejects.toThrow(/empty\.png: the file is empty/);
  });

  it('limits: file size, pixel count, missing file', async () => {
    const png = pngBytes(40, 40, new Uint8Array(40 * 40 * 4).fill(128));
    await expect(decodeImageFile(file('big.png', png), { maxBytes: 100 })).rejects.toThrow(/big\.png: the file is .* MB; the limit is/);
    // A PNG header claiming 10000×5000 (50 MP): refused from the header, before inflating anything.
    const huge = Uint8Array.from(png);
    const view = new DataView(huge.buffer);
    view.setUint32(16, 10000);
    view.setUint32(20, 5000);
    await expect(decodeImageFile(file('huge.png', huge))).rejects.toThrow(/10000×5000 \(50\.0 megapixels\); the limit is 24/);
    await expect(decodeImageFile(join(dir, 'nope.png'))).rejects.toThrow(/nope\.png: no such file/);
  });
});
