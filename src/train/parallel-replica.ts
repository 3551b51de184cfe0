/**
 * One replica of data-parallel training (see parallel.ts), driven through shared memory (parallel-protocol.ts):
 * rank 0 on the calling thread (ParallelTrainer), every other rank in a worker thread (parallel-worker.ts). A
 * command is written once here, as a generator that yields each barrier the replica must meet: the worker meets
 * them blocking, the trainer's async step awaiting (so it sees a worker that dies).
 *
 * A step: forward and backward on its share of the batch, its gradients into its slot; MID; then the mean gradient
 * and the optimizer update of its shard of the parameters only (its moments only for that shard), the shard written
 * to the shared weights; DONE; then the other shards copied in and the kernels repacked.
 *
 * NOTE: a shard each and two barriers, rather than the whole sum and update on every replica after the one barrier
 * (gradient slots double-buffered by step parity, no exchange, no DONE in a step): both were measured in one process
 * (2026-11-27, MLP, two replicas, best of 15 interleaved rounds, three runs): 0.716–0.728 ms a step sharded, 0.774–0.801
 * ms whole; the CNN the same within noise. The whole Adam update and sum cost each replica ~55 µs more on the MLP
 * than the spinning DONE barrier and the exchange.
 */
import { loadEngineNode } from '../wasm/node.ts';
import { Arena } from '../wasm/wasm.ts';
import { Network } from '../model/network.ts';
import { Optimizer } from './optimizer.ts';
import { errorText } from '../util/guards.ts';
import { COMMAND, CTL, DONE, ERROR_BYTES, MID, OTHER_FAILED, type Barrier, type ReplicaSetup } from './parallel-protocol.ts';
import { gradSlots, piecesOf, shardRange, sumShardInto, type GradSlots, type Piece } from './parallel-grads.ts';

export class Replica {
  private readonly slots: GradSlots;
  private readonly opt: Optimizer;
  private readonly mine: { from: number; to: number };
  private readonly own: Piece[];
  private readonly others: Piece[];
  private readonly ctl: Int32Array;
  private readonly nums: Float64Array;
  private readonly grads: Float32Array;
  private readonly weights: Float32Array;
  private readonly state: Float32Array;
  private readonly input: Float32Array;
  private readonly labels: Int32Array;
  private readonly message: Uint8Array;
  /** A failure after DONE (copying the other shards in): reported with the next command, which it breaks. */
  private late?: unknown;

  private constructor(private readonly net: Network, private readonly d: ReplicaSetup) {
    this.slots = gradSlots(net);
    this.mine = shardRange(this.slots, d.workers, d.rank);
    this.opt = Optimizer.forPart(net, d.optimizer, this.mine);
    this.own = piecesOf(this.slots, this.mine);
    this.others = [...piecesOf(this.slots, { from: 0, to: this.mine.from }), ...piecesOf(this.slots, { from: this.mine.to, to: this.slots.total })];
    this.ctl = new Int32Array(d.shared.ctl);
    this.nums = new Float64Array(d.shared.nums);
    this.grads = new Float32Array(d.shared.grads);
    this.weights = new Float32Array(d.shared.weights);
    this.state = new Float32Array(d.shared.state);
    this.input = new Float32Array(d.shared.input);
    this.labels = new Int32Array(d.shared.labels);
    this.message = new Uint8Array(d.shared.errors, d.rank * ERROR_BYTES, ERROR_BYTES);
  }

  /** The replica on its own engine instance, planned for its share. */
  static async create(d: ReplicaSetup): Promise<Replica> {
    return new Replica(new Network(new Arena(await loadEngineNode()), d.model, d.share), d);
  }

  /**
   * The command, yielding MID (step, load) and DONE; whoever drives it meets each barrier before resuming. Every
   * failure is caught and reported in shared memory, and the replica still meets every barrier, so none hangs.
   */
  *run(command: number): Generator<Barrier, void> {
    const { ctl } = this;
    let stepped = false;
    if (this.late !== undefined) {
      this.report(this.late); // the command still runs, to meet every barrier, and fails
      Atomics.store(ctl, CTL.broken, 1);
      this.late = undefined;
    }
    try {
      if (command === COMMAND.step) stepped = yield* this.step();
      else if (command === COMMAND.save) this.moments(true);
      else if (command === COMMAND.load) yield* this.load();
    } catch (e) {
      this.report(e); // after the mid-step barrier, or in a load: the replicas may differ now
      Atomics.store(ctl, CTL.broken, 1);
    }
    if (Atomics.load(ctl, CTL.failed)) this.report(new Error(OTHER_FAILED)); // only if it has no reason of its own
    yield DONE;
    try {
      if (stepped) {
        this.copyIn(this.others, this.weights);
        this.net.repack();
      }
    } catch (e) {
      this.late = e;
    }
  }

  /** Fails the command with this replica's reason (the first one it has). */
  private report(e: unknown): void {
    const { ctl, d } = this;
    if (!ctl[CTL.per + d.workers + d.rank]) {
      ctl[CTL.per + d.workers + d.rank] = new TextEncoder().encodeInto(errorText(e), this.message).written;
    }
    Atomics.store(ctl, CTL.failed, 1);
  }

  /** The step up to DONE; false if it failed before any replica changed (then none did). */
  private *step(): Generator<Barrier, boolean> {
    try {
      this.gradients();
    } catch (e) {
      this.report(e);
    }
    yield MID;
    if (Atomics.load(this.ctl, CTL.failed)) return false;
    sumShardInto(this.net, this.slots, this.grads, this.d.workers, this.d.rank, this.mine);
    this.opt.update(this.nums[0]);
    this.copyOut(this.own, this.weights);
    return true;
  }

  /** Forward and backward of this replica's share; its gradients (all but its own shard) into its slot. */
  private gradients(): void {
    const { net, d, slots } = this;
    const first = d.rank * d.share, inSize = net.input.size;
    net.setInput(this.input.subarray(first * inSize, (first + d.share) * inSize), d.share);
    net.forward(d.share);
    const ys = this.labels.subarray(first, first + d.share);
    this.nums[1 + d.rank] = net.loss(ys, d.share);
    this.ctl[CTL.per + d.rank] = net.correct(ys, d.share);
    net.backward(d.share);
    const slot = this.grads.subarray(d.rank * slots.total, (d.rank + 1) * slots.total);
    for (const p of this.others) slot.set(net.arena.f32(p.ptr, p.len), p.offset);
  }

  /** Parameters of `pieces` from a flat vector (at offset `at`) into engine memory, or out of it. */
  private copyIn(pieces: Piece[], from: Float32Array, at = 0): void {
    for (const p of pieces) this.net.arena.f32(p.param, p.len).set(from.subarray(at + p.offset, at + p.offset + p.len));
  }
  private copyOut(pieces: Piece[], to: Float32Array): void {
    for (const p of pieces) to.set(this.net.arena.f32(p.param, p.len), p.offset);
  }

  /** This shard's moments into (save) or out of (load) the state buffer: m after the parameters, v after m. */
  private moments(save: boolean): void {
    const { ctl, state, slots } = this;
    const s = this.opt.state();
    let o = this.mine.from;
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
    if (save && this.d.rank === 0) ctl[CTL.step] = this.opt.step;
    if (!save) this.opt.restore({ ...s, step: ctl[CTL.step] });
  }

  /** Every parameter and this shard's moments from the state buffer; the shard to the live weights. */
  private *load(): Generator<Barrier, void> {
    try {
      this.copyIn([...this.own, ...this.others], this.state);
      this.net.repack();
      this.moments(false);
    } catch (e) {
      this.report(e);
    }
    yield MID; // no replica may still be copying the live weights in after the last step
    if (Atomics.load(this.ctl, CTL.failed)) throw new Error(OTHER_FAILED);
    this.copyOut(this.own, this.weights);
  }
}
