/**
 * Where a Network's parameter gradients live, as one flat vector (kernel then bias, layer by layer), and the mean of
 * several replicas' vectors written into its gradient buffers. Shared by the workers and by the single-thread
 * reference (splitStep), so both sum alike.
 */
import type { Network } from '../model/network.ts';

export interface GradSlots {
  list: { ptr: number; len: number; offset: number }[];
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
    for (const [ptr, len] of [[p.dKernel, p.kernelLen], [p.dBias, p.biasLen]] as const) {
      if (!len) continue;
      list.push({ ptr, len, offset: total });
      total += len;
    }
  }
  const slots = { list, total, pair: net.arena.alloc(2 * total) };
  planned.set(net, slots);
  return slots;
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
