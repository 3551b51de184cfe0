/**
 * The training worker's side of its second thread (browsers): starts worker/train-peer.ts and offers it as a
 * GradientPeer (src/train/peer.ts). Inputs and parameters are moved, not copied, each way. A thread that fails or
 * dies fails the step it was asked with a message saying so; close() ends it.
 */
import type { GradientPeer, PeerPlan, PeerResult, PeerStep } from '../src/train/peer.ts';

export type PeerRequest = { kind: 'init'; wasm: BufferSource; plan: PeerPlan } | { kind: 'step'; step: PeerStep };
export type PeerReply = { kind: 'ready' } | { kind: 'step'; result: PeerResult } | { kind: 'error'; message: string };

/** Starting the thread (loading its script, compiling the engine) and one half-batch step take far less. */
const START_MS = 15_000;
const STEP_MS = 30_000;

/** The peer thread, started and planned for `plan` with the engine module `wasm` (the baseline build). */
export async function startPeerThread(wasm: BufferSource, plan: PeerPlan): Promise<GradientPeer> {
  const worker = new Worker(new URL('./train-peer.ts', import.meta.url), { type: 'module', name: 'seeing-digits-train-peer' });
  let pending: { resolve(r: PeerReply): void; reject(e: Error): void } | undefined;
  let dead: Error | undefined;
  const fail = (why: string) => {
    dead ??= new Error(`the second training thread stopped: ${why}`);
    pending?.reject(dead);
    pending = undefined;
    worker.terminate();
  };
  worker.onmessage = (e: MessageEvent<PeerReply>) => {
    const p = pending;
    pending = undefined;
    p?.resolve(e.data);
  };
  worker.onerror = (e) => {
    e.preventDefault();
    fail(e.message || 'it failed to load or crashed');
  };
  worker.onmessageerror = () => fail('a message could not be read');
  /** One request; a thread that has not answered within `ms` is ended (a stuck thread must not stall training). */
  const ask = (req: PeerRequest, ms: number, transfer: Transferable[] = []): Promise<PeerReply> => {
    if (dead) return Promise.reject(dead);
    if (pending) return Promise.reject(new Error('the second training thread is busy'));
    return new Promise<PeerReply>((resolve, reject) => {
      const timer = setTimeout(() => fail(`no answer within ${ms / 1000} s`), ms);
      pending = {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      worker.postMessage(req, transfer);
    }).then((r) => {
      if (r.kind === 'error') throw new Error(`the second training thread: ${r.message}`);
      return r;
    });
  };
  try {
    await ask({ kind: 'init', wasm, plan }, START_MS);
  } catch (e) {
    worker.terminate();
    throw e;
  }
  return {
    async step(s) {
      const r = await ask({ kind: 'step', step: s }, STEP_MS, [s.params.buffer, s.images.buffer, s.labels.buffer]);
      if (r.kind !== 'step') throw new Error('the second training thread answered out of turn');
      return r.result;
    },
    close() {
      dead ??= new Error('the second training thread was closed');
      worker.terminate();
    },
  };
}
