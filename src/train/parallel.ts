/**
 * Data-parallel training over worker threads (Node): each worker holds a replica of the model on its own engine
 * instance, computes the gradients of its share of the batch, and all replicas take the same optimizer step on the
 * mean of the shares' gradients (summed in rank order through shared memory, parallel-grads.ts), so they stay
 * identical. The result equals one thread running `splitStep` (the same shares, the same sum) bit for bit; against
 * one thread on the whole batch it differs only in the order the batch is summed in the parameter gradients (two
 * partial sums added, instead of one running sum), a float32 rounding difference.
 */
import { Worker } from 'node:worker_threads';
import type { LayerParams, LoadedModel } from '../model/spec.ts';
import type { Network } from '../model/network.ts';
import type { Optimizer, OptimizerName } from './optimizer.ts';
import type { ParallelReply, ParallelRequest, ParallelWorkerData } from './parallel-protocol.ts';
import { gradSlots, sumSlotsInto } from './parallel-grads.ts';
import { OTHER_FAILED } from './parallel-protocol.ts';
import { size } from '../model/shapes.ts';

export interface ParallelOptions {
  batch: number;
  optimizer: OptimizerName;
  /** Worker threads (default 2); the batch must split evenly between them. */
  workers?: number;
}

export interface StepResult {
  /** Mean loss over the batch. */
  loss: number;
  correct: number;
}

export const BOOT = new URL('./parallel-boot.mjs', import.meta.url);
const SCRIPT = new URL('./parallel-worker.ts', import.meta.url).href;

export class ParallelTrainer {
  private readonly input: Float32Array;
  private readonly labels: Int32Array;
  private readonly ctl: Int32Array;
  private pending: { resolve(r: ParallelReply): void; reject(e: Error): void }[][];
  private failed?: Error;

  private constructor(
    private readonly threads: Worker[],
    shared: { ctl: SharedArrayBuffer; input: SharedArrayBuffer; labels: SharedArrayBuffer },
    readonly batch: number,
    private readonly inSize: number,
  ) {
    this.input = new Float32Array(shared.input);
    this.labels = new Int32Array(shared.labels);
    this.ctl = new Int32Array(shared.ctl);
    this.pending = threads.map(() => []);
    threads.forEach((t, i) => {
      t.on('message', (r: ParallelReply) => this.pending[i].shift()?.resolve(r));
      const fail = (e: Error) => {
        this.failed ??= new Error(`parallel training: worker ${i} failed (${e.message})`);
        for (const q of this.pending) for (const p of q.splice(0)) p.reject(this.failed);
      };
      t.on('error', fail);
      t.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    });
  }

  static async create(model: LoadedModel, opts: ParallelOptions): Promise<ParallelTrainer> {
    const workers = opts.workers ?? 2;
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`parallel training: bad worker count ${workers}`);
    if (!Number.isInteger(opts.batch) || opts.batch < workers || opts.batch % workers) {
      throw new Error(`parallel training: a batch of ${opts.batch} does not split evenly over ${workers} workers`);
    }
    const inSize = size(model.spec.inputShape);
    let params = 0;
    for (const p of model.params.values()) params += p.kernel.length + (p.bias?.length ?? 0);
    const shared = {
      ctl: new SharedArrayBuffer(3 * 4),
      grads: new SharedArrayBuffer(workers * params * 4),
      input: new SharedArrayBuffer(opts.batch * inSize * 4),
      labels: new SharedArrayBuffer(opts.batch * 4),
    };
    const threads = Array.from({ length: workers }, (_, rank) => {
      const data: ParallelWorkerData = { script: SCRIPT, model, optimizer: opts.optimizer, rank, workers, share: opts.batch / workers, ...shared };
      return new Worker(BOOT, { workerData: data });
    });
    const trainer = new ParallelTrainer(threads, shared, opts.batch, inSize);
    await trainer.ask({ kind: 'params' }); // every replica is up and planned
    return trainer;
  }

  private ask(req: ParallelRequest): Promise<ParallelReply[]> {
    if (this.failed) return Promise.reject(this.failed);
    return Promise.all(
      this.threads.map((t, i) => {
        const reply = new Promise<ParallelReply>((resolve, reject) => this.pending[i].push({ resolve, reject }));
        t.postMessage(req);
        return reply;
      }),
    ).then((replies) => {
      // The worker that failed says why; the others only that it failed.
      const errs = replies.filter((r) => r.kind === 'error');
      const err = errs.find((r) => r.message !== OTHER_FAILED) ?? errs[0];
      if (err) throw new Error(`parallel training: ${err.message}`);
      return replies;
    });
  }

  /** One optimizer step on `batch` inputs (batch × input size floats) and their labels. */
  async step(images: Float32Array, labels: ArrayLike<number>, lr: number): Promise<StepResult> {
    if (images.length !== this.batch * this.inSize || labels.length !== this.batch) {
      throw new Error(`parallel training: a step takes ${this.batch} inputs of ${this.inSize} floats and ${this.batch} labels`);
    }
    this.input.set(images);
    for (let i = 0; i < this.batch; i++) this.labels[i] = labels[i];
    Atomics.store(this.ctl, 2, 0); // a failed step before does not fail this one
    const replies = (await this.ask({ kind: 'step', lr })) as Extract<ParallelReply, { kind: 'step' }>[];
    return {
      loss: replies.reduce((s, r) => s + r.loss, 0) / replies.length,
      correct: replies.reduce((s, r) => s + r.correct, 0),
    };
  }

  /** The current parameters (of replica 0; all replicas are identical). */
  async params(): Promise<Map<string, LayerParams>> {
    const [r] = await this.ask({ kind: 'params' });
    return (r as Extract<ParallelReply, { kind: 'params' }>).params;
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}

/**
 * What the parallel trainer computes, on one thread: `net` (capacity ≥ batch / workers) runs each share in turn,
 * the shares' gradients are summed as the workers sum them, then `opt` steps. Returns the mean loss.
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
