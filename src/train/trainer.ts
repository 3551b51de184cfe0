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
import { architecture, initModel, type Architecture } from './architectures.ts';
import { ParallelTrainer } from './parallel.ts';
import { evaluate, type Metrics } from './evaluate.ts';
import { concatF32 } from '../util/array.ts';
import type { OptimizerName, OptimizerState } from './optimizer.ts';
import { TrainSession, type BatchStepper, type CurvePoint, type EpochLog, type SessionOptions } from './session.ts';
// Defined beside the step-wise trainer they belong to.
export { cosine, shuffled, type EpochLog } from './session.ts';

/** The session's options with a named architecture instead of a spec, and where the files go. */
export interface TrainOptions extends Omit<SessionOptions, 'spec'> {
  model: Architecture;
  out: string;
  /**
   * Worker threads training data-parallel (./parallel.ts); 1 (or absent) trains on this thread. Weights differ from
   * one thread's by float rounding (the batch summed as two halves), so a run is reproducible per thread count.
   */
  threads?: number;
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
  const spec = architecture(model);
  const threads = opts.threads ?? 1;
  // The replicas start from the same initial weights as the session's own network (initModel with the seed).
  const par = threads > 1 ? await ParallelTrainer.create(initModel(spec, seed), { batch, optimizer, workers: threads }) : undefined;
  let log: TrainLog;
  let session: TrainSession;
  try {
    session = new TrainSession(
      await loadEngineNode(),
      { spec, epochs, batch, lr, optimizer, seed, augment, validation },
      data,
      par && stepperOf(par),
    );
    const resumed = await loadCheckpoint(opts, session);
    hooks.onStart?.({ epoch: session.epoch, epochs, batches: session.batches, resumed });
    while (!session.done) {
      session.runBatches(Infinity, hooks.onBatch);
      const { log: entry } = session.endEpoch();
      await saveCheckpoint(opts, session);
      hooks.onEpoch?.(entry);
    }
    log = { model, options: opts, ...session.log };
  } finally {
    await par?.close();
  }

  const test = evaluate(session.net, data.test.images, data.test.labels);
  await saveModelToDir(opts.out, session.model());
  await writeFile(join(opts.out, 'training-log.json'), JSON.stringify(log, null, 1) + '\n');
  await writeFile(join(opts.out, 'metrics.json'), JSON.stringify(metricsJson(test), null, 1) + '\n');
  await rm(join(opts.out, CHECKPOINT), { recursive: true, force: true });
  return { log, test };
}

/** The parallel trainer as the session's batch step. */
function stepperOf(par: ParallelTrainer): BatchStepper {
  return {
    input: par.input,
    step: (labels, lr) => par.stepSync(labels, lr),
    pull: (net, opt) => par.pull(net, opt),
    push: (net, opt) => par.load(net.getParams(), opt.state()),
  };
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
  for (const k of ['model', 'batch', 'seed', 'optimizer', 'augment', 'validation', 'lr', 'epochs', 'threads'] as const) {
    const was = k === 'threads' ? (state.options[k] ?? 1) : state.options[k], now = k === 'threads' ? (opts[k] ?? 1) : opts[k];
    if (was !== now) {
      throw new Error(
        `train: ${dir} holds a checkpoint of a run with --${k} ${was}, not ${now}; ` +
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
