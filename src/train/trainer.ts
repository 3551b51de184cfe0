/**
 * Mini-batch training on the SIMD engine (Node), the CLI's train command: the step-wise trainer (./session.ts: seeded
 * shuffling, optional augmentation, Adam or SGD with a cosine learning-rate schedule, a validation split, test
 * accuracy per epoch) run to the end, with a checkpoint written per epoch so an interrupted run resumes where it
 * stopped and ends with the same weights, and the model, its log and metrics written at the end.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngineNode } from '../wasm/node.ts';
import type { MnistSet } from '../data/mnist-node.ts';
import { loadModelFromDir, saveModelToDir } from '../model/format-node.ts';
import { architecture, type Architecture } from './architectures.ts';
import { evaluate, type Metrics } from './evaluate.ts';
import { concatF32 } from '../util/array.ts';
import type { OptimizerName, OptimizerState } from './optimizer.ts';
import { TrainSession, type CurvePoint, type EpochLog } from './session.ts';
// Defined beside the step-wise trainer they belong to.
export { cosine, shuffled, type EpochLog } from './session.ts';

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

export interface TrainLog {
  model: Architecture;
  options: TrainOptions;
  epochs: EpochLog[];
  /** Mean training loss and accuracy every 50 steps: the curves. */
  curve: CurvePoint[];
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
  const { model, epochs, batch, lr, optimizer, seed, augment, validation } = opts;
  const session = new TrainSession(
    await loadEngineNode(),
    { spec: architecture(model), epochs, batch, lr, optimizer, seed, augment, validation },
    data,
  );
  const resumed = await loadCheckpoint(opts, session);
  hooks.onStart?.({ epoch: session.epoch, epochs, batches: session.batches, resumed });
  while (!session.done) {
    session.runBatches(Infinity, hooks.onBatch);
    const { log: entry } = session.endEpoch();
    await saveCheckpoint(opts, session);
    hooks.onEpoch?.(entry);
  }
  const log: TrainLog = { model, options: opts, ...session.log };

  const test = evaluate(session.net, data.test.images, data.test.labels);
  await saveModelToDir(opts.out, session.model());
  await writeFile(join(opts.out, 'training-log.json'), JSON.stringify(log, null, 1) + '\n');
  await writeFile(join(opts.out, 'metrics.json'), JSON.stringify(metricsJson(test), null, 1) + '\n');
  await rm(join(opts.out, CHECKPOINT), { recursive: true, force: true });
  return { log, test };
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

async function saveCheckpoint(opts: TrainOptions, session: TrainSession): Promise<void> {
  const dir = join(opts.out, CHECKPOINT);
  const tmp = `${dir}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const c = session.checkpoint();
  await saveModelToDir(tmp, { spec: session.net.spec, params: c.params });
  const s = c.optimizer;
  const state: CheckpointState = {
    options: opts,
    log: { model: opts.model, options: opts, ...c.log },
    optimizer: { name: s.name, step: s.step, lengths: s.m.map((a) => a.length) },
  };
  await writeFile(join(tmp, 'optimizer.bin'), new Uint8Array(concatF32([...s.m, ...s.v]).buffer));
  await writeFile(join(tmp, 'state.json'), JSON.stringify(state));
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
}

async function loadCheckpoint(opts: TrainOptions, session: TrainSession): Promise<boolean> {
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
  const optimizer: OptimizerState = {
    name: state.optimizer.name,
    step: state.optimizer.step,
    m: arrays.slice(0, lengths.length),
    v: arrays.slice(lengths.length),
  };
  session.restore({ params: model.params, optimizer, log: { epochs: state.log.epochs, curve: state.log.curve } });
  return true;
}
