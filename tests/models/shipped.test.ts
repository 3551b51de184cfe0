// The trained models the extension ships: they open in TensorFlow.js (tf.loadLayersModel) and in our engine, and
// both give the test accuracy recorded in metrics.json, above the bars (MLP ≥ 98.0 %, CNN ≥ 99.3 %).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/data/mnist-node.ts';
import { loadEngineNode } from '../../src/wasm/node.ts';
import { Arena } from '../../src/wasm/wasm.ts';
import { shippedModelDir } from '../../src/cli/models.ts';
import { loadModelFromDir } from '../../src/model/format-node.ts';
import { Network } from '../../src/model/network.ts';
import { evaluate } from '../../src/train/evaluate.ts';
import { tfBackend } from '../../src/engines/tfjs-node.ts';
import { MODEL_IDS } from '../../src/model/shipped.ts';

const BARS = { mlp: 0.98, cnn: 0.993 };

describe.each(MODEL_IDS)('shipped %s model', (id) => {
  const dir = shippedModelDir(id);
  const test = loadMnist('test');

  it(`reaches its bar on all 10k MNIST test digits in our engine, as metrics.json says`, async () => {
    const metrics = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8'));
    const net = new Network(new Arena(await loadEngineNode()), await loadModelFromDir(dir), 256);
    const m = evaluate(net, test.images, test.labels);
    expect(m.count).toBe(10000);
    expect(m.accuracy).toBeGreaterThanOrEqual(BARS[id]);
    expect(m.accuracy).toBeCloseTo(metrics.accuracy, 4);
  });

  it('opens with tf.loadLayersModel and predicts the same digits', async () => {
    const tf = await tfBackend('wasm');
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const handler = {
      load: async () => {
        const shards = await Promise.all(json.weightsManifest[0].paths.map((p: string) => readFile(join(dir, p))));
        const bytes = Buffer.concat(shards);
        return {
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest[0].weights,
          weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        };
      },
    };
    const model = await tf.loadLayersModel(handler);
    const ours = new Network(new Arena(await loadEngineNode()), await loadModelFromDir(dir), 500);
    let agree = 0;
    let correct = 0;
    for (let start = 0; start < 10000; start += 500) {
      const x = tf.tensor4d(test.images.subarray(start * 784, (start + 500) * 784), [500, 28, 28, 1]);
      const tfDigits = (tf.argMax(model.predict(x) as any, 1) as any).dataSync() as Int32Array;
      ours.setInput(test.images.subarray(start * 784, (start + 500) * 784), 500);
      ours.forward(500);
      const probs = ours.arena.f32(ours.probs.ptr, 5000);
      for (let i = 0; i < 500; i++) {
        let best = 0;
        for (let c = 1; c < 10; c++) if (probs[i * 10 + c] > probs[i * 10 + best]) best = c;
        if (best === tfDigits[i]) agree++;
        if (tfDigits[i] === test.labels[start + i]) correct++;
      }
      tf.dispose(x);
    }
    expect(agree).toBe(10000);
    expect(correct / 10000).toBeGreaterThanOrEqual(BARS[id]);
  });
});
