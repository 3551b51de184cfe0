/**
 * Data-parallel training over message passing, for where threads share no memory (a browser worker without
 * cross-origin isolation has no SharedArrayBuffer; src/train/parallel.ts is the shared-memory version for Node).
 * The session (TrainSession.runBatchesWith) keeps the optimiser and the whole batch; each step it sends a peer the
 * current parameters and the second half of the batch, computes the first half's gradients meanwhile, averages the
 * two halves' gradients (parallel-grads.ts, as the Node workers do) and steps. The peer holds no state of its own
 * (parameters arrive with every step), so pausing, resuming from a checkpoint or losing the peer changes nothing.
 * Against one thread the only difference is the order the batch is summed in the parameter gradients.
 */
import type { Network } from '../model/network.ts';
import type { ModelSpec } from '../model/spec.ts';
import { layerShapes } from '../model/shapes.ts';
import { gradSlots } from './parallel-grads.ts';

/** One half-batch step, as the peer is asked it: the parameters to use, the inputs and labels. */
export interface PeerStep {
  /** Every parameter, kernel then bias, layer by layer (flatParams' order). */
  params: Float32Array;
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

export interface PeerResult {
  /** The gradients of the mean loss over the peer's inputs, in gradSlots' order. */
  grads: Float32Array;
  loss: number;
  correct: number;
}

/** The other thread of a two-thread training step. */
export interface GradientPeer {
  step(s: PeerStep): Promise<PeerResult>;
  close(): void;
}

/** What a peer needs to plan its network: the model's layers and the most inputs a step sends it. */
export interface PeerPlan {
  spec: ModelSpec;
  capacity: number;
}

/** Every parameter of `net` in one vector (kernel then bias, layer by layer). */
export function flatParams(net: Network, out?: Float32Array): Float32Array {
  let total = 0;
  for (const p of net.params) total += p.kernelLen + p.biasLen;
  const flat = out && out.length === total ? out : new Float32Array(total);
  let o = 0;
  for (const p of net.params) {
    flat.set(net.arena.f32(p.kernel, p.kernelLen), o);
    o += p.kernelLen;
    if (p.biasLen) flat.set(net.arena.f32(p.bias, p.biasLen), o);
    o += p.biasLen;
  }
  return flat;
}

/** Sets every parameter of `net` from flatParams' vector (and repacks the kernels). */
export function setFlatParams(net: Network, flat: Float32Array): void {
  let o = 0;
  for (const p of net.params) {
    if (o + p.kernelLen + p.biasLen > flat.length) break;
    net.arena.f32(p.kernel, p.kernelLen).set(flat.subarray(o, o + p.kernelLen));
    o += p.kernelLen;
    if (p.biasLen) net.arena.f32(p.bias, p.biasLen).set(flat.subarray(o, o + p.biasLen));
    o += p.biasLen;
  }
  if (o !== flat.length) throw new Error(`train: ${flat.length} parameters sent for a network of ${o}`);
  net.repack();
}

/** The peer's side of a step on its own network (capacity ≥ count): what a peer thread runs for each message. */
export function peerStep(net: Network, s: PeerStep): PeerResult {
  setFlatParams(net, s.params);
  net.setInput(s.images, s.count);
  net.forward(s.count);
  const loss = net.loss(s.labels, s.count);
  const correct = net.correct(s.labels, s.count);
  net.backward(s.count);
  const slots = gradSlots(net);
  const grads = new Float32Array(slots.total);
  for (const g of slots.list) grads.set(net.arena.f32(g.ptr, g.len), g.offset);
  return { grads, loss, correct };
}

/**
 * Floating-point operations of one training step per input (forward, input gradient and weight gradient of the
 * Dense and Conv2D layers: 3 × 2 × multiply-adds; the rest is small beside them).
 */
export function trainFlopsPerInput(spec: ModelSpec): number {
  const shapes = layerShapes(spec);
  let flops = 0;
  spec.layers.forEach((l, i) => {
    if (l.kind === 'Dense') flops += 6 * shapes[i].input[0] * l.units;
    if (l.kind === 'Conv2D') {
      const [oh, ow] = shapes[i].output;
      flops += 6 * oh * ow * l.kernelSize[0] * l.kernelSize[1] * shapes[i].input[2] * l.filters;
    }
  });
  return flops;
}

/**
 * Below this many FLOPs in a half batch, a second thread costs more than it saves: each step it must be sent the
 * parameters and send back the gradients, and both threads wait for each other. Measured (`npm run bench
 * train-browser`, README): the notebook MLP at batch 64 (~21 MFLOP a half) ran slower on two threads in both
 * browsers; the CNN (~230 MFLOP a half) faster.
 */
export const MIN_HALF_BATCH_FLOPS = 100e6;

/** Why a second thread would not pay for `spec` at `batch`, or null when it would. */
export function secondThreadProblem(spec: ModelSpec, batch: number): string | null {
  if (batch % 2) return `a batch of ${batch} does not split over two threads`;
  const half = (trainFlopsPerInput(spec) * batch) / 2;
  if (half < MIN_HALF_BATCH_FLOPS) return `a step of this network is too small to gain from a second thread (${(half / 1e6).toFixed(0)} MFLOP a half batch)`;
  return null;
}
