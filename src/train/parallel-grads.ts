/**
 * Where a Network's parameter gradients live, as one flat vector (kernel then bias, layer by layer), and the sum of
 * several replicas' vectors into its gradient buffers: in rank order, each partial sum rounded to float32, times
 * 1/workers. Shared by the workers and by the single-thread reference (splitStep), so both sum alike.
 */
import type { Network } from '../model/network.ts';

export interface GradSlots {
  list: { ptr: number; len: number; offset: number }[];
  total: number;
}

export function gradSlots(net: Network): GradSlots {
  const list: GradSlots['list'] = [];
  let total = 0;
  for (const p of net.params) {
    for (const [ptr, len] of [[p.dKernel, p.kernelLen], [p.dBias, p.biasLen]] as const) {
      if (!len) continue;
      list.push({ ptr, len, offset: total });
      total += len;
    }
  }
  return { list, total };
}

/**
 * Each replica's loss is the mean over its share, so the mean over the whole batch is the mean of the replicas'
 * gradients: (g₀ + g₁) · ½ — the halving is exact, only the order of the batch sum differs from one worker.
 */
export function sumSlotsInto(net: Network, slots: GradSlots, grads: Float32Array, workers: number): void {
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
