/**
 * Mini-batch training on the SIMD engine (Node): seeded shuffling, optional augmentation, Adam or SGD with a cosine
 * learning-rate schedule, a validation split, test accuracy per epoch, and a checkpoint per epoch so an interrupted
 * run resumes where it stopped and ends with the same weights.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngineNode } from '../wasm/node.ts';
import { Arena } from '../wasm/wasm.ts';
import type { MnistSet } from '../data/mnist-node.ts';
import { loadModelFromDir, saveModelToDir } from '../model/format-node.ts';
import { Network } from '../model/network.ts';
import { architecture, initModel, type Architecture } from './architectures.ts';
import { mulberry32 } from '../util/random.ts';
import { evaluate, type Metrics } from './evaluate.ts';
import { argmax, concatF32 } from '../util/array.ts';
import { Optimizer, type OptimizerName, type OptimizerState } from './optimizer.ts';
import { createAugmenter } from './augment.ts';

export interface TrainOptions {
  model: Architecture;
  epochs: number;
  batch: number;
  lr: number;
  optimizer: OptimizerName;
  seed: number;
  augment: boolean;
  out: string;
  /** Training images held out (the last ones of the training set) to validate on. */
  validation: number;
}

export interface EpochLog {
  epoch: number;
  lr: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number;
  valAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
}

export interface TrainLog {
  model: Architecture;
  options: TrainOptions;
  epochs: EpochLog[];
  /** Mean training loss and accuracy every 50 steps: the curves. */
  curve: { step: number; loss: number; accuracy: number }[];
}

export interface TrainHooks {
  onStart?(info: { epoch: number; epochs: number; batches: number; resumed: boolean }): void;
  onBatch?(info: { epoch: number; batch: number; batches: number; loss: number; accuracy: number }): void;
  onEpoch?(log: EpochLog): void;
}

export interface TrainResult {
  log: TrainLog;
  test: Metrics;
}

const CHECKPOINT = 'checkpoint';

export async function train(
  opts: TrainOptions,
  data: { train: MnistSet; test: MnistSet },
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  const spec = architecture(opts.model);
  const net = new Network(new Arena(await loadEngineNode()), initModel(spec, opts.seed), opts.batch);
  const optimizer = new Optimizer(net, opts.optimizer);
  const log: TrainLog = { model: opts.model, options: opts, epochs: [], curve: [] };

  const resumed = await loadCheckpoint(opts, net, optimizer, log);
  const trainCount = data.train.count - opts.validation;
  if (trainCount < opts.batch) throw new Error(`train: ${trainCount} training images is fewer than one batch`);
  const inSize = net.input.size;
  const val = {
    images: data.train.images.subarray(trainCount * inSize),
    labels: data.train.labels.subarray(trainCount),
  };
  const batches = Math.floor(trainCount / opts.batch);
  const totalSteps = batches * opts.epochs;
  hooks.onStart?.({ epoch: log.epochs.length + 1, epochs: opts.epochs, batches, resumed });

  for (let epoch = log.epochs.length + 1; epoch <= opts.epochs; epoch++) {
    const t0 = performance.now();
    // The epoch's own seed: a resumed run sees exactly the order and augmentations it would have seen.
    const rand = mulberry32(opts.seed * 1000003 + epoch);
    const order = shuffled(trainCount, rand);
    const augment = opts.augment ? createAugmenter(rand) : undefined;
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let windowLoss = 0;
    let windowCorrect = 0;
    let windowSeen = 0;
    const labels = new Uint8Array(opts.batch);
    let lr = opts.lr;
    for (let b = 0; b < batches; b++) {
      const input = net.arena.f32(net.input.ptr, opts.batch * inSize);
      for (let i = 0; i < opts.batch; i++) {
        const k = order[b * opts.batch + i];
        const src = data.train.images.subarray(k * inSize, (k + 1) * inSize);
        const dst = input.subarray(i * inSize, (i + 1) * inSize);
        if (augment) augment(src, dst);
        else dst.set(src);
        labels[i] = data.train.labels[k];
      }
      net.forward(opts.batch);
      const loss = net.loss(labels, opts.batch);
      if (!Number.isFinite(loss)) throw new Error(`train: the loss became ${loss} at epoch ${epoch}; lower --lr`);
      const probs = net.arena.f32(net.probs.ptr, opts.batch * net.classes);
      let ok = 0;
      for (let i = 0; i < opts.batch; i++) if (argmax(probs, i * net.classes, net.classes) === labels[i]) ok++;
      net.backward(opts.batch);
      lr = cosine(opts.lr, optimizer.step, totalSteps);
      optimizer.apply(lr);
      lossSum += loss * opts.batch;
      correct += ok;
      seen += opts.batch;
      windowLoss += loss * opts.batch;
      windowCorrect += ok;
      windowSeen += opts.batch;
      if (optimizer.step % 50 === 0) {
        log.curve.push({ step: optimizer.step, loss: windowLoss / windowSeen, accuracy: windowCorrect / windowSeen });
        windowLoss = windowCorrect = windowSeen = 0;
      }
      hooks.onBatch?.({ epoch, batch: b + 1, batches, loss: lossSum / seen, accuracy: correct / seen });
    }
    const v = evaluate(net, val.images, val.labels);
    const t = evaluate(net, data.test.images, data.test.labels);
    const entry: EpochLog = {
      epoch,
      lr,
      trainLoss: lossSum / seen,
      trainAccuracy: correct / seen,
      valLoss: v.loss,
      valAccuracy: v.accuracy,
      testLoss: t.loss,
      testAccuracy: t.accuracy,
      seconds: (performance.now() - t0) / 1000,
    };
    log.epochs.push(entry);
    await saveCheckpoint(opts, net, optimizer, log);
    hooks.onEpoch?.(entry);
  }

  const test = evaluate(net, data.test.images, data.test.labels);
  await saveModelToDir(opts.out, net.model());
  await writeFile(join(opts.out, 'training-log.json'), JSON.stringify(log, null, 1) + '\n');
  await writeFile(join(opts.out, 'metrics.json'), JSON.stringify(metricsJson(test), null, 1) + '\n');
  await rm(join(opts.out, CHECKPOINT), { recursive: true, force: true });
  return { log, test };
}

/** Cosine decay from lr to lr/100 over the run (Loshchilov & Hutter 2017, without restarts). */
export function cosine(lr: number, step: number, total: number): number {
  const t = Math.min(1, step / Math.max(1, total));
  return lr * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/** Fisher–Yates shuffle of 0..n-1. */
export function shuffled(n: number, rand: () => number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

export function metricsJson(m: Metrics) {
  return {
    split: 'test',
    count: m.count,
    accuracy: round(m.accuracy),
    loss: round(m.loss),
    perClass: m.perClass.map(round),
    confusion: m.confusion,
  };
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

// --- checkpoints: the model, the optimiser's state and the log, written atomically after every epoch -----------

interface CheckpointState {
  options: TrainOptions;
  log: TrainLog;
  optimizer: { name: OptimizerName; step: number; lengths: number[] };
}

async function saveCheckpoint(opts: TrainOptions, net: Network, opt: Optimizer, log: TrainLog): Promise<void> {
  const dir = join(opts.out, CHECKPOINT);
  const tmp = `${dir}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await saveModelToDir(tmp, net.model());
  const s = opt.state();
  const state: CheckpointState = {
    options: opts,
    log,
    optimizer: { name: s.name, step: s.step, lengths: s.m.map((a) => a.length) },
  };
  await writeFile(join(tmp, 'optimizer.bin'), new Uint8Array(concatF32([...s.m, ...s.v]).buffer));
  await writeFile(join(tmp, 'state.json'), JSON.stringify(state));
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
}

async function loadCheckpoint(opts: TrainOptions, net: Network, opt: Optimizer, log: TrainLog): Promise<boolean> {
  const dir = join(opts.out, CHECKPOINT);
  if (!existsSync(join(dir, 'state.json'))) return false;
  const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as CheckpointState;
  for (const k of ['model', 'batch', 'seed', 'optimizer', 'augment', 'validation', 'lr', 'epochs'] as const) {
    if (state.options[k] !== opts[k]) {
      throw new Error(
        `train: ${dir} holds a checkpoint of a run with --${k} ${state.options[k]}, not ${opts[k]}; ` +
          `delete it or use another --out`,
      );
    }
  }
  const model = await loadModelFromDir(dir);
  net.setParams(model.params);
  const bytes = await readFile(join(dir, 'optimizer.bin'));
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const { lengths } = state.optimizer;
  const arrays: Float32Array[] = [];
  let o = 0;
  for (const len of [...lengths, ...lengths]) {
    arrays.push(all.slice(o, o + len));
    o += len;
  }
  if (o !== all.length) throw new Error(`train: ${dir}/optimizer.bin does not match its state.json`);
  const restored: OptimizerState = {
    name: state.optimizer.name,
    step: state.optimizer.step,
    m: arrays.slice(0, lengths.length),
    v: arrays.slice(lengths.length),
  };
  opt.restore(restored);
  log.epochs = state.log.epochs;
  log.curve = state.log.curve;
  return true;
}
