// `seeing-digits classify --model PATH`, run as a user runs it (a child process): an .onnx file or a model.json goes
// through the worker as a user model, its results are labelled with the file's name and are the model's own
// (PyTorch's digits, probabilities from the file's logits); a file it cannot open fails with the importer's message.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { digitPng, run } from '../helpers/cli.ts';
import { loadMnist } from '../../src/data/mnist-node.ts';
import { loadModelFromFile } from '../../src/model/load-node.ts';
import { createSimdEngineNode } from '../../src/engines/simd-node.ts';
import { preprocess } from '../../src/preprocess/mnist.ts';
import { decodeImageFile } from '../../src/image/decode-node.ts';

const FIXTURES = new URL('../fixtures/onnx/', import.meta.url).pathname;



const INDICES = [0, 1, 2, 3];
let dir: string;
let labels: Uint8Array;
let files: string[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sd-classify-model-'));
  const test = loadMnist('test');
  labels = test.labels;
  files = INDICES.map((i) => join(dir, `d${i}.png`));
  for (const [k, i] of INDICES.entries()) await writeFile(files[k], digitPng(i));
});

/** The probabilities the model itself gives on the preprocessed image (softmax of its logits), outside the worker. */
async function reference(path: string, file: string): Promise<Float32Array> {
  const engine = await createSimdEngineNode();
  await engine.load('m', await loadModelFromFile(path));
  const p = preprocess(await decodeImageFile(file));
  if (!p.ok) throw new Error(p.message);
  return (await engine.predict('m', p.pixels)).probs;
}

describe('seeing-digits classify --model PATH', () => {
  it('an .onnx file (a trained PyTorch CNN): labelled with the file name, its own digits and probabilities', async () => {
    const path = `${FIXTURES}cnn_bn_dropout.onnx`;
    const { code, stdout, stderr } = await run('classify', ...files, '--model', path, '--json');
    expect(stderr).toMatch(/^engine: /);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(files.length);
    for (const [k, line] of lines.entries()) {
      expect(Object.keys(line.models)).toEqual(['cnn_bn_dropout.onnx']); // only that model, under its file's name
      const m = line.models['cnn_bn_dropout.onnx'];
      expect(m.digit).toBe(labels[INDICES[k]]);
      const want = await reference(path, files[k]);
      expect(Math.max(...m.probs.map((p: number, i: number) => Math.abs(p - want[i])))).toBeLessThan(2e-6); // rounded to 1e-6
    }
    const human = await run('classify', files[0], '--model', path);
    expect(human.stdout.trim()).toMatch(new RegExp(`^${files[0]}: cnn_bn_dropout\\.onnx ${labels[0]} \\(\\d+\\.\\d%\\)$`));
  }, 120_000);

  it('a model.json (TensorFlow.js layout) or its folder: labelled folder/model.json, the same numbers both ways', async () => {
    const a = await run('classify', files[1], '--model', `${FIXTURES}keras_cnn/model.json`, '--json');
    const b = await run('classify', files[1], '--model', `${FIXTURES}keras_cnn`, '--json');
    expect(a.code).toBe(0);
    const line = JSON.parse(a.stdout);
    expect(Object.keys(line.models)).toEqual(['keras_cnn/model.json']);
    expect(b.stdout).toBe(a.stdout);
    const want = await reference(`${FIXTURES}keras_cnn/model.json`, files[1]);
    const got: number[] = line.models['keras_cnn/model.json'].probs;
    expect(Math.max(...got.map((p, i) => Math.abs(p - want[i])))).toBeLessThan(2e-6);
    expect(line.models['keras_cnn/model.json'].digit).toBe(want.indexOf(Math.max(...want)));
  }, 120_000);

  it('a file it cannot open: the importer’s message (the ONNX node and op; a missing file), exit 1, nothing classified', async () => {
    const selu = await run('classify', files[0], '--model', `${FIXTURES}refuse_selu.onnx`);
    expect(selu.code).toBe(1);
    expect(selu.stdout).toBe('');
    expect(selu.stderr).toMatch(/^seeing-digits: ONNX node '.*Selu.*': op Selu is not supported/);
    const missing = await run('classify', files[0], '--model', join(dir, 'nowhere.onnx'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/ONNX: cannot read .*nowhere\.onnx \(ENOENT\)/);
    const cut = join(dir, 'cut.onnx');
    await writeFile(cut, readFileSync(`${FIXTURES}cnn_bn_dropout.onnx`).subarray(0, 4000));
    const truncated = await run('classify', files[0], '--model', cut);
    expect(truncated.code).toBe(1);
    expect(truncated.stderr).toMatch(/truncated|not an ONNX/);
  }, 120_000);
});
