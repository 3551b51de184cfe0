/** A worker thread of InferencePool (parallel-infer.ts): the model on its own engine instance, forward only. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadEngineNode } from '../wasm/node.ts';
import { Arena } from '../wasm/wasm.ts';
import { Network } from '../model/network.ts';
import type { LoadedModel } from '../model/spec.ts';
import { errorText } from '../util/guards.ts';

const d = workerData as { model: LoadedModel; capacity: number };
const net = new Network(new Arena(await loadEngineNode()), d.model, d.capacity);
const port = parentPort!;

port.on('message', ({ inputs, count }: { inputs: Float32Array; count: number }) => {
  try {
    const inSize = net.input.size, k = net.classes;
    const logits = new Float32Array(count * k), probs = new Float32Array(count * k);
    for (let first = 0; first < count; first += net.capacity) {
      const n = Math.min(net.capacity, count - first);
      net.setInput(inputs.subarray(first * inSize, (first + n) * inSize), n);
      net.forward(n);
      logits.set(net.arena.f32(net.logits.ptr, n * k), first * k);
      probs.set(net.arena.f32(net.probs.ptr, n * k), first * k);
    }
    port.postMessage({ logits, probs }, [logits.buffer, probs.buffer]);
  } catch (e) {
    port.postMessage({ error: errorText(e) });
  }
});
port.postMessage({ ready: true });
