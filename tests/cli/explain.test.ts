// seeing-digits explain as a user runs it (a child process, the SIMD engine), its maps checked against
// TensorFlow.js in this process on the very input the command printed, and against each method's own property.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { digitPng, run } from '../helpers/cli.ts';
import { engineWithShipped, maxAbs, sum } from '../helpers/attrib.ts';
import { TfjsEngine } from '../../src/engines/tfjs.ts';
import type { InferenceEngine } from '../../src/engines/types.ts';
import { attribute } from '../../src/interpret/saliency.ts';
import { loadMnist } from '../../src/data/mnist-node.ts';

let dir: string;
let tf: InferenceEngine;
let labels: Uint8Array;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sd-explain-'));
  labels = loadMnist('test').labels;
  await writeFile(join(dir, 'two.png'), digitPng(1));
  await writeFile(join(dir, 'nine.png'), digitPng(7));
  const blank = new PNG({ width: 40, height: 40 });
  blank.data.fill(255);
  await writeFile(join(dir, 'blank.png'), PNG.sync.write(blank));
  tf = await engineWithShipped(() => TfjsEngine.create({ backend: 'cpu' }));
});

async function explain(...args: string[]) {
  const r = await run('explain', ...args, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]);
}

const close = (a: number[], b: ArrayLike<number>, rel: number) => {
  const scale = maxAbs(b);
  expect(scale).toBeGreaterThan(0);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `pixel ${i}`).toBeLessThan(rel * scale);
};

describe('seeing-digits explain', () => {
  it('cnn gradient --json: one object; the map is TensorFlow.js autograd of the predicted logit on its input', async () => {
    const out = join(dir, 'g.png');
    const j = await explain(join(dir, 'two.png'), '--model', 'cnn', '--method', 'gradient', '--out', out);
    expect(Object.keys(j).sort()).toEqual(['baselineScore', 'file', 'input', 'map', 'method', 'model', 'score', 'target'].sort());
    expect([j.model, j.method, j.target, j.input.length, j.map.length]).toEqual(['cnn', 'gradient', labels[1], 784, 784]);
    const x = Float32Array.from(j.input);
    expect(Array.from(x)).toEqual(j.input); // printed at full float32 precision
    const { logits } = await tf.predict('cnn', x);
    expect(j.score).toBeCloseTo(logits[j.target], 4);
    expect(j.baselineScore).toBeNull();
    close(j.map, (await tf.inputGradients('cnn', x, 1, j.target)).grads, 1e-5);
    // The overlay: the input enlarged ×10, red where the map is most positive.
    const png = PNG.sync.read(await readFile(out));
    expect([png.width, png.height]).toEqual([280, 280]);
    const top = j.map.indexOf(Math.max(...j.map));
    const p = ((Math.floor(top / 28) * 10 + 5) * 280 + (top % 28) * 10 + 5) * 4;
    expect(png.data[p]).toBeGreaterThan(png.data[p + 2] + 60);
  });

  it('integrated gradients with the blur baseline and 64 steps: complete within 1 %, scores are the logits', async () => {
    const j = await explain(join(dir, 'nine.png'), '--model', 'mlp', '--method', 'integrated-gradients', '--steps', '64', '--baseline', 'blur', '--target', '9');
    expect(j.target).toBe(9);
    const delta = j.score - j.baselineScore;
    expect(Math.abs(delta)).toBeGreaterThan(1);
    expect(Math.abs(sum(j.map) - delta) / Math.abs(delta)).toBeLessThan(0.01);
    expect(j.score).toBeCloseTo((await tf.predict('mlp', Float32Array.from(j.input))).logits[9], 4);
  });

  for (const [method, extra] of [
    ['smoothgrad', ['--samples', '16', '--sigma', '0.2', '--seed', '4']],
    ['occlusion', ['--patch', '6', '--stride', '3']],
    ['grad-cam', ['--layer', 'conv1']],
    ['gradient-x-input', []],
  ] as const) {
    it(`cnn ${method} ${extra.join(' ')}: the same map as TensorFlow.js given the same options`, async () => {
      const j = await explain(join(dir, 'nine.png'), '--model', 'cnn', '--method', method, ...extra);
      const want = await attribute(tf, 'cnn', Float32Array.from(j.input), {
        method,
        target: { class: j.target },
        samples: 16,
        sigma: 0.2,
        seed: 4,
        patch: 6,
        stride: 3,
        layer: 'conv1',
      });
      close(j.map, want.map, 1e-4);
    });
  }

  it('--unit hidden.pre:5: the map explains that hidden unit (before its relu), the score is its value', async () => {
    const j = await explain(join(dir, 'two.png'), '--model', 'cnn', '--method', 'gradient', '--unit', 'hidden.pre:5');
    expect(j.target).toEqual({ layer: 'hidden.pre', unit: 5 });
    const x = Float32Array.from(j.input);
    const r = await tf.runWithCache('cnn', x, 1, { names: ['hidden.pre', 'conv1.in'], grads: { objective: { layer: 'hidden.pre', unit: 5 } } });
    expect(j.score).toBeCloseTo(r.acts['hidden.pre']![5], 4);
    close(j.map, r.grads!['conv1.in']!, 1e-4);
  });

  it('refuses what it cannot do with a clear message and a non-zero exit', async () => {
    const two = join(dir, 'two.png');
    const bad = await run('explain', two, '--model', 'cnn', '--method', 'lime', '--json');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--method is one of gradient, .*grad-cam; not "lime"/);
    const unit = await run('explain', two, '--model', 'cnn', '--unit', 'hidden:999', '--json');
    expect(unit.code).toBe(1);
    expect(unit.stderr).toMatch(/unit must be an integer from 0 to 127 \(hidden.out is \[128\]\)/);
    const layer = await run('explain', two, '--model', 'mlp', '--method', 'grad-cam', '--json');
    expect(layer.code).toBe(1);
    expect(layer.stderr).toMatch(/grad-cam: model mlp has no conv layer/);
    const blank = await run('explain', join(dir, 'blank.png'), '--model', 'cnn', '--json');
    expect(blank.code).toBe(1);
    expect(blank.stderr).toMatch(/blank|no digit|ink/i);
    expect(blank.stdout).toBe('');
  });
});
