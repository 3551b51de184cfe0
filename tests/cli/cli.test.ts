// The seeing-digits command, run as a user runs it (a child process), on real files.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { digitPng, run } from '../helpers/cli.ts';
import { loadMnist } from '../../src/data/mnist-node.ts';
import { MODEL_IDS } from '../../src/model/shipped.ts';




let dir: string;
let labels: Uint8Array;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sd-cli-'));
  labels = loadMnist('test').labels;
  await writeFile(join(dir, 'a.png'), digitPng(0));
  await writeFile(join(dir, 'b.png'), digitPng(1));
  await writeFile(join(dir, 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\n not really a png'));
  const blank = new PNG({ width: 40, height: 40 });
  blank.data.fill(255);
  await writeFile(join(dir, 'blank.png'), PNG.sync.write(blank));
});

describe('seeing-digits classify', () => {
  it('--json: one object per file, the right digits, and a clear error for files it cannot classify', async () => {
    const files = ['a.png', 'broken.png', 'b.png', 'blank.png'].map((f) => join(dir, f));
    const { code, stdout, stderr } = await run('classify', ...files, '--json');
    expect(code).toBe(1); // some files failed
    expect(stderr).toMatch(/engine: simd/);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.file)).toEqual(files);
    for (const [i, label] of [[0, labels[0]], [2, labels[1]]]) {
      for (const id of MODEL_IDS) {
        const m = lines[i].models[id];
        expect(m.digit).toBe(label);
        expect(m.probs).toHaveLength(10);
        expect(m.probs.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 3);
      }
    }
    expect(lines[1].error).toMatch(/png/i);
    expect(lines[3].error).toMatch(/blank|no digit|ink/i);
  });

  it('--engine tfjs-cpu says so and agrees', async () => {
    const { code, stdout, stderr } = await run('classify', join(dir, 'a.png'), '--model', 'cnn', '--engine', 'tfjs-cpu');
    expect(code).toBe(0);
    expect(stderr).toMatch(/engine: tfjs-cpu/);
    expect(stdout).toMatch(new RegExp(`a.png: cnn ${labels[0]} \\(`));
  });

  it('usage errors exit 2 with the usage text', async () => {
    const r = await run('classify', join(dir, 'a.png'), '--engine', 'gpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--engine is auto/);
    expect((await run('train')).stderr).toMatch(/train needs --model mlp or --model cnn/);
    expect((await run('frobnicate')).code).toBe(2);
  });
});

describe('seeing-digits evaluate', () => {
  it('--json reports accuracy, per-class accuracy and the confusion matrix of a shipped model', async () => {
    const { code, stdout } = await run('evaluate', '--model', 'mlp', '--json');
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r.count).toBe(10000);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.98);
    expect(r.perClass).toHaveLength(10);
    expect(r.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(10000);
  });

  it('--engine tfjs-wasm says which engine ran and gives the same accuracy as the SIMD engine', async () => {
    const simd = JSON.parse((await run('evaluate', '--model', 'mlp', '--json')).stdout);
    const tfjs = JSON.parse((await run('evaluate', '--model', 'mlp', '--json', '--engine', 'tfjs-wasm')).stdout);
    expect(simd.engine).toBe('simd');
    expect(tfjs.engine).toBe('tfjs-wasm');
    expect(tfjs.accuracy).toBe(simd.accuracy);
  });

  it('a model path that is not a model gives a clear error', async () => {
    const { code, stderr } = await run('evaluate', '--model', dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot read .*model.json/);
  });
});
