/**
 * One replica of data-parallel training (see parallel.ts), driven through shared memory (parallel-protocol.ts).
 * A step: forward and backward on its share of the batch, its gradients into its slot; a barrier; then the mean
 * gradient and the optimizer update of its shard of the parameters only (its moments only for that shard), the
 * shard written to the shared weights; the DONE barrier; then the other shards copied in and the kernels repacked
 * (while the main thread prepares the next batch).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadEngineNode } from '../wasm/node.ts';
import { Arena } from '../wasm/wasm.ts';
import { Network } from '../model/network.ts';
import { Optimizer } from './optimizer.ts';
import { errorText } from '../util/guards.ts';
import { barrier, COMMAND, CTL, ERROR_BYTES, OTHER_FAILED, type ParallelWorkerData } from './parallel-protocol.ts';
import { gradSlots, piecesOf, shardRange, sumShardInto, type Piece } from './parallel-grads.ts';

const d = workerData as ParallelWorkerData;
const net = new Network(new Arena(await loadEngineNode()), d.model, d.share);
const slots = gradSlots(net);
const mine = shardRange(slots, d.workers, d.rank);
const opt = Optimizer.forPart(net, d.optimizer, mine);
const own = piecesOf(slots, mine);
const others = [...piecesOf(slots, { from: 0, to: mine.from }), ...piecesOf(slots, { from: mine.to, to: slots.total })];
const ctl = new Int32Array(d.shared.ctl);
const nums = new Float64Array(d.shared.nums);
const grads = new Float32Array(d.shared.grads);
const weights = new Float32Array(d.shared.weights);
const state = new Float32Array(d.shared.state);
const input = new Float32Array(d.shared.input);
const labels = new Int32Array(d.shared.labels);
const message = new Uint8Array(d.shared.errors, d.rank * ERROR_BYTES, ERROR_BYTES);
const inSize = net.input.size;
const first = d.rank * d.share;

const mid = () => barrier(ctl, CTL.midCount, CTL.midGen, d.workers);
const done = () => barrier(ctl, CTL.doneCount, CTL.doneGen, d.workers);

/** Fails the command with this worker's reason (the first one it has). */
function report(e: unknown): void {
  if (!ctl[CTL.per + d.workers + d.rank]) {
    ctl[CTL.per + d.workers + d.rank] = new TextEncoder().encodeInto(errorText(e), message).written;
  }
  Atomics.store(ctl, CTL.failed, 1);
}

/** Forward and backward of this worker's share; its gradients (all but its own shard) into its slot. */
function gradients(): void {
  net.setInput(input.subarray(first * inSize, (first + d.share) * inSize), d.share);
  net.forward(d.share);
  const ys = labels.subarray(first, first + d.share);
  nums[1 + d.rank] = net.loss(ys, d.share);
  ctl[CTL.per + d.rank] = net.correct(ys, d.share);
  net.backward(d.share);
  const slot = grads.subarray(d.rank * slots.total, (d.rank + 1) * slots.total);
  for (const p of others) slot.set(net.arena.f32(p.ptr, p.len), p.offset);
}

/** Parameters of `pieces` from a flat vector (at offset `at`) into engine memory, or out of it. */
function copyIn(pieces: Piece[], from: Float32Array, at = 0): void {
  for (const p of pieces) net.arena.f32(p.param, p.len).set(from.subarray(at + p.offset, at + p.offset + p.len));
}
function copyOut(pieces: Piece[], to: Float32Array): void {
  for (const p of pieces) to.set(net.arena.f32(p.param, p.len), p.offset);
}

/** The step; false if it failed before any replica changed (then none did). */
function step(): boolean {
  try {
    gradients();
  } catch (e) {
    report(e);
  }
  mid();
  if (Atomics.load(ctl, CTL.failed)) return false;
  sumShardInto(net, slots, grads, d.workers, d.rank, mine);
  opt.update(nums[0]);
  copyOut(own, weights);
  return true;
}

/** This shard's moments into (save) or out of (load) the state buffer: m after the parameters, v after m. */
function moments(save: boolean): void {
  const s = opt.state();
  let o = mine.from;
  for (let i = 0; i < s.m.length; i++) {
    const len = s.m[i].length;
    const m = state.subarray(slots.total + o, slots.total + o + len), v = state.subarray(2 * slots.total + o, 2 * slots.total + o + len);
    if (save) {
      m.set(s.m[i]);
      v.set(s.v[i]);
    } else {
      s.m[i].set(m);
      s.v[i].set(v);
    }
    o += len;
  }
  if (save && d.rank === 0) ctl[CTL.step] = opt.step;
  if (!save) opt.restore({ ...s, step: ctl[CTL.step] });
}

/** Every parameter and this shard's moments from the state buffer; the shard to the live weights. */
function load(): void {
  try {
    copyIn([...own, ...others], state);
    net.repack();
    moments(false);
  } catch (e) {
    report(e);
  }
  mid(); // no replica may still be copying the live weights in after the last step
  if (Atomics.load(ctl, CTL.failed)) throw new Error(OTHER_FAILED);
  copyOut(own, weights);
}

let seen = Atomics.load(ctl, CTL.go); // before saying ready: the first GO may come right after
parentPort!.postMessage('ready');
for (;;) {
  Atomics.wait(ctl, CTL.go, seen);
  seen = Atomics.load(ctl, CTL.go);
  const command = Atomics.load(ctl, CTL.command);
  if (command === COMMAND.stop) break;
  let stepped = false;
  try {
    if (command === COMMAND.step) stepped = step();
    else if (command === COMMAND.save) moments(true);
    else if (command === COMMAND.load) load();
  } catch (e) {
    report(e); // after the mid-step barrier, or in a load: the replicas may differ now
    Atomics.store(ctl, CTL.broken, 1);
  }
  if (Atomics.load(ctl, CTL.failed)) report(new Error(OTHER_FAILED)); // only if this worker has no reason of its own
  done();
  try {
    if (stepped) {
      copyIn(others, weights);
      net.repack();
    }
  } catch (e) {
    report(e);
    Atomics.store(ctl, CTL.broken, 1);
  }
}
