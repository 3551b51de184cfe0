// The CLI trainer on two threads (TrainOptions.threads, src/train/parallel.ts under src/train/session.ts): it learns,
// ends within float rounding's drift of the one-thread run with the same seed, and its checkpoints (the optimizer
// state gathered from the replicas' shards) resume to the same weights as a straight run.
import { mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, type MnistSet } from '../../src/data/mnist-node.ts';
import { loadModelFromDir } from '../../src/model/format-node.ts';
import { train, type TrainOptions } from '../../src/train/trainer.ts';
import { firstDigits } from '../../src/train/session.ts';
import type { LoadedModel } from '../../src/model/spec.ts';

let data: { train: MnistSet; test: MnistSet };
beforeAll(() => {
  data = { train: firstDigits(loadMnist('train'), 3000), test: firstDigits(loadMnist('test'), 1000) };
});

const options = async (over: Partial<TrainOptions> = {}): Promise<TrainOptions> => ({
  model: 'mlp',
  epochs: 2,
  batch: 32,
  lr: 2e-3,
  optimizer: 'adam',
  seed: 3,
  augment: false,
  out: await mkdtemp(join(tmpdir(), 'sd-train2-')),
  validation: 500,
  threads: 2,
  ...over,
});

/** The largest difference between two models' parameters, and the largest parameter. */
function maxDiff(a: LoadedModel, b: LoadedModel): { abs: number; scale: number } {
  let abs = 0, scale = 0;
  for (const [name, p] of a.params) {
    const q = b.params.get(name)!;
    for (const [u, v] of [[p.kernel, q.kernel], [p.bias!, q.bias!]] as const) {
      for (let i = 0; i < u.length; i++) {
        abs = Math.max(abs, Math.abs(u[i] - v[i]));
        scale = Math.max(scale, Math.abs(u[i]));
      }
    }
  }
  return { abs, scale };
}

describe('training on two threads (a 3000-image subset of real MNIST)', () => {
  it('MLP with Adam learns, and ends near the one-thread run with the same seed', async () => {
    const two = await options();
    const { log, test } = await train(two, data);
    expect(log.epochs[1].trainLoss).toBeLessThan(log.epochs[0].trainLoss);
    expect(test.accuracy).toBeGreaterThan(0.85);
    expect(log.options.threads).toBe(2);

    const one = await options({ threads: 1 });
    const ref = await train(one, data);
    const d = maxDiff(await loadModelFromDir(two.out), await loadModelFromDir(one.out));
    expect(d.abs).toBeGreaterThan(0); // really two threads: the batch was summed as two halves
    // 156 Adam steps from the same start: measured 7.5e-6 apart with weights up to 0.36 (2e-5 relative).
    expect(d.abs).toBeLessThan(1e-4 * d.scale);
    expect(Math.abs(test.accuracy - ref.test.accuracy)).toBeLessThan(0.01);
  }, 120_000);

  it('an interrupted two-thread run resumes from its checkpoint and ends with the same weights', async () => {
    const straight = await options({ optimizer: 'sgd', lr: 0.05 });
    await train(straight, data);
    for (const optimizer of ['sgd', 'adam'] as const) {
      const s = optimizer === 'sgd' ? straight : await options();
      if (optimizer === 'adam') await train(s, data);
      const interrupted = await options({ optimizer, lr: s.lr });
      const stop = { onEpoch: (e: { epoch: number }) => { if (e.epoch === 1) throw new Error('interrupted'); } };
      await expect(train(interrupted, data, stop)).rejects.toThrow('interrupted');
      expect(existsSync(join(interrupted.out, 'checkpoint', 'state.json'))).toBe(true);
      await train(interrupted, data);
      expect(maxDiff(await loadModelFromDir(s.out), await loadModelFromDir(interrupted.out)).abs).toBe(0);
    }
  }, 120_000);

  it('refuses to resume a one-thread checkpoint on two threads', async () => {
    const opts = await options({ threads: 1 });
    await expect(train(opts, data, { onEpoch: () => { throw new Error('stop'); } })).rejects.toThrow('stop');
    await expect(train({ ...opts, threads: 2 }, data)).rejects.toThrow(/checkpoint of a run with --threads 1, not 2/);
  });
});
