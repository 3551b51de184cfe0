/**
 * A worker thread of InferencePool (parallel-infer.ts): the model on its own engine instance, forward only. Inputs
 * and outputs live in shared memory (the pool's buffers, sent once and again when they grow); a message says which
 * digits to run, the reply that they are done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadEngineNode } from '../wasm/node.ts';
import { Arena } from '../wasm/wasm.ts';
import { Network } from '../model/network.ts';
import type { LoadedModel } from '../model/spec.ts';
import { errorText } from '../util/guards.ts';
import type { PoolBuffers, PoolRequest } from './parallel-infer.ts';

const d = workerData as { model: LoadedModel; capacity: number };
const net = new Network(new Arena(await loadEngineNode()), d.model, d.capacity);
const port = parentPort!;
let views: { inputs: Float32Array; logits: Float32Array; probs: Float32Array } | undefined;

function forward(first: number, count: number): void {
  const { inputs, logits, probs } = views!;
  const inSize = net.input.size, k = net.classes;
  for (let at = first; at < first + count; at += net.capacity) {
    const n = Math.min(net.capacity, first + count - at);
    net.setInput(inputs.subarray(at * inSize, (at + n) * inSize), n);
    net.forward(n);
    logits.set(net.arena.f32(net.logits.ptr, n * k), at * k);
    probs.set(net.arena.f32(net.probs.ptr, n * k), at * k);
  }
}

port.on('message', (req: PoolRequest) => {
  if ('buffers' in req) {
    const b: PoolBuffers = req.buffers;
    views = { inputs: new Float32Array(b.inputs), logits: new Float32Array(b.logits), probs: new Float32Array(b.probs) };
    return;
  }
  try {
    forward(req.first, req.count);
    port.postMessage({ done: true });
  } catch (e) {
    port.postMessage({ error: errorText(e) });
  }
});
port.postMessage({ ready: true, classes: net.classes });
