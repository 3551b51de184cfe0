/**
 * Batch inference over worker threads (Node): each worker holds the model on its own engine instance and runs a
 * contiguous share of the inputs in batches of `capacity`. Inputs and outputs go through shared memory (one copy of
 * the inputs in, the outputs written in place by the workers; no structured clone of each share). For evaluating
 * or precomputing over thousands of digits on both cores. Outputs equal one thread's within float rounding (a
 * digit's place in its batch changes the kernels' summation order).
 */
import { Worker } from 'node:worker_threads';
import type { LoadedModel } from '../model/spec.ts';
import { size } from '../model/shapes.ts';
import { BOOT } from './parallel.ts';

const SCRIPT = new URL('./parallel-infer-worker.ts', import.meta.url).href;

/** The pool's shared buffers: inputs (count × input size floats), logits and probabilities (count × classes). */
export interface PoolBuffers {
  inputs: SharedArrayBuffer;
  logits: SharedArrayBuffer;
  probs: SharedArrayBuffer;
}

export type PoolRequest = { buffers: PoolBuffers } | { first: number; count: number };

type Reply = { ready: true; classes: number } | { done: true } | { error: string };

export class InferencePool {
  private buffers?: PoolBuffers;
  private busy = false;

  private constructor(
    private readonly threads: Worker[],
    private readonly inSize: number,
    private readonly classes: number,
  ) {}

  static async create(model: LoadedModel, { workers = 2, capacity = 256 } = {}): Promise<InferencePool> {
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`inference pool: bad worker count ${workers}`);
    const threads = Array.from({ length: workers }, () => new Worker(BOOT, { workerData: { script: SCRIPT, model, capacity } }));
    try {
      const [ready] = (await Promise.all(threads.map((t) => next(t)))) as Extract<Reply, { ready: true }>[];
      return new InferencePool(threads, size(model.spec.inputShape), ready.classes);
    } catch (e) {
      await Promise.all(threads.map((t) => t.terminate()));
      throw e;
    }
  }

  /** Logits and probabilities (count × classes each) of `count` inputs, in input order. */
  async run(inputs: Float32Array, count: number): Promise<{ logits: Float32Array; probs: Float32Array }> {
    if (!Number.isInteger(count) || count < 1 || inputs.length !== count * this.inSize) {
      throw new Error(`inference pool: expected ${count} × ${this.inSize} floats, got ${inputs.length}`);
    }
    if (this.busy) throw new Error('inference pool: one run at a time (await the last one)');
    this.busy = true;
    try {
      const b = this.room(count);
      new Float32Array(b.inputs, 0, inputs.length).set(inputs);
      const per = Math.ceil(count / this.threads.length);
      await Promise.all(
        this.threads.map((t, r) => {
          const first = Math.min(count, r * per), n = Math.min(per, count - first);
          if (n <= 0) return undefined;
          const reply = next(t);
          t.postMessage({ first, count: n } satisfies PoolRequest);
          return reply;
        }),
      );
      const out = (buf: SharedArrayBuffer) => new Float32Array(buf, 0, count * this.classes).slice();
      return { logits: out(b.logits), probs: out(b.probs) };
    } finally {
      this.busy = false;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }

  /** Shared buffers for at least `count` digits (grown by half again when too small, and sent to the workers). */
  private room(count: number): PoolBuffers {
    const have = this.buffers ? this.buffers.probs.byteLength / (4 * this.classes) : 0;
    if (have >= count) return this.buffers!;
    const n = Math.max(count, Math.ceil(have * 1.5));
    const b: PoolBuffers = {
      inputs: new SharedArrayBuffer(n * this.inSize * 4),
      logits: new SharedArrayBuffer(n * this.classes * 4),
      probs: new SharedArrayBuffer(n * this.classes * 4),
    };
    for (const t of this.threads) t.postMessage({ buffers: b } satisfies PoolRequest);
    return (this.buffers = b);
  }
}

/** The worker's next message; its error (or exit) as a rejection with the reason. */
function next(t: Worker): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const done = () => {
      t.off('message', onMessage);
      t.off('error', onError);
      t.off('exit', onExit);
    };
    const onMessage = (r: Reply) => {
      done();
      if ('error' in r) reject(new Error(`inference pool: ${r.error}`));
      else resolve(r);
    };
    const onError = (e: Error) => {
      done();
      reject(new Error(`inference pool: a worker failed (${e.message})`));
    };
    const onExit = (code: number) => {
      done();
      reject(new Error(`inference pool: a worker exited (code ${code})`));
    };
    t.on('message', onMessage);
    t.on('error', onError);
    t.on('exit', onExit);
  });
}
