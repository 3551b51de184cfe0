/**
 * What the data-parallel trainer (parallel.ts, replica 0 on the calling thread) and its worker threads
 * (parallel-worker.ts, the other replicas) share. After start-up they exchange no messages: the main thread writes a
 * command into shared memory and bumps GO; every replica runs it (parallel-replica.ts) and meets the others at the
 * barriers. Messages through the event loop cost ~300 µs a step, more than the optimizer step itself on the MLP.
 */
import type { LoadedModel } from '../model/spec.ts';
import type { OptimizerName } from './optimizer.ts';

/** What a replica needs: its rank, the model to start from, the shared memory. */
export interface ReplicaSetup {
  model: LoadedModel;
  optimizer: OptimizerName;
  rank: number;
  workers: number;
  /** Samples per worker per step (the batch / workers). */
  share: number;
  shared: SharedBuffers;
  /** Loads to spin at a wait before sleeping (waitWhile): SPIN when every replica has a core, else 0. */
  spin: number;
}

export interface ParallelWorkerData extends ReplicaSetup {
  /** The worker module (parallel-boot.mjs imports it). */
  script: string;
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
  /** Replicas arrived at the mid-step barrier, and its generation. */
  midCount: 0,
  midGen: 1,
  /** Replicas done with the command, and its generation. */
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

/** A generation-counting barrier: its two control words. */
export interface Barrier {
  count: number;
  gen: number;
}

export const MID: Barrier = { count: CTL.midCount, gen: CTL.midGen };
export const DONE: Barrier = { count: CTL.doneCount, gen: CTL.doneGen };

/**
 * Arrives at barrier `b` of `parties`: the generation to wait past (while ctl[b.gen] still holds it), or -1 if this
 * was the last to arrive (then it has released the others).
 */
export function arrive(ctl: Int32Array, b: Barrier, parties: number): number {
  const g = Atomics.load(ctl, b.gen);
  if (Atomics.add(ctl, b.count, 1) !== parties - 1) return g;
  Atomics.store(ctl, b.count, 0);
  Atomics.add(ctl, b.gen, 1);
  Atomics.notify(ctl, b.gen);
  return -1;
}

/** Every one of `parties` waits at `b` until all have arrived. */
export function barrier(ctl: Int32Array, b: Barrier, parties: number, spin: number): void {
  const g = arrive(ctl, b, parties);
  if (g !== -1) waitWhile(ctl, b.gen, g, spin);
}

/**
 * Waits while ctl[index] is `value`: spinning first, then sleeping. A futex wake-up costs ~23 µs on this machine's
 * VM (a round trip between two threads: 46 µs sleeping, 1.2 µs spinning), and a step has three waits (GO, MID,
 * DONE); the spin is bounded (SPIN loads, ~150 µs here) so a waiter with long to wait sleeps. With two replicas
 * there are two threads (the main thread is replica 0), so a spinning waiter steals no core from the other; with
 * more replicas than cores the trainer passes 0 (sleep at once).
 */
export function waitWhile(ctl: Int32Array, index: number, value: number, spin: number): void {
  if (spinWhile(ctl, index, value, spin)) return;
  while (Atomics.load(ctl, index) === value) Atomics.wait(ctl, index, value);
}

/** Spins while ctl[index] is `value`, `spin` loads at most; false if it still is. */
export function spinWhile(ctl: Int32Array, index: number, value: number, spin: number): boolean {
  for (let i = 0; i < spin; i++) if (Atomics.load(ctl, index) !== value) return true;
  return false;
}

export const SPIN = 20_000;
