/**
 * The second training thread in browsers (a module worker the training worker starts): runs the second half of
 * each batch (src/train/peer.ts peerStep) on its own engine instance and sends back the gradients. It keeps no state
 * between steps but its network's memory: the parameters come with every step.
 */
import { instantiateEngine, Arena } from '../src/wasm/wasm.ts';
import { Network } from '../src/model/network.ts';
import { initModel } from '../src/train/architectures.ts';
import { peerStep } from '../src/train/peer.ts';
import { errorText } from '../src/util/guards.ts';
import type { PeerReply, PeerRequest } from './train-peer-client.ts';

declare const self: DedicatedWorkerGlobalScope;

let net: Network | undefined;

async function handle(req: PeerRequest): Promise<{ reply: PeerReply; transfer: Transferable[] }> {
  if (req.kind === 'init') {
    const ex = await instantiateEngine(req.wasm);
    net = new Network(new Arena(ex), initModel(req.plan.spec, 0), req.plan.capacity);
    return { reply: { kind: 'ready' }, transfer: [] };
  }
  if (!net) throw new Error('the second training thread was given a step before its model');
  const r = peerStep(net, req.step);
  return { reply: { kind: 'step', result: r }, transfer: [r.grads.buffer] };
}

// One request at a time (the session awaits each step), answered in order.
let queue = Promise.resolve();
self.onmessage = (e: MessageEvent<PeerRequest>) => {
  queue = queue.then(() =>
    handle(e.data).then(
      ({ reply, transfer }) => self.postMessage(reply, transfer),
      (err: unknown) => self.postMessage({ kind: 'error', message: errorText(err) } satisfies PeerReply),
    ),
  );
};
