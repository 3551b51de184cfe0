/**
 * Data-parallel training over threads (Node): replica 0 on the calling thread, each other one in a worker thread
 * (so two workers are two threads, this machine's two cores), each on its own engine instance, computing the
 * gradients of its share of the batch; then each replica averages all shares' gradients (in rank order, through
 * shared memory: parallel-grads.ts) over its own shard of the parameters only, takes the optimizer step there (its
 * moments only for that shard), and the shards are exchanged through shared memory, so the replicas stay
 * identical (parallel-replica.ts). Steps are driven through shared memory too (parallel-protocol.ts), not messages.
 *
 * The result equals one thread running `splitStep` (the same shares, the same sums, the same update) bit for bit;
 * against one thread on the whole batch it differs only in the order the batch is summed in the parameter gradients
 * (two partial sums added, instead of one running sum), a float32 rounding difference.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { LayerParams, LoadedModel } from '../model/spec.ts';
import type { Network } from '../model/network.ts';
import type { Optimizer, OptimizerName, OptimizerState } from './optimizer.ts';
import { arrive, barrier, COMMAND, CTL, ERROR_BYTES, OTHER_FAILED, SPIN, spinWhile, type ParallelWorkerData, type ReplicaSetup, type SharedBuffers } from './parallel-protocol.ts';
import { Replica } from './parallel-replica.ts';
import { gradSlots, sumSlotsInto } from './parallel-grads.ts';
import { size } from '../model/shapes.ts';

export interface ParallelOptions {
  batch: number;
  optimizer: OptimizerName;
  /** Replicas (default 2): this thread and workers − 1 worker threads; the batch must split evenly between them. */
  workers?: number;
}

export interface StepResult {
  /** Mean loss over the batch. */
  loss: number;
  correct: number;
}

export const BOOT = new URL('./parallel-boot.mjs', import.meta.url);
const SCRIPT = new URL('./parallel-worker.ts', import.meta.url).href;

type Command = (typeof COMMAND)[keyof typeof COMMAND];

/** Atomics.waitAsync (Node ≥ 16; not in this project's ES2022 lib typings). */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number): { async: false } | { async: true; value: Promise<unknown> };
}).waitAsync;

export class ParallelTrainer {
  /** The batch's inputs (batch × input size floats), shared with the replicas: fill it, then stepSync(). */
  readonly input: Float32Array;
  private readonly labels: Int32Array;
  private readonly ctl: Int32Array;
  private readonly nums: Float64Array;
  private readonly weights: Float32Array;
  private readonly state: Float32Array;
  private readonly errors: Uint8Array;
  /** Set for good once the replicas may differ, or a worker died. */
  private failed?: Error;
  /** Resolves when a worker dies (the async wait races it). */
  private readonly death: Promise<void>;
  private busy = false;
  private closed = false;

  private constructor(
    /** Replica r ≥ 1 is threads[r − 1]. */
    private readonly threads: Worker[],
    private readonly replica: Replica,
    /** Loads to spin at a wait before sleeping (parallel-protocol.ts's waitWhile). */
    private readonly spin: number,
    shared: SharedBuffers,
    private readonly layout: { name: string; kernel: number; bias: number }[],
    readonly batch: number,
    private readonly inSize: number,
  ) {
    this.input = new Float32Array(shared.input);
    this.labels = new Int32Array(shared.labels);
    this.ctl = new Int32Array(shared.ctl);
    this.nums = new Float64Array(shared.nums);
    this.weights = new Float32Array(shared.weights);
    this.state = new Float32Array(shared.state);
    this.errors = new Uint8Array(shared.errors);
    this.death = new Promise((resolve) => {
      threads.forEach((t, i) => {
        const fail = (e: Error) => {
          this.failed ??= new Error(this.closed ? 'parallel training: the trainer is closed' : `parallel training: worker ${i + 1} failed (${e.message})`);
          resolve();
        };
        t.on('error', fail);
        t.on('exit', (code) => fail(new Error(`exit code ${code}`)));
      });
    });
  }

  /** Replicas in all (this thread's and the worker threads'). */
  private get workers(): number {
    return this.threads.length + 1;
  }

  static async create(model: LoadedModel, opts: ParallelOptions): Promise<ParallelTrainer> {
    const workers = opts.workers ?? 2;
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`parallel training: bad worker count ${workers}`);
    if (!Number.isInteger(opts.batch) || opts.batch < workers || opts.batch % workers) {
      throw new Error(`parallel training: a batch of ${opts.batch} does not split evenly over ${workers} workers`);
    }
    const inSize = size(model.spec.inputShape);
    const layout = [...model.params].map(([name, p]) => ({ name, kernel: p.kernel.length, bias: p.bias?.length ?? 0 }));
    const params = layout.reduce((s, l) => s + l.kernel + l.bias, 0);
    const shared: SharedBuffers = {
      ctl: new SharedArrayBuffer((CTL.per + 2 * workers) * 4),
      nums: new SharedArrayBuffer((1 + workers) * 8),
      grads: new SharedArrayBuffer(workers * params * 4),
      weights: new SharedArrayBuffer(params * 4),
      state: new SharedArrayBuffer(3 * params * 4),
      input: new SharedArrayBuffer(opts.batch * inSize * 4),
      labels: new SharedArrayBuffer(opts.batch * 4),
      errors: new SharedArrayBuffer(workers * ERROR_BYTES),
    };
    const spin = workers <= availableParallelism() ? SPIN : 0;
    const setup = (rank: number): ReplicaSetup => ({ model, optimizer: opts.optimizer, rank, workers, share: opts.batch / workers, shared, spin });
    const threads = Array.from({ length: workers - 1 }, (_, i) => {
      const data: ParallelWorkerData = { ...setup(i + 1), script: SCRIPT };
      return new Worker(BOOT, { workerData: data });
    });
    let replica: Replica;
    try {
      replica = await Replica.create(setup(0));
    } catch (e) {
      await Promise.all(threads.map((t) => t.terminate()));
      throw e;
    }
    const trainer = new ParallelTrainer(threads, replica, spin, shared, layout, opts.batch, inSize);
    trainer.flat(model.params, trainer.weights);
    // Every replica is up and planned (or the first failure, e.g. a model the engine cannot plan, is the answer).
    await Promise.race([Promise.all(threads.map((t) => new Promise((ok) => t.once('message', ok)))), trainer.death]);
    if (trainer.failed) {
      await trainer.close();
      throw trainer.failed;
    }
    return trainer;
  }

  /**
   * One optimizer step on `batch` inputs (batch × input size floats) and their labels. Replica 0's share runs on
   * this thread, so the event loop only runs while it waits for the others.
   */
  async step(images: Float32Array, labels: ArrayLike<number>, lr: number): Promise<StepResult> {
    this.setBatch(images, labels);
    await this.run(COMMAND.step, lr);
    return this.result();
  }

  /**
   * The same with the inputs already in `input`, blocking this thread at the barriers (Node allows Atomics.wait
   * on the main thread), for a synchronous training loop. A replica's error is thrown here (each one catches
   * everything and still arrives at the barriers). NOTE: a worker killed from outside while this thread blocks
   * (terminate(), or the worker's JS heap running out: ERR_WORKER_OUT_OF_MEMORY) is only seen through its 'exit'
   * event, which a blocked thread cannot receive; the async step() races that event instead.
   */
  stepSync(labels: ArrayLike<number>, lr: number): StepResult {
    this.setLabels(labels);
    this.runSync(COMMAND.step, lr);
    return this.result();
  }

  /** The current parameters (the shards the replicas wrote after the last step; all replicas are identical). */
  params(): Map<string, LayerParams> {
    const out = new Map<string, LayerParams>();
    let o = 0;
    for (const l of this.layout) {
      const kernel = this.weights.slice(o, (o += l.kernel));
      out.set(l.name, { kernel, bias: l.bias ? this.weights.slice(o, (o += l.bias)) : undefined } as LayerParams);
    }
    return out;
  }

  /** The optimizer's state, gathered from the replicas' shards, laid out as one Optimizer on the whole model. */
  optimizerState(name: OptimizerName): OptimizerState {
    this.runSync(COMMAND.save, 0);
    const total = this.weights.length;
    const split = (at: number) => this.layout.flatMap((l) => (l.bias ? [l.kernel, l.bias] : [l.kernel])).map((len) => {
      const part = this.state.slice(at, at + len);
      at += len;
      return part;
    });
    return { name, step: this.ctl[CTL.step], m: split(total), v: split(2 * total) };
  }

  /** Every replica takes these parameters and this optimizer state (a resumed run). */
  load(params: Map<string, LayerParams>, opt: OptimizerState): void {
    const total = this.weights.length;
    this.flat(params, this.state);
    let o = 0;
    opt.m.forEach((m, i) => {
      this.state.set(m, total + o);
      this.state.set(opt.v[i], 2 * total + o);
      o += m.length;
    });
    if (o !== total) throw new Error('parallel training: the optimizer state does not fit the model');
    this.ctl[CTL.step] = opt.step;
    this.runSync(COMMAND.load, 0);
  }

  /** Copies the replicas' parameters and optimizer state into a one-thread network and optimizer. */
  pull(net: Network, opt: Optimizer): void {
    net.setParams(this.params());
    opt.restore(this.optimizerState(opt.name));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.busy) this.signal(COMMAND.stop);
    await Promise.all(this.threads.map((t) => t.terminate()));
  }

  private setBatch(images: Float32Array, labels: ArrayLike<number>): void {
    if (images.length !== this.batch * this.inSize || labels.length !== this.batch) {
      throw new Error(`parallel training: a step takes ${this.batch} inputs of ${this.inSize} floats and ${this.batch} labels`);
    }
    this.checkReady();
    this.input.set(images);
    this.setLabels(labels);
  }

  private setLabels(labels: ArrayLike<number>): void {
    if (labels.length !== this.batch) throw new Error(`parallel training: a step takes ${this.batch} labels, not ${labels.length}`);
    for (let i = 0; i < this.batch; i++) this.labels[i] = labels[i];
  }

  private result(): StepResult {
    const w = this.workers;
    let loss = 0, correct = 0;
    for (let r = 0; r < w; r++) {
      loss += this.nums[1 + r];
      correct += this.ctl[CTL.per + r];
    }
    return { loss: loss / w, correct };
  }

  /** Parameters, layer by layer (kernel then bias), into a flat vector. */
  private flat(params: Map<string, LayerParams>, to: Float32Array): void {
    let o = 0;
    for (const l of this.layout) {
      const p = params.get(l.name);
      if (!p || p.kernel.length !== l.kernel || (p.bias?.length ?? 0) !== l.bias) throw new Error(`parallel training: parameters of ${l.name} do not fit`);
      to.set(p.kernel, o);
      if (p.bias) to.set(p.bias, o + l.kernel);
      o += l.kernel + l.bias;
    }
  }

  private checkReady(): void {
    if (this.failed) throw this.failed;
    if (this.closed) throw new Error('parallel training: the trainer is closed');
    if (this.busy) throw new Error('parallel training: one step at a time (await the last one)');
  }

  /** Starts a command: clears the last one's errors, bumps GO. */
  private signal(command: Command, lr = 0): void {
    const c = this.ctl, w = this.workers;
    c[CTL.failed] = 0;
    for (let r = 0; r < w; r++) c[CTL.per + w + r] = 0;
    c[CTL.command] = command;
    this.nums[0] = lr;
    Atomics.add(c, CTL.go, 1);
    Atomics.notify(c, CTL.go);
  }

  /** The command, replica 0 run here and meeting the barriers blocking. */
  private runSync(command: Command, lr: number): void {
    this.checkReady();
    this.signal(command, lr);
    for (const b of this.replica.run(command)) barrier(this.ctl, b, this.workers, this.spin);
    this.finish();
  }

  /**
   * The same, each barrier awaited after a short spin (Atomics.waitAsync raced with a worker's death, so a dead
   * worker fails the step instead of hanging it). A failed step leaves replica 0 mid-command: the trainer is failed
   * for good then.
   */
  private async run(command: Command, lr: number): Promise<void> {
    this.checkReady();
    this.busy = true;
    try {
      this.signal(command, lr);
      for (const b of this.replica.run(command)) {
        const gen = arrive(this.ctl, b, this.workers);
        if (gen === -1 || spinWhile(this.ctl, b.gen, gen, this.spin)) continue;
        while (Atomics.load(this.ctl, b.gen) === gen && !this.failed) {
          const w = waitAsync(this.ctl, b.gen, gen);
          if (w.async) await Promise.race([w.value, this.death]);
        }
        if (this.failed) throw this.failed;
      }
    } finally {
      this.busy = false;
    }
    this.finish();
  }

  /** After DONE: the failing replica's reason (the others only say that one failed), for good if they may differ. */
  private finish(): void {
    if (!Atomics.load(this.ctl, CTL.failed)) return;
    const w = this.workers;
    const reasons = Array.from({ length: w }, (_, r) => {
      const len = this.ctl[CTL.per + w + r];
      return new TextDecoder().decode(this.errors.slice(r * ERROR_BYTES, r * ERROR_BYTES + len));
    });
    const reason = reasons.find((m) => m && m !== OTHER_FAILED) ?? reasons[0];
    if (!Atomics.load(this.ctl, CTL.broken)) throw new Error(`parallel training: ${reason}`);
    throw (this.failed = new Error(`parallel training: ${reason} (the replicas may differ now: start again)`));
  }
}

/**
 * What the parallel trainer computes, on one thread: `net` (capacity ≥ batch / workers) runs each share in turn,
 * the shares' gradients are summed as the replicas sum them, then `opt` steps. Returns the mean loss.
 */
export function splitStep(net: Network, opt: Optimizer, images: Float32Array, labels: ArrayLike<number>, workers: number, lr: number): number {
  const share = labels.length / workers;
  const inSize = net.input.size;
  const slots = gradSlots(net);
  const grads = new Float32Array(workers * slots.total);
  let loss = 0;
  for (let r = 0; r < workers; r++) {
    net.setInput(images.subarray(r * share * inSize, (r + 1) * share * inSize), share);
    net.forward(share);
    loss += net.loss(Array.from({ length: share }, (_, i) => labels[r * share + i]), share);
    net.backward(share);
    for (const s of slots.list) grads.set(net.arena.f32(s.ptr, s.len), r * slots.total + s.offset);
  }
  sumSlotsInto(net, slots, grads, workers);
  opt.apply(lr);
  return loss / workers;
}
