// The seeing-digits command with ONNX files, run as a user runs it (a child process): evaluate gives PyTorch's test
// accuracy for a PyTorch export; export writes ONNX and TensorFlow.js files that other runtimes open.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.ts';
import { parseOnnx } from '../../src/model/onnx.ts';
import { tfCpu } from '../helpers/tf.ts';
import { digit } from '../helpers/digits.ts';

const FIXTURES = new URL('../fixtures/onnx/', import.meta.url).pathname;
const EXPECTED = JSON.parse(readFileSync(`${FIXTURES}expected.json`, 'utf8'));


let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sd-onnx-'));
});

describe('seeing-digits with ONNX models', () => {
  it("evaluate --model FILE.onnx --json: PyTorch's test accuracy on all 10 000 digits (within 0.02 points)", async () => {
    const { code, stdout, stderr } = await run('evaluate', '--model', `${FIXTURES}cnn_bn_dropout.onnx`, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r.count).toBe(10_000);
    const pytorch = EXPECTED.models.cnn_bn_dropout.testAccuracy;
    expect(pytorch).toBeGreaterThan(0.95); // a trained model, so the comparison means something
    expect(Math.abs(r.accuracy - pytorch)).toBeLessThanOrEqual(0.0002);
  }, 120_000);

  it("evaluate --json of a trained CNN with padding, MaxPool2d(3, 2), AvgPool2d, LeakyReLU: PyTorch's accuracy", async () => {
    const { code, stdout, stderr } = await run('evaluate', '--model', `${FIXTURES}cnn_pad_pool_leaky.onnx`, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    const pytorch = EXPECTED.models.cnn_pad_pool_leaky.testAccuracy;
    expect(pytorch).toBeGreaterThan(0.95);
    expect(Math.abs(r.accuracy - pytorch)).toBeLessThanOrEqual(0.0002);
  }, 120_000);

  it('evaluate refuses an unsupported model with the node and op, exit code 1', async () => {
    const { code, stderr } = await run('evaluate', '--model', `${FIXTURES}refuse_selu.onnx`);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^seeing-digits: ONNX node '\/2\/Selu': op Selu is not supported/);
  });

  it('evaluate refuses a broken file clearly', async () => {
    const bad = join(dir, 'broken.onnx');
    await writeFile(bad, (await readFile(`${FIXTURES}mlp_nchw.onnx`)).subarray(0, 5000));
    const { code, stderr } = await run('evaluate', '--model', bad);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^seeing-digits: ONNX: not an ONNX model, or the file is truncated/);
  });

  it('export --format onnx of the shipped cnn: an ONNX file our importer and the layers agree on', async () => {
    const out = join(dir, 'cnn.onnx');
    const { code, stdout } = await run('export', '--model', 'cnn', '--format', 'onnx', '--out', out);
    expect(code).toBe(0);
    expect(stdout).toMatch(/input \[N,1,28,28\] float32/);
    const back = parseOnnx(new Uint8Array(await readFile(out)));
    expect(back.spec.layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'hidden', 'output']);
  });

  it("export --format tfjs of a PyTorch .onnx: tf.loadLayersModel gives PyTorch's outputs", async () => {
    const out = join(dir, 'from-onnx');
    const { code } = await run('export', '--model', `${FIXTURES}cnn_opset17.onnx`, '--format', 'tfjs', '--out', out);
    expect(code).toBe(0);
    const tf = await tfCpu();
    const modelJson = JSON.parse(await readFile(join(out, 'model.json'), 'utf8'));
    const shard = await readFile(join(out, modelJson.weightsManifest[0].paths[0]));
    const m = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData: shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength),
    }));
    const f = EXPECTED.models.cnn_opset17; // ends in Softmax: outputs are probabilities
    for (const [k, index] of (EXPECTED.digits as number[]).entries()) {
      const y = m.predict(tf.tensor(digit(index), [1, 28, 28, 1])) as import('@tensorflow/tfjs').Tensor;
      const got = y.dataSync();
      expect(Math.max(...f.outputs[k].map((v: number, i: number) => Math.abs(v - got[i])))).toBeLessThan(1e-4);
    }
  });

  it('export: usage errors', async () => {
    expect((await run('export', '--model', 'cnn', '--format', 'pt', '--out', join(dir, 'x'))).code).toBe(2);
    const r = await run('export', '--model', 'cnn');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/export needs --out/);
  });
});
