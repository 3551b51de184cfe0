// Data-parallel training (src/train/parallel.ts): two replicas (this thread and a worker thread) give exactly what
// one thread gives for the same shares summed the same way (splitStep), and stay within float32 rounding of one
// thread on the whole batch.
import { afterAll, describe, expect, it } from 'vitest';
import { ParallelTrainer, splitStep } from '../../src/train/parallel.ts';
import { cnnSpec, initModel, mlpSpec } from '../../src/train/architectures.ts';
import { Network } from '../../src/model/network.ts';
import { Optimizer } from '../../src/train/optimizer.ts';
import { Arena } from '../../src/wasm/wasm.ts';
import { loadEngineNode } from '../../src/wasm/node.ts';
import type { LayerParams, LoadedModel } from '../../src/model/spec.ts';
import { mnistTest } from '../helpers/digits.ts';

const BATCH = 64;
const STEPS = 4;
const LR = 3e-3;

/** Real digits: STEPS batches of the MNIST test set. */
function batches() {
  const { images, labels } = mnistTest();
  return Array.from({ length: STEPS }, (_, s) => ({
    x: images.slice(s * BATCH * 784, (s + 1) * BATCH * 784),
    y: labels.slice(s * BATCH, (s + 1) * BATCH),
  }));
}

async function oneThread(model: LoadedModel, capacity: number, step: (net: Network, opt: Optimizer, b: ReturnType<typeof batches>[0]) => number) {
  const net = new Network(new Arena(await loadEngineNode()), model, capacity);
  const opt = new Optimizer(net, 'adam');
  const losses = batches().map((b) => step(net, opt, b));
  return { params: net.getParams(), losses };
}

function maxDiff(a: Map<string, LayerParams>, b: Map<string, LayerParams>): { abs: number; scale: number } {
  let abs = 0;
  let scale = 0;
  for (const [name, p] of a) {
    const q = b.get(name)!;
    for (const [u, v] of [[p.kernel, q.kernel], [p.bias!, q.bias!]] as const) {
      for (let i = 0; i < u.length; i++) {
        abs = Math.max(abs, Math.abs(u[i] - v[i]));
        scale = Math.max(scale, Math.abs(u[i]));
      }
    }
  }
  return { abs, scale };
}

const trainers: ParallelTrainer[] = [];
afterAll(async () => {
  for (const t of trainers) await t.close();
});

describe.each([
  ['mlp', mlpSpec()],
  ['cnn', cnnSpec()],
])('parallel training, %s', (_, spec) => {
  const model = initModel(spec, 7);

  it('two workers = one thread summing the same two halves, bit for bit; within rounding of the whole batch', async () => {
    const par = await ParallelTrainer.create(model, { batch: BATCH, optimizer: 'adam', workers: 2 });
    trainers.push(par);
    const parLosses: number[] = [];
    for (const b of batches()) parLosses.push((await par.step(b.x, b.y, LR)).loss);
    const parParams = par.params();

    const split = await oneThread(model, BATCH / 2, (net, opt, b) => splitStep(net, opt, b.x, b.y, 2, LR));
    expect(parLosses).toEqual(split.losses);
    expect(maxDiff(parParams, split.params).abs).toBe(0);

    const whole = await oneThread(model, BATCH, (net, opt, b) => {
      net.setInput(b.x, BATCH);
      net.forward(BATCH);
      const loss = net.loss(b.y, BATCH);
      net.backward(BATCH);
      opt.apply(LR);
      return loss;
    });
    // The weights moved (training happened) far more than the two runs differ.
    const moved = maxDiff(whole.params, model.params).abs;
    const { abs } = maxDiff(parParams, whole.params);
    expect(moved).toBeGreaterThan(5e-3);
    expect(abs).toBeLessThan(1e-5);
    for (let s = 0; s < STEPS; s++) expect(Math.abs(parLosses[s] - whole.losses[s])).toBeLessThan(1e-5);
    // The first loss is before any update: the same forward pass, only the mean of two half-means vs one mean.
    expect(Math.abs(parLosses[0] - whole.losses[0])).toBeLessThan(1e-6);
  }, 120_000);
});

describe('parallel training, other splits', () => {
  // Three workers: shard boundaries inside tensors (on multiples of 4 from each tensor's start), the rank-order sum
  // of three slots; SGD as well as Adam.
  it.each(['adam', 'sgd'] as const)('three workers = one thread summing the same three thirds, bit for bit (%s)', async (optimizer) => {
    const model = initModel(mlpSpec(), 5);
    const batch = 48;
    const par = await ParallelTrainer.create(model, { batch, optimizer, workers: 3 });
    trainers.push(par);
    const net = new Network(new Arena(await loadEngineNode()), model, batch / 3);
    const opt = new Optimizer(net, optimizer);
    const { images, labels } = mnistTest();
    for (let s = 0; s < 3; s++) {
      const x = images.slice(s * batch * 784, (s + 1) * batch * 784), y = labels.slice(s * batch, (s + 1) * batch);
      expect((await par.step(x, y, LR)).loss).toBe(splitStep(net, opt, x, y, 3, LR));
    }
    expect(maxDiff(par.params(), net.getParams()).abs).toBe(0);
    expect(maxDiff(par.params(), model.params).abs).toBeGreaterThan(1e-3); // it trained
    // the gathered optimizer state is the one-thread optimizer's, moment for moment
    const state = par.optimizerState(optimizer);
    expect(state.step).toBe(3);
    expect(state.m).toEqual(opt.state().m);
    expect(state.v).toEqual(opt.state().v);
  }, 120_000);
});

describe('parallel training, one replica', () => {
  it('runs on this thread alone (no worker thread) and equals the one-thread step on the whole batch, bit for bit', async () => {
    const model = initModel(mlpSpec(), 3);
    const par = await ParallelTrainer.create(model, { batch: BATCH, optimizer: 'adam', workers: 1 });
    trainers.push(par);
    expect((par as unknown as { threads: unknown[] }).threads).toHaveLength(0);
    const net = new Network(new Arena(await loadEngineNode()), model, BATCH);
    const opt = new Optimizer(net, 'adam');
    for (const b of batches()) {
      par.input.set(b.x);
      const r = par.stepSync(b.y, LR);
      net.setInput(b.x, BATCH);
      net.forward(BATCH);
      expect(r.loss).toBe(net.loss(b.y, BATCH));
      expect(r.correct).toBe(net.correct(b.y, BATCH));
      net.backward(BATCH);
      opt.apply(LR);
    }
    expect(maxDiff(par.params(), net.getParams()).abs).toBe(0);
    expect(maxDiff(par.params(), model.params).abs).toBeGreaterThan(1e-3); // it trained
    expect(par.optimizerState('adam').v).toEqual(opt.state().v);
  }, 60_000);
});

describe('parallel training refuses what it cannot do', () => {
  it('a batch that does not split evenly', async () => {
    await expect(ParallelTrainer.create(initModel(mlpSpec(), 1), { batch: 63, optimizer: 'adam', workers: 2 })).rejects.toThrow(/63 does not split evenly over 2 workers/);
  });

  it('a step with the wrong number of inputs', async () => {
    const par = await ParallelTrainer.create(initModel(mlpSpec(), 1), { batch: 4, optimizer: 'sgd', workers: 2 });
    trainers.push(par);
    await expect(par.step(new Float32Array(3 * 784), [1, 2, 3], 0.1)).rejects.toThrow(/takes 4 inputs of 784 floats and 4 labels/);
  });

  it('a bad label reaches the caller as a message, and neither replica hangs', async () => {
    const par = await ParallelTrainer.create(initModel(mlpSpec(), 1), { batch: 4, optimizer: 'sgd', workers: 2 });
    trainers.push(par);
    await expect(par.step(new Float32Array(4 * 784), [1, 2, 3, 12], 0.1)).rejects.toThrow(/label 12 .* is not a class 0\.\.9/);
    // in replica 0's share (this thread's), through the blocking path too
    par.input.fill(0);
    expect(() => par.stepSync([11, 2, 3, 4], 0.1)).toThrow(/label 11 .* is not a class 0\.\.9/);
    // Both replicas are still usable after the failed step, and it changed nothing.
    const before = par.params();
    const r = await par.step(new Float32Array(4 * 784), [1, 2, 3, 4], 0.1);
    expect(Number.isFinite(r.loss)).toBe(true);
    expect(maxDiff(before, initModel(mlpSpec(), 1).params).abs).toBe(0);
  });

  it('a worker that dies during a step fails the waiting step with a message instead of hanging, and every later one', async () => {
    // Worker thread 1 (replica 1) is killed as the step starts, before its death can be seen (the 'exit' event comes
    // through the event loop): replica 0, on this thread, is left waiting for it at the barrier.
    const par = await ParallelTrainer.create(initModel(cnnSpec(), 1), { batch: 64, optimizer: 'sgd', workers: 2 });
    const { images, labels } = mnistTest();
    void (par as unknown as { threads: { terminate(): Promise<number> }[] }).threads[0].terminate();
    const step = par.step(images.slice(0, 64 * 784), labels.slice(0, 64), 0.1);
    await expect(step).rejects.toThrow(/worker 1 failed \(exit code 1\)/);
    expect(() => par.stepSync(labels.slice(0, 64), 0.1)).toThrow(/worker 1 failed/);
    await par.close();
  }, 60_000);
});
