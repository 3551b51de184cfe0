import { mkdtemp, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, type MnistSet } from '../../src/data/mnist-node.ts';
import { loadModelFromDir } from '../../src/model/format-node.ts';
import { train, type TrainOptions } from '../../src/train/trainer.ts';
import { firstDigits } from '../../src/train/session.ts';

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
  out: await mkdtemp(join(tmpdir(), 'sd-train-')),
  validation: 500,
  ...over,
});

describe('training on real MNIST (a 3000-image subset)', () => {
  it('MLP with Adam learns: loss falls, accuracy on 1000 test digits > 85%, files and log written', async () => {
    const opts = await options();
    const { log, test } = await train(opts, data);
    expect(log.epochs).toHaveLength(2);
    expect(log.epochs[1].trainLoss).toBeLessThan(log.epochs[0].trainLoss);
    expect(test.accuracy).toBeGreaterThan(0.85);
    expect(test.confusion.flat().reduce((a, b) => a + b, 0)).toBe(1000);
    const saved = JSON.parse(await readFile(join(opts.out, 'training-log.json'), 'utf8'));
    expect(saved.epochs[1].testAccuracy).toBeCloseTo(log.epochs[1].testAccuracy);
    expect((await loadModelFromDir(opts.out)).spec.layers).toHaveLength(4);
    expect(existsSync(join(opts.out, 'checkpoint'))).toBe(false); // removed once finished
  });

  it('SGD with momentum and augmentation learns too', async () => {
    const { test } = await train(await options({ optimizer: 'sgd', lr: 0.05, augment: true }), data);
    expect(test.accuracy).toBeGreaterThan(0.75);
  });

  it('an interrupted run resumes from its checkpoint and ends with the same weights', async () => {
    const straight = await options();
    await train(straight, data);
    const interrupted = await options();
    await expect(
      train(interrupted, data, {
        onEpoch: (e) => {
          if (e.epoch === 1) throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    expect(existsSync(join(interrupted.out, 'checkpoint', 'state.json'))).toBe(true);
    let resumedAt = 0;
    await train(interrupted, data, { onStart: (s) => (resumedAt = s.resumed ? s.epoch : 0) });
    expect(resumedAt).toBe(2);
    const a = await loadModelFromDir(straight.out);
    const b = await loadModelFromDir(interrupted.out);
    for (const [name, p] of a.params) expect(b.params.get(name)!.kernel).toEqual(p.kernel);
  });

  it('refuses to resume a checkpoint made with other options', async () => {
    const opts = await options();
    await expect(train(opts, data, { onEpoch: () => { throw new Error('stop'); } })).rejects.toThrow('stop');
    await expect(train({ ...opts, seed: 4 }, data)).rejects.toThrow(/checkpoint of a run with --seed 3, not 4/);
  });

  it('CNN trains one epoch on the SIMD engine', async () => {
    const { test } = await train(await options({ model: 'cnn', epochs: 1 }), { train: firstDigits(data.train, 1500), test: data.test });
    expect(test.accuracy).toBeGreaterThan(0.6);
  });
});
