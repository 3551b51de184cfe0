/**
 * What the data-parallel trainer (parallel.ts) and its worker threads (parallel-worker.ts) share. After start-up
 * they exchange no messages: the main thread writes a command into shared memory and bumps GO; every worker runs it
 * and arrives at the DONE barrier, whose generation the main thread waits on. Messages through the event loop
 * cost ~300 µs a step, more than the optimizer step itself on the MLP.
 */
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
  shared: SharedBuffers;
}

export interface SharedBuffers {
  /** Int32 control words (CTL below), then each worker's correct count and error message length. */
  ctl: SharedArrayBuffer;
  /** Float64: the step's learning rate, then each worker's mean loss over its share. */
  nums: SharedArrayBuffer;
  /** Float32: one slot of every parameter gradient per worker (kernel then bias, layer by layer). */
  grads: SharedArrayBuffer;
  /** Float32: the parameters after the last command, in the same flat layout (each worker writes its shard). */
  weights: SharedArrayBuffer;
  /**
   * Float32: what save writes and load reads, apart from the live weights (a worker may still be copying those in
   * after the last step): parameters, then the optimizer's m, then its v, each in the flat layout.
   */
  state: SharedArrayBuffer;
  /** Float32: the step's batch of inputs, worker r's share at r · share. */
  input: SharedArrayBuffer;
  /** Int32: the step's labels. */
  labels: SharedArrayBuffer;
  /** UTF-8: each worker's error message, ERROR_BYTES each. */
  errors: SharedArrayBuffer;
}

/** Indices of the control words. */
export const CTL = {
  /** Workers arrived at the mid-step barrier, and its generation. */
  midCount: 0,
  midGen: 1,
  /** Workers done with the command, and the generation the main thread waits on. */
  doneCount: 2,
  doneGen: 3,
  /** Bumped by the main thread to start COMMAND. */
  go: 4,
  command: 5,
  /** Set by a worker whose part of the step failed (the others then skip the update). */
  failed: 6,
  /** The optimizer's step count, for load. */
  step: 7,
  /** Set for good when a worker failed after some replica may have changed: they may differ now. */
  broken: 8,
  /** Then per worker r: correct predictions at PER + r, error message length at PER + workers + r. */
  per: 9,
} as const;

export const COMMAND = { step: 1, save: 2, load: 3, stop: 4 } as const;

export const ERROR_BYTES = 2048;

/** What a worker says when it was not the one that failed. */
export const OTHER_FAILED = 'another training worker failed';

/** A generation-counting barrier on two control words: every one of `parties` waits until all have arrived. */
export function barrier(ctl: Int32Array, count: number, gen: number, parties: number): void {
  const g = Atomics.load(ctl, gen);
  if (Atomics.add(ctl, count, 1) === parties - 1) {
    Atomics.store(ctl, count, 0);
    Atomics.add(ctl, gen, 1);
    Atomics.notify(ctl, gen);
  } else {
    waitWhile(ctl, gen, g);
  }
}

/**
 * Waits while ctl[index] is `value`: spinning first, then sleeping. A futex wake-up costs ~23 µs on this machine's
 * VM (a round trip between two threads: 46 µs sleeping, 1.2 µs spinning), and the replicas meet twice a step; the
 * spin is bounded (SPIN loads, ~150 µs here) so a waiter with long to wait sleeps. Spinning at the barriers only:
 * between the steps the workers sleep, so the main thread preparing the next batch has a core.
 */
export function waitWhile(ctl: Int32Array, index: number, value: number, spin = SPIN): void {
  for (let i = 0; i < spin; i++) if (Atomics.load(ctl, index) !== value) return;
  while (Atomics.load(ctl, index) === value) Atomics.wait(ctl, index, value);
}

const SPIN = 20_000;
