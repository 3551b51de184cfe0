/**
 * The trainer as a step-wise object, with no I/O: the CLI's train() (./trainer.ts, files and a progress bar) and
 * the worker's training runs (worker/train-runner.ts, in slices between messages) both drive it. Seeded shuffling,
 * optional augmentation, Adam or SGD with a cosine learning-rate schedule, a validation split, and a checkpoint
 * (parameters, optimiser state, log) after any epoch from which a run continues exactly as if never stopped.
 */
import type { EngineExports } from '../wasm/abi.ts';
import { Arena } from '../wasm/wasm.ts';
import { Network } from '../model/network.ts';
import { checkNetworkMemory } from '../model/memory.ts';
import type { LayerParams, LoadedModel, ModelSpec } from '../model/spec.ts';
import { initModel } from './architectures.ts';
import { mulberry32 } from '../util/random.ts';
import { evaluate, type Metrics } from './evaluate.ts';
import { Optimizer, type OptimizerName, type OptimizerState } from './optimizer.ts';
import { createAugmenter } from './augment.ts';
import { flatParams, type GradientPeer } from './peer.ts';
import { gradSlots, sumSlotsInto } from './parallel-grads.ts';

/** A labelled set of 28×28 digits: count × 784 floats in [0, 1] (the shape src/data/mnist-node.ts loads). */
export interface DigitSet {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

/** The first `n` digits of `s` (views, no copy): limited runs and tests. */
export function firstDigits(s: DigitSet, n: number): DigitSet {
  if (n === s.count) return s;
  const size = s.images.length / s.count;
  return { images: s.images.subarray(0, n * size), labels: s.labels.subarray(0, n), count: n };
}

export interface SessionOptions {
  spec: ModelSpec;
  epochs: number;
  batch: number;
  lr: number;
  optimizer: OptimizerName;
  seed: number;
  augment: boolean;
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

/** Mean training loss and accuracy over the last CURVE_EVERY steps. */
export interface CurvePoint {
  step: number;
  loss: number;
  accuracy: number;
}

export const CURVE_EVERY = 50;

export interface BatchInfo {
  epoch: number;
  /** Batches of this epoch done (1-based). */
  batch: number;
  batches: number;
  /** Mean loss and accuracy over the epoch so far. */
  loss: number;
  accuracy: number;
  /** This batch's own mean loss and correct predictions. */
  batchLoss: number;
  batchCorrect: number;
}

/**
 * The batch step run elsewhere (data-parallel workers, src/train/parallel.ts): the session writes each batch into
 * `input`, `step` trains on it; `pull` brings the trained parameters and optimizer state into the session's network
 * and optimizer (before evaluating or a checkpoint), `push` sends them back (after a restore).
 */
export interface BatchStepper {
  readonly input: Float32Array;
  step(labels: Uint8Array, lr: number): { loss: number; correct: number };
  pull(net: Network, opt: Optimizer): void;
  push(net: Network, opt: Optimizer): void;
}

/** Everything a run needs to continue after `log.epochs.length` epochs. Plain data: it can be stored or sent. */
export interface SessionCheckpoint {
  params: Map<string, LayerParams>;
  optimizer: OptimizerState;
  log: { epochs: EpochLog[]; curve: CurvePoint[] };
}

/** The epoch in progress: its order, augmenter and running sums. */
interface Epoch {
  epoch: number;
  order: Uint32Array;
  augment?: (src: Float32Array, dst: Float32Array) => void;
  next: number;
  t0: number;
  lossSum: number;
  correct: number;
  seen: number;
  lr: number;
}

export class TrainSession {
  readonly net: Network;
  readonly optimizer: Optimizer;
  readonly log: { epochs: EpochLog[]; curve: CurvePoint[] } = { epochs: [], curve: [] };
  readonly trainCount: number;
  readonly batches: number;
  private readonly val: { images: Float32Array; labels: Uint8Array };
  private readonly labels: Uint8Array;
  private current?: Epoch;
  private window = { loss: 0, correct: 0, seen: 0 };

  /** Plans the network and its optimiser in a fresh arena of `ex`; refuses (before allocating) what cannot fit. */
  constructor(
    ex: EngineExports,
    readonly opts: SessionOptions,
    readonly data: { train: DigitSet; test: DigitSet },
    private readonly stepper?: BatchStepper,
  ) {
    this.trainCount = data.train.count - opts.validation;
    if (this.trainCount < opts.batch) throw new Error(`train: ${this.trainCount} training images is fewer than one batch`);
    const model = initModel(opts.spec, opts.seed);
    const arena = new Arena(ex);
    // The optimiser's two moments per parameter come on top of what the network plans.
    checkNetworkMemory(ex, opts.spec, opts.batch, arena.used + 8 * paramCount(model));
    this.net = new Network(arena, model, opts.batch);
    this.optimizer = new Optimizer(this.net, opts.optimizer);
    const inSize = this.net.input.size;
    this.val = {
      images: data.train.images.subarray(this.trainCount * inSize),
      labels: data.train.labels.subarray(this.trainCount),
    };
    this.batches = Math.floor(this.trainCount / opts.batch);
    this.labels = new Uint8Array(opts.batch);
  }

  /** The epoch being run or next to run (1-based). */
  get epoch(): number {
    return this.log.epochs.length + 1;
  }

  /** All epochs done. */
  get done(): boolean {
    return this.log.epochs.length >= this.opts.epochs;
  }

  /** Every batch of the current epoch has run: endEpoch() is next. */
  get epochTrained(): boolean {
    return this.current !== undefined && this.current.next >= this.batches;
  }

  /** Batches of the current epoch done. */
  get batchInEpoch(): number {
    return this.current?.next ?? 0;
  }

  /** Runs up to `max` batches of the current epoch (starting it if needed); returns how many ran. */
  runBatches(max: number, onBatch?: (info: BatchInfo) => void): number {
    if (this.done) return 0;
    const { net, opts } = this;
    const e = (this.current ??= this.startEpoch());
    let ran = 0;
    for (; ran < max && e.next < this.batches; ran++) {
      const b = e.next++;
      if (this.stepper) {
        // Trained in the stepper's workers; the local optimizer keeps the step count (the schedule).
        this.fillBatch(e, b, this.stepper.input);
        e.lr = cosine(opts.lr, this.optimizer.step, this.batches * opts.epochs);
        const r = this.stepper.step(this.labels, e.lr);
        this.optimizer.step++;
        this.logBatch(e, b, this.checkLoss(r.loss, e), r.correct, onBatch);
        continue;
      }
      this.fillBatch(e, b);
      net.forward(opts.batch);
      const loss = this.checkLoss(net.loss(this.labels, opts.batch), e);
      const ok = net.correct(this.labels, opts.batch);
      net.backward(opts.batch);
      this.applyStep(e);
      this.logBatch(e, b, loss, ok, onBatch);
    }
    return ran;
  }

  /**
   * The same on two threads: each batch's second half goes to `peer` (src/train/peer.ts) with the current
   * parameters while this thread runs the first half; the two halves' mean gradients are averaged, then one
   * optimiser step. Needs an even batch. Returns how many batches ran.
   */
  async runBatchesWith(peer: GradientPeer, max: number, onBatch?: (info: BatchInfo) => void): Promise<number> {
    if (this.done) return 0;
    const { net, opts } = this;
    if (opts.batch % 2) throw new Error(`train: a batch of ${opts.batch} does not split over two threads`);
    const e = (this.current ??= this.startEpoch());
    const half = opts.batch / 2;
    const inSize = net.input.size;
    const slots = gradSlots(net);
    const grads = (this.pairGrads ??= new Float32Array(2 * slots.total));
    let ran = 0;
    for (; ran < max && e.next < this.batches; ran++) {
      const b = e.next++;
      this.fillBatch(e, b);
      const images = net.arena.f32(net.input.ptr, opts.batch * inSize).slice(half * inSize);
      const remote = peer.step({ params: flatParams(net), images, labels: this.labels.slice(half), count: half });
      // Settled at once, so a failure of this thread's half does not leave the peer's rejection unhandled.
      remote.catch(() => undefined);
      net.forward(half);
      const own = net.loss(this.labels.subarray(0, half), half);
      const ok = net.correct(this.labels, half);
      net.backward(half);
      for (const g of slots.list) grads.set(net.arena.f32(g.ptr, g.len), g.offset);
      const theirs = await remote;
      if (theirs.grads.length !== slots.total) throw new Error(`train: the second thread sent ${theirs.grads.length} gradients, not ${slots.total}`);
      grads.set(theirs.grads, slots.total);
      sumSlotsInto(net, slots, grads, 2);
      const loss = this.checkLoss((own + theirs.loss) / 2, e);
      this.applyStep(e);
      this.logBatch(e, b, loss, ok + theirs.correct, onBatch);
    }
    return ran;
  }

  /** The two halves' gradients side by side (runBatchesWith), allocated once. */
  private pairGrads?: Float32Array;

  /** Batch `b` of epoch `e` (augmented if asked) into `input` (default the network's), its labels into this.labels. */
  private fillBatch(e: Epoch, b: number, input?: Float32Array): void {
    const { net, opts, data } = this;
    const inSize = net.input.size;
    input ??= net.arena.f32(net.input.ptr, opts.batch * inSize);
    for (let i = 0; i < opts.batch; i++) {
      const k = e.order[b * opts.batch + i];
      const src = data.train.images.subarray(k * inSize, (k + 1) * inSize);
      const dst = input.subarray(i * inSize, (i + 1) * inSize);
      if (e.augment) e.augment(src, dst);
      else dst.set(src);
      this.labels[i] = data.train.labels[k];
    }
  }

  private checkLoss(loss: number, e: Epoch): number {
    if (!Number.isFinite(loss)) throw new Error(`train: the loss became ${loss} at epoch ${e.epoch}; lower the learning rate`);
    return loss;
  }

  /** The optimiser step on the gradients in place, at the schedule's learning rate. */
  private applyStep(e: Epoch): void {
    e.lr = cosine(this.opts.lr, this.optimizer.step, this.batches * this.opts.epochs);
    this.optimizer.apply(e.lr);
  }

  /** The batch's loss and accuracy into the epoch's sums, the curve and `onBatch`. */
  private logBatch(e: Epoch, b: number, loss: number, ok: number, onBatch?: (info: BatchInfo) => void): void {
    const { opts, optimizer } = this;
    e.lossSum += loss * opts.batch;
    e.correct += ok;
    e.seen += opts.batch;
    const w = this.window;
    w.loss += loss * opts.batch;
    w.correct += ok;
    w.seen += opts.batch;
    if (optimizer.step % CURVE_EVERY === 0) {
      this.log.curve.push({ step: optimizer.step, loss: w.loss / w.seen, accuracy: w.correct / w.seen });
      this.window = { loss: 0, correct: 0, seen: 0 };
    }
    onBatch?.({ epoch: e.epoch, batch: b + 1, batches: this.batches, loss: e.lossSum / e.seen, accuracy: e.correct / e.seen, batchLoss: loss, batchCorrect: ok });
  }

  /** After the epoch's last batch: validation and test metrics, logged. */
  endEpoch(): { log: EpochLog; test: Metrics } {
    const e = this.current;
    if (!e || e.next < this.batches) throw new Error('train: endEpoch() before the epoch has run all its batches');
    this.stepper?.pull(this.net, this.optimizer);
    const v = evaluate(this.net, this.val.images, this.val.labels);
    const test = evaluate(this.net, this.data.test.images, this.data.test.labels);
    const log: EpochLog = {
      epoch: e.epoch,
      lr: e.lr,
      trainLoss: e.lossSum / e.seen,
      trainAccuracy: e.correct / e.seen,
      valLoss: v.loss,
      valAccuracy: v.accuracy,
      testLoss: test.loss,
      testAccuracy: test.accuracy,
      seconds: (performance.now() - e.t0) / 1000,
    };
    this.log.epochs.push(log);
    this.current = undefined;
    return { log, test };
  }

  /** The state after the last finished epoch (call between epochs: a half-run epoch is not in it). */
  checkpoint(): SessionCheckpoint {
    if (this.current && this.current.next > 0) throw new Error('train: checkpoint() in the middle of an epoch');
    return {
      params: this.net.getParams(),
      optimizer: this.optimizer.state(),
      log: { epochs: [...this.log.epochs], curve: [...this.log.curve] },
    };
  }

  /** Continues from a checkpoint of a run with the same options. */
  restore(c: SessionCheckpoint): void {
    this.net.setParams(c.params);
    this.optimizer.restore(c.optimizer);
    this.stepper?.push(this.net, this.optimizer);
    this.log.epochs = [...c.log.epochs];
    this.log.curve = [...c.log.curve];
    this.current = undefined;
    this.window = { loss: 0, correct: 0, seen: 0 };
  }

  /** The model as it is now. */
  model(): LoadedModel {
    return this.net.model();
  }

  private startEpoch(): Epoch {
    const epoch = this.epoch;
    // The epoch's own seed: a resumed run sees exactly the order and augmentations it would have seen.
    const rand = mulberry32(this.opts.seed * 1000003 + epoch);
    const order = shuffled(this.trainCount, rand);
    const augment = this.opts.augment ? createAugmenter(rand) : undefined;
    this.window = { loss: 0, correct: 0, seen: 0 }; // the curve's windows do not span epochs
    return { epoch, order, augment, next: 0, t0: performance.now(), lossSum: 0, correct: 0, seen: 0, lr: this.opts.lr };
  }
}

/** Parameters (weights and biases) of a model. */
export function paramCount(model: LoadedModel): number {
  let n = 0;
  for (const p of model.params.values()) n += p.kernel.length + (p.bias?.length ?? 0);
  return n;
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
