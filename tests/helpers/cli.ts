/** The seeing-digits command as a child process, and MNIST digits as image files for it. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { loadMnist } from '../../src/data/mnist-node.ts';

const BIN = new URL('../../bin/seeing-digits.js', import.meta.url).pathname;

export async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [BIN, ...args], { timeout: 300_000, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** MNIST test digit `index` as a 112×112 PNG, dark ink on light paper (as a scan or a screenshot would be). */
export function digitPng(index: number): Buffer {
  const { images } = loadMnist('test');
  const png = new PNG({ width: 112, height: 112 });
  for (let y = 0; y < 112; y++) {
    for (let x = 0; x < 112; x++) {
      const v = 255 - Math.round(images[index * 784 + (y >> 2) * 28 + (x >> 2)] * 255);
      png.data.set([v, v, v, 255], (y * 112 + x) * 4);
    }
  }
  return PNG.sync.write(png);
}
