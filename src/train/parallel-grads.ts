/**
 * Where a Network's parameter gradients live, as one flat vector (kernel then bias, layer by layer), and the mean of
 * several replicas' vectors written into its gradient buffers. Shared by the workers and by the single-thread
 * reference (splitStep), so both sum alike.
 */
import type { Network } from '../model/network.ts';
import type { ParamRange } from './optimizer.ts';

export interface GradSlots {
  /** Each tensor's gradient address, its parameter's address, its length and offset in the flat vector. */
  list: { ptr: number; param: number; len: number; offset: number }[];
  total: number;
  /** Engine memory for two slots (workers = 2: averaged there by the meanOfTwo kernel). */
  pair: number;
}

const planned = new WeakMap<Network, GradSlots>();

/** The network's gradient slots, planned once per network (the pair buffer lives in its arena). */
export function gradSlots(net: Network): GradSlots {
  const known = planned.get(net);
  if (known) return known;
  const list: GradSlots['list'] = [];
  let total = 0;
  for (const p of net.params) {
    for (const [ptr, param, len] of [[p.dKernel, p.kernel, p.kernelLen], [p.dBias, p.bias, p.biasLen]] as const) {
      if (!len) continue;
      list.push({ ptr, param, len, offset: total });
      total += len;
    }
  }
  const slots = { list, total, pair: net.arena.alloc(2 * total) };
  planned.set(net, slots);
  return slots;
}

/**
 * Replica r's share of the parameters for the sharded optimizer step: about total / workers each, every boundary
 * a multiple of 4 floats from the start of its tensor, so each element goes through the same SIMD lane or scalar
 * tail of the optim kernels as in one call on the whole tensor (their scalar tails round c·g·g in another order).
 */
export function shardRange(slots: GradSlots, workers: number, rank: number): ParamRange {
  const at = (r: number): number => {
    if (r >= workers) return slots.total;
    const x = Math.floor((slots.total * r) / workers);
    const s = slots.list.find((s) => x < s.offset + s.len)!;
    return s.offset + Math.floor((x - s.offset) / 4) * 4;
  };
  return { from: at(rank), to: at(rank + 1) };
}

export type Piece = GradSlots['list'][number];

/** The pieces of the flat range inside each tensor (addresses of the gradient and the parameter at the piece). */
export function piecesOf(slots: GradSlots, range: ParamRange): Piece[] {
  return slots.list.flatMap((s) => {
    const a = Math.max(range.from, s.offset), b = Math.min(range.to, s.offset + s.len);
    const skip = 4 * (a - s.offset);
    return a < b ? [{ ptr: s.ptr + skip, param: s.param + skip, offset: a, len: b - a }] : [];
  });
}

/**
 * The mean of every replica's gradient over `range` only, into this replica's gradient buffers (which hold its own
 * gradient, rank `rank`; the others' are in their slots of `grads`). The same sums as sumSlotsInto, element for
 * element: a + b = b + a exactly, and beyond two the partial sums go in rank order.
 */
export function sumShardInto(net: Network, slots: GradSlots, grads: Float32Array, workers: number, rank: number, range: ParamRange): void {
  const pieces = piecesOf(slots, range);
  if (workers === 2) {
    const other = (1 - rank) * slots.total;
    for (const p of pieces) {
      net.arena.f32(slots.pair + 4 * p.offset, p.len).set(grads.subarray(other + p.offset, other + p.offset + p.len));
      net.ex.meanOfTwo(p.ptr, p.ptr, slots.pair + 4 * p.offset, p.len);
    }
    return;
  }
  const scale = Math.fround(1 / workers);
  for (const p of pieces) {
    const own = net.arena.f32(p.ptr, p.len);
    for (let i = 0; i < p.len; i++) {
      const at = (r: number) => (r === rank ? own[i] : grads[r * slots.total + p.offset + i]);
      let g = at(0);
      for (let r = 1; r < workers; r++) g = Math.fround(g + at(r));
      own[i] = Math.fround(g * scale);
    }
  }
}

/**
 * Each replica's loss is the mean over its share, so the mean over the whole batch is the mean of the replicas'
 * gradients: (g₀ + g₁) · ½ — the halving is exact, only the order of the batch sum differs from one worker. Two
 * workers: both slots copied into engine memory and averaged by a SIMD kernel (float32 add, then × ½); more: in
 * rank order here, each partial sum rounded to float32, times 1/workers.
 */
export function sumSlotsInto(net: Network, slots: GradSlots, grads: Float32Array, workers: number): void {
  if (workers === 2) {
    net.arena.f32(slots.pair, 2 * slots.total).set(grads.subarray(0, 2 * slots.total));
    for (const s of slots.list) net.ex.meanOfTwo(s.ptr, slots.pair + 4 * s.offset, slots.pair + 4 * (slots.total + s.offset), s.len);
    return;
  }
  const scale = Math.fround(1 / workers);
  for (const s of slots.list) {
    const dst = net.arena.f32(s.ptr, s.len);
    for (let i = 0; i < s.len; i++) {
      let g = grads[s.offset + i];
      for (let r = 1; r < workers; r++) g = Math.fround(g + grads[r * slots.total + s.offset + i]);
      dst[i] = Math.fround(g * scale);
    }
  }
}
