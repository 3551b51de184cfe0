/**
 * One replica of data-parallel training (see parallel.ts): forward and backward on its share of the batch, its
 * gradients into its slot of shared memory, a barrier, then every replica sums the slots in rank order and takes the
 * same optimizer step, so the replicas stay bit-identical without sending weights back and forth.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadEngineNode } from '../wasm/node.ts';
import { Arena } from '../wasm/wasm.ts';
import { Network } from '../model/network.ts';
import { Optimizer } from './optimizer.ts';
import { argmax } from '../util/array.ts';
import { errorText } from '../util/guards.ts';
import { OTHER_FAILED, type ParallelReply, type ParallelRequest, type ParallelWorkerData } from './parallel-protocol.ts';
import { gradSlots, sumSlotsInto } from './parallel-grads.ts';

const d = workerData as ParallelWorkerData;
const port = parentPort!;
const net = new Network(new Arena(await loadEngineNode()), d.model, d.share);
const opt = new Optimizer(net, d.optimizer);
const slots = gradSlots(net);
const ctl = new Int32Array(d.ctl);
const grads = new Float32Array(d.grads);
const input = new Float32Array(d.input);
const labels = new Int32Array(d.labels);
const inSize = net.input.size;

/** All workers wait here until every one has arrived (a generation-counting barrier on shared memory). */
function barrier(): void {
  const gen = Atomics.load(ctl, 1);
  if (Atomics.add(ctl, 0, 1) === d.workers - 1) {
    Atomics.store(ctl, 0, 0);
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  } else {
    while (Atomics.load(ctl, 1) === gen) Atomics.wait(ctl, 1, gen);
  }
}

function step(lr: number): ParallelReply {
  let loss = NaN;
  let correct = 0;
  try {
    const first = d.rank * d.share;
    net.setInput(input.subarray(first * inSize, (first + d.share) * inSize), d.share);
    net.forward(d.share);
    const mine = labels.subarray(first, first + d.share);
    loss = net.loss(mine, d.share);
    const probs = net.arena.f32(net.probs.ptr, d.share * net.classes);
    for (let i = 0; i < d.share; i++) if (argmax(probs, i * net.classes, net.classes) === mine[i]) correct++;
    net.backward(d.share);
    const slot = grads.subarray(d.rank * slots.total, (d.rank + 1) * slots.total);
    for (const s of slots.list) slot.set(net.arena.f32(s.ptr, s.len), s.offset);
  } catch (e) {
    Atomics.store(ctl, 2, 1);
    barrier(); // the others must not wait for this worker forever
    return { kind: 'error', message: errorText(e) };
  }
  barrier();
  if (Atomics.load(ctl, 2)) return { kind: 'error', message: OTHER_FAILED };
  sumSlotsInto(net, slots, grads, d.workers);
  opt.apply(lr);
  return { kind: 'step', loss, correct };
}

port.on('message', (req: ParallelRequest) => {
  if (req.kind === 'step') port.postMessage(step(req.lr));
  else port.postMessage({ kind: 'params', params: net.getParams() } satisfies ParallelReply);
});
