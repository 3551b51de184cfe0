import { SingleBar } from 'cli-progress';
import { loadMnist } from '../data/mnist-node.ts';
import { train, type TrainOptions } from '../train/trainer.ts';
import type { ParseArgsOptionsConfig } from 'node:util';
import { num, parseModelId, pct, UsageError, command, type Parsed } from './args.ts';

/** Defaults per architecture: what reproduces the shipped models (see README). */
export const DEFAULTS = {
  mlp: { epochs: 50, batch: 64, lr: 1e-3 },
  cnn: { epochs: 16, batch: 64, lr: 1.5e-3 },
};

const options = {
  model: { type: 'string' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  optimizer: { type: 'string', default: 'adam' },
  seed: { type: 'string' },
  augment: { type: 'boolean', default: false },
  out: { type: 'string' },
  validation: { type: 'string' },
  threads: { type: 'string' },
} satisfies ParseArgsOptionsConfig;

export const trainCommand = command(
  `  seeing-digits train --model mlp|cnn [--epochs N] [--batch B] [--lr X] [--optimizer adam|sgd]
                      [--seed S] [--augment] [--out DIR] [--validation N] [--threads N]
      --threads 2 trains data-parallel on two cores (the batch split in halves; weights equal one thread's
      within float rounding, reproducible for the same thread count). Default 1: the same seed gives the
      same weights on every machine.`,
  options,
  run,
);

async function run({ values }: Parsed<typeof options>): Promise<number> {
  const model = parseModelId(values.model, 'train');
  if (values.optimizer !== 'adam' && values.optimizer !== 'sgd') throw new UsageError('--optimizer is adam or sgd');
  const d = DEFAULTS[model];
  const opts: TrainOptions = {
    model,
    epochs: num(values.epochs, 'epochs', d.epochs, { int: true, min: 1 }),
    batch: num(values.batch, 'batch', d.batch, { int: true, min: 1 }),
    lr: num(values.lr, 'lr', d.lr),
    optimizer: values.optimizer,
    seed: num(values.seed, 'seed', 1, { int: true }),
    augment: values.augment!,
    out: values.out ?? `artifacts/models/${model}`,
    validation: num(values.validation, 'validation', 5000, { int: true }),
    threads: num(values.threads, 'threads', 1, { int: true, min: 1 }),
  };
  if (opts.batch % opts.threads!) throw new UsageError(`--batch ${opts.batch} does not split evenly over --threads ${opts.threads}`);
  const data = { train: loadMnist('train'), test: loadMnist('test') };
  const bar = new SingleBar({
    format: 'epoch {epoch}/{epochs} |{bar}| {percentage}% | loss {loss} | acc {acc} | ETA {eta_formatted}',
    hideCursor: true,
    etaBuffer: 200,
    noTTYOutput: !process.stderr.isTTY,
    notTTYSchedule: 10_000,
  });
  console.log(
    `training ${model} on the simd engine (WebAssembly SIMD kernels, forward and backward${opts.threads! > 1 ? `, data-parallel on ${opts.threads} threads` : ''}) with ${data.train.count - opts.validation} images (${opts.validation} held out), ` +
      `${opts.epochs} epochs, batch ${opts.batch}, ${opts.optimizer} lr ${opts.lr}, seed ${opts.seed}` +
      `${opts.augment ? ', augmented' : ''} → ${opts.out}`,
  );
  const { test } = await train(opts, data, {
    onStart: ({ epoch, epochs, resumed }) => {
      if (resumed) console.log(`resuming from the checkpoint in ${opts.out}/checkpoint at epoch ${epoch}/${epochs}`);
    },
    onBatch: ({ epoch, batch, batches, loss, accuracy }) => {
      if (batch === 1) bar.start(batches, 0, { epoch, epochs: opts.epochs, loss: '-', acc: '-' });
      if (batch % 20 === 0 || batch === batches) bar.update(batch, { loss: loss.toFixed(4), acc: pct(accuracy) });
    },
    onEpoch: (e) => {
      bar.stop();
      console.log(
        `epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)} acc ${pct(e.trainAccuracy)} | ` +
          `val ${pct(e.valAccuracy)} | test ${pct(e.testAccuracy)} | ${e.seconds.toFixed(1)} s`,
      );
    },
  });
  console.log(`test accuracy ${pct(test.accuracy)} on ${test.count} images; model written to ${opts.out}/model.json`);
  return 0;
}
