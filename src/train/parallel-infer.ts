/**
 * Batch inference over worker threads (Node): each worker holds the model on its own engine instance and runs a
 * contiguous share of the inputs in batches of `capacity`; the shares' outputs are concatenated in order. For
 * evaluating or precomputing over thousands of digits on both cores. Outputs equal one thread's within float
 * rounding (a digit's place in its batch changes the kernels' summation order).
 */
import { Worker } from 'node:worker_threads';
import type { LoadedModel } from '../model/spec.ts';
import { size } from '../model/shapes.ts';
import { BOOT } from './parallel.ts';

const SCRIPT = new URL('./parallel-infer-worker.ts', import.meta.url).href;

type Reply = { ready: true } | { logits: Float32Array; probs: Float32Array } | { error: string };

export class InferencePool {
  private constructor(
    private readonly threads: Worker[],
    private readonly inSize: number,
  ) {}

  static async create(model: LoadedModel, { workers = 2, capacity = 256 } = {}): Promise<InferencePool> {
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`inference pool: bad worker count ${workers}`);
    const threads = Array.from({ length: workers }, () => new Worker(BOOT, { workerData: { script: SCRIPT, model, capacity } }));
    const pool = new InferencePool(threads, size(model.spec.inputShape));
    await Promise.all(threads.map((t) => next(t)));
    return pool;
  }

  /** Logits and probabilities (count × classes each) of `count` inputs, in input order. */
  async run(inputs: Float32Array, count: number): Promise<{ logits: Float32Array; probs: Float32Array }> {
    if (!Number.isInteger(count) || count < 1 || inputs.length !== count * this.inSize) {
      throw new Error(`inference pool: expected ${count} × ${this.inSize} floats, got ${inputs.length}`);
    }
    const per = Math.ceil(count / this.threads.length);
    const parts = await Promise.all(
      this.threads.map((t, r) => {
        const first = Math.min(count, r * per), n = Math.min(per, count - first);
        if (n <= 0) return { logits: new Float32Array(0), probs: new Float32Array(0) };
        const reply = next(t);
        t.postMessage({ inputs: inputs.slice(first * this.inSize, (first + n) * this.inSize), count: n });
        return reply as Promise<{ logits: Float32Array; probs: Float32Array }>;
      }),
    );
    const cat = (key: 'logits' | 'probs') => {
      const out = new Float32Array(parts.reduce((s, p) => s + p[key].length, 0));
      parts.reduce((o, p) => (out.set(p[key], o), o + p[key].length), 0);
      return out;
    };
    return { logits: cat('logits'), probs: cat('probs') };
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
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
