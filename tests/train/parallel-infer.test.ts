// Batch inference over worker threads (src/train/parallel-infer.ts): the shipped models' outputs on real digits are
// the one-thread Network's within float rounding, in input order, however the inputs are split between the workers.
import { afterAll, describe, expect, it } from 'vitest';
import { InferencePool } from '../../src/train/parallel-infer.ts';
import { loadModelFromDir } from '../../src/model/format-node.ts';
import { shippedModelDir } from '../../src/cli/models.ts';
import { Network } from '../../src/model/network.ts';
import { Arena } from '../../src/wasm/wasm.ts';
import { loadEngineNode } from '../../src/wasm/node.ts';
import { mnistTest } from '../helpers/digits.ts';

const COUNT = 301; // odd: the workers get 151 and 150, batches of 64 leave tails of 23 and 22

const pools: InferencePool[] = [];
afterAll(async () => {
  for (const p of pools) await p.close();
});

describe.each(['mlp', 'cnn'] as const)('inference pool, %s', (id) => {
  it('gives the one-thread outputs in input order', async () => {
    const model = await loadModelFromDir(shippedModelDir(id));
    const x = mnistTest().images.slice(0, COUNT * 784);
    const pool = await InferencePool.create(model, { workers: 2, capacity: 64 });
    pools.push(pool);
    const { logits, probs } = await pool.run(x, COUNT);

    const net = new Network(new Arena(await loadEngineNode()), model, 64);
    const want = new Float32Array(COUNT * 10);
    for (let first = 0; first < COUNT; first += 64) {
      const n = Math.min(64, COUNT - first);
      net.setInput(x.subarray(first * 784, (first + n) * 784), n);
      net.forward(n);
      want.set(net.arena.f32(net.logits.ptr, n * 10), first * 10);
    }
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(logits[i] - want[i]));
    // Not bit-identical: where a digit lands in its batch (a 4-row tile or the tail) changes the kernels' summation
    // order, so the logits differ by float rounding (a few 1e-6 on these models).
    expect(worst).toBeLessThan(1e-5);
    // probabilities sum to one per input, and the digits match the labels as often as the model does (> 95 %)
    const labels = mnistTest().labels;
    let right = 0;
    for (let i = 0; i < COUNT; i++) {
      const p = probs.subarray(i * 10, i * 10 + 10);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      if (p.indexOf(Math.max(...p)) === labels[i]) right++;
    }
    expect(right / COUNT).toBeGreaterThan(0.95);
  }, 120_000);
});

describe('inference pool, runs of different sizes', () => {
  it('a smaller then a larger run (the shared buffers grow) give each run its own digits', async () => {
    const model = await loadModelFromDir(shippedModelDir('mlp'));
    const pool = await InferencePool.create(model, { workers: 2, capacity: 32 });
    pools.push(pool);
    const { images, labels } = mnistTest();
    const whole = await pool.run(images.slice(0, 500 * 784), 500);
    const small = await pool.run(images.slice(100 * 784, 103 * 784), 3);
    expect(small.probs).toHaveLength(30);
    // the same digits as in the first run (within float rounding: another place in the batch), not stale outputs
    for (let i = 0; i < 30; i++) expect(Math.abs(small.logits[i] - whole.logits[1000 + i])).toBeLessThan(1e-5);
    const large = await pool.run(images.slice(0, 900 * 784), 900);
    let right = 0;
    for (let i = 0; i < 900; i++) {
      const p = large.probs.subarray(i * 10, i * 10 + 10);
      if (p.indexOf(Math.max(...p)) === labels[i]) right++;
    }
    expect(right / 900).toBeGreaterThan(0.95);
    // one run at a time: a second before the first is done is refused, the first still answers
    const a = pool.run(images.slice(0, 10 * 784), 10);
    await expect(pool.run(images.slice(0, 10 * 784), 10)).rejects.toThrow(/one run at a time/);
    expect((await a).probs).toHaveLength(100);
  }, 120_000);
});

describe('inference pool refuses what it cannot run', () => {
  it('inputs that do not match the count', async () => {
    const model = await loadModelFromDir(shippedModelDir('mlp'));
    const pool = await InferencePool.create(model, { workers: 2 });
    pools.push(pool);
    await expect(pool.run(new Float32Array(10), 2)).rejects.toThrow(/expected 2 × 784 floats, got 10/);
  });
});
