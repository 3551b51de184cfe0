/** What the data-parallel trainer (parallel.ts) and its worker threads (parallel-worker.ts) exchange. */
import type { LoadedModel } from '../model/spec.ts';
import type { OptimizerName } from './optimizer.ts';

export interface ParallelWorkerData {
  /** The worker module (parallel-boot.mjs imports it). */
  script: string;
  model: LoadedModel;
  optimizer: OptimizerName;
  rank: number;
  workers: number;
  /** Samples per worker per step (the batch / workers). */
  share: number;
  /** Int32: [barrier count, barrier generation, error flag]. */
  ctl: SharedArrayBuffer;
  /** Float32: one slot of every parameter gradient per worker (kernel then bias, layer by layer). */
  grads: SharedArrayBuffer;
  /** Float32: the step's batch of inputs, worker r's share at r · share. */
  input: SharedArrayBuffer;
  /** Int32: the step's labels. */
  labels: SharedArrayBuffer;
}

export type ParallelRequest = { kind: 'step'; lr: number } | { kind: 'params' };

export type ParallelReply =
  | { kind: 'step'; loss: number; correct: number }
  | { kind: 'params'; params: LoadedModel['params'] }
  | { kind: 'error'; message: string };

/** What a worker answers when it was not the one that failed. */
export const OTHER_FAILED = 'another training worker failed';
