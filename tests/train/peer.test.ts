// Two-thread training over message passing (src/train/peer.ts): a TrainSession whose every batch's second half runs
// on a peer with its own engine instance, against the same session on one thread. Real MNIST digits, both shipped
// architectures. The peer here runs in-process (its answer still arrives asynchronously, after this thread's half);
// the browser's peer thread (worker/train-peer.ts) runs the same peerStep.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/data/mnist-node.ts';
import { loadEngineNode } from '../../src/wasm/node.ts';
import { Arena } from '../../src/wasm/wasm.ts';
import { Network } from '../../src/model/network.ts';
import { cnnSpec, initModel, mlpSpec } from '../../src/train/architectures.ts';
import { flatParams, peerStep, setFlatParams, type GradientPeer, type PeerStep } from '../../src/train/peer.ts';
import { firstDigits, TrainSession, type DigitSet, type SessionOptions } from '../../src/train/session.ts';
import type { ModelSpec } from '../../src/model/spec.ts';

let data: { train: DigitSet; test: DigitSet };
beforeAll(() => {
  data = { train: firstDigits(loadMnist('train'), 1600), test: firstDigits(loadMnist('test'), 400) };
});

/** A peer on its own engine instance, answering after this thread's half has run (a macrotask later). */
async function inProcessPeer(spec: ModelSpec, capacity: number): Promise<GradientPeer & { steps: number }> {
  const net = new Network(new Arena(await loadEngineNode()), initModel(spec, 99), capacity);
  const peer = {
    steps: 0,
    step: (s: PeerStep) =>
      new Promise<ReturnType<typeof peerStep>>((resolve) =>
        setTimeout(() => {
          peer.steps++;
          resolve(peerStep(net, s));
        }),
      ),
    close: () => undefined,
  };
  return peer;
}

const options = (spec: ModelSpec, over: Partial<SessionOptions> = {}): SessionOptions => ({
  spec,
  epochs: 1,
  batch: 32,
  lr: 2e-3,
  optimizer: 'adam',
  seed: 5,
  augment: true,
  validation: 200,
  ...over,
});

describe('flat parameters', () => {
  it('round-trip every parameter, and refuse a vector of another network', async () => {
    const ex = await loadEngineNode();
    const a = new Network(new Arena(ex), initModel(cnnSpec(), 1), 2);
    const b = new Network(new Arena(await loadEngineNode()), initModel(cnnSpec(), 2), 2);
    setFlatParams(b, flatParams(a));
    for (const [name, p] of a.getParams()) {
      expect(b.getParams().get(name)!.kernel).toEqual(p.kernel);
      expect(b.getParams().get(name)!.bias).toEqual(p.bias);
    }
    expect(() => setFlatParams(b, new Float32Array(10))).toThrow(/10 parameters sent for a network of/);
  });
});

for (const [name, spec, steps] of [
  ['MLP', mlpSpec(), 40],
  ['CNN', cnnSpec(), 12],
] as const) {
  describe(`two threads, ${name}`, () => {
    it('train like one thread: the same batches and steps, weights within float rounding, the same loss curve', async () => {
      const one = new TrainSession(await loadEngineNode(), options(spec), data);
      const two = new TrainSession(await loadEngineNode(), options(spec), data);
      const peer = await inProcessPeer(spec, 16);
      const start = flatParams(one.net);
      const oneLoss: number[] = [];
      const twoLoss: number[] = [];
      expect(one.runBatches(steps, (b) => oneLoss.push(b.batchLoss))).toBe(steps);
      expect(await two.runBatchesWith(peer, steps, (b) => twoLoss.push(b.batchLoss))).toBe(steps);
      expect(peer.steps).toBe(steps);
      expect(two.optimizer.step).toBe(one.optimizer.step);
      // The weights moved, and moved alike: the batch is summed in two halves instead of one running sum.
      const a = flatParams(one.net);
      const b = flatParams(two.net);
      let moved = 0;
      let diff = 0;
      for (let i = 0; i < a.length; i++) {
        moved = Math.max(moved, Math.abs(a[i] - start[i]));
        diff = Math.max(diff, Math.abs(a[i] - b[i]));
      }
      expect(moved).toBeGreaterThan(5e-3);
      expect(diff).toBeLessThan(2e-5); // measured ~2e-6 for both after these steps
      for (let i = 0; i < steps; i++) expect(twoLoss[i]).toBeCloseTo(oneLoss[i], 4);
    });
  });
}

describe('two threads, failures', () => {
  it('a peer that fails ends the step with its message; an odd batch is refused', async () => {
    const s = new TrainSession(await loadEngineNode(), options(mlpSpec()), data);
    const failing: GradientPeer = { step: () => Promise.reject(new Error('the second training thread stopped')), close: () => undefined };
    await expect(s.runBatchesWith(failing, 1)).rejects.toThrow('the second training thread stopped');
    const odd = new TrainSession(await loadEngineNode(), options(mlpSpec(), { batch: 33 }), data);
    await expect(odd.runBatchesWith(failing, 1)).rejects.toThrow(/batch of 33 does not split/);
    const wrong: GradientPeer = { step: async () => ({ grads: new Float32Array(3), loss: 1, correct: 0 }), close: () => undefined };
    const s2 = new TrainSession(await loadEngineNode(), options(mlpSpec()), data);
    await expect(s2.runBatchesWith(wrong, 1)).rejects.toThrow(/sent 3 gradients/);
  });
});
