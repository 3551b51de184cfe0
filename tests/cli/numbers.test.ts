// Numbers through the seeing-digits command, run as a user runs it (a child process), on real files.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.ts';
import { renderNumber } from '../../src/data/printed-numbers-node.ts';
import type { RgbaImage } from '../../src/preprocess/types.ts';



const png = (img: RgbaImage) => {
  const p = new PNG({ width: img.width, height: img.height });
  p.data.set(img.data);
  return PNG.sync.write(p);
};

let dir: string;
let year: RgbaImage;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sd-numbers-'));
  year = renderNumber('1973', 'DejaVu Serif', 48, 0.05, { ink: '#1a237e', paper: '#fff8e1' });
  await writeFile(join(dir, '1973.png'), png(year));
  await writeFile(join(dir, '7.png'), png(renderNumber('7', 'DejaVu Sans', 48, 0, { ink: '#000000', paper: '#ffffff' })));
  await writeFile(join(dir, 'lines.png'), png(renderNumber('3.14', 'DejaVu Sans', 48, 0, { ink: '#000000', paper: '#ffffff' })));
});

describe('seeing-digits classify on numbers', () => {
  it('--json: "number" per model and "digits" with boxes; a single digit keeps its old line; a bad row says why', async () => {
    const { code, stdout } = await run('classify', join(dir, '1973.png'), join(dir, '7.png'), join(dir, 'lines.png'), '--json');
    expect(code).toBe(1); // the last file cannot be read
    const [num, one, bad] = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(num.number).toEqual({ mlp: '1973', cnn: '1973' });
    expect(num.digits).toHaveLength(4);
    for (const [k, d] of num.digits.entries()) {
      const [x, y, w, h] = d.box;
      expect(x + w).toBeLessThanOrEqual(k < 3 ? num.digits[k + 1].box[0] : year.width);
      expect(y >= 0 && y + h <= year.height).toBe(true);
      expect(d.models.cnn.digit).toBe(Number('1973'[k]));
      expect(d.models.mlp.probs).toHaveLength(10);
    }
    expect(one.number).toBeUndefined();
    expect(one.digits).toBeUndefined();
    expect(one.models.cnn.digit).toBe(7);
    expect(bad.error).toMatch(/a mark that is not a digit/);
  });

  it('plain output names the number each model reads', async () => {
    const { code, stdout } = await run('classify', join(dir, '1973.png'));
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(`${join(dir, '1973.png')}: number  mlp 1973  cnn 1973`);
  });
});

describe('seeing-digits numbers', () => {
  it('--json: number accuracy of both models on printed and handwritten sets, and single digits read as several', async () => {
    const { code, stdout } = await run('numbers', '--seed', '5', '--count', '30', '--singles', '300', '--json');
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r.seed).toBe(5);
    for (const set of [r.printed, r.handwritten]) {
      expect(set.count).toBe(30);
      expect(set.exact.cnn).toBeGreaterThanOrEqual(22);
      expect(set.exact.mlp).toBeGreaterThanOrEqual(18);
    }
    expect(r.singles.count).toBe(300);
    expect(r.singles.split).toBeLessThanOrEqual(2);
  });

  it('refuses a bad count with usage help', async () => {
    const { code, stderr } = await run('numbers', '--count', '0');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--count must be an integer ≥ 1, not "0"/);
  });
});
