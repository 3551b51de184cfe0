/**
 * train-2t: data-parallel training on both cores (src/train/parallel.ts: this thread and a worker thread) against
 * the one-thread trainer, batch 64, Adam, the shipped weights as the start, interleaved. Both on the wall clock (a
 * CPU clock would count two threads' time): on a loaded machine the two-thread figure suffers most, as it needs two
 * free cores.
 */
import { loadModelFromDir } from '../src/model/format-node.ts';
import { shippedModelDir } from '../src/cli/models.ts';
import { MODEL_IDS } from '../src/model/shipped.ts';
import { ParallelTrainer } from '../src/train/parallel.ts';
import { gradSlots, piecesOf, shardRange, sumShardInto } from '../src/train/parallel-grads.ts';
import { InferencePool } from '../src/train/parallel-infer.ts';
import { loadMnist } from '../src/data/mnist-node.ts';
import { Network } from '../src/model/network.ts';
import { Optimizer } from '../src/train/optimizer.ts';
import { Arena } from '../src/wasm/wasm.ts';
import { loadEngineNode } from '../src/wasm/node.ts';
import { addRow, interleave, note, timed } from './rows.ts';
import type { Inputs } from './peers.ts';
import type { LoadedModel } from '../src/model/spec.ts';

const BATCH = 64;

export async function benchTrainThreads(inp: Inputs): Promise<void> {
  for (const id of MODEL_IDS) {
    const model = await loadModelFromDir(shippedModelDir(id));
    const par = await ParallelTrainer.create(model, { batch: BATCH, optimizer: 'adam', workers: 2 });
    const net = new Network(new Arena(await loadEngineNode()), model, BATCH);
    const opt = new Optimizer(net, 'adam');
    try {
      const ms = await interleave([
        { engine: 'simd', run: timed(() => par.step(inp.train, inp.labels, 1e-4), 'wall') },
        { engine: 'simd-1t', run: timed(() => wholeStep(net, opt, inp), 'wall') },
      ], { reps: 11 });
      for (const [engine, perCall] of ms) addRow({ case: 'train-2t', model: id, engine, median: BATCH / (perCall / 1000), unit: 'images/s' });
      addRow({ case: 'train-2t-bound', model: id, engine: 'simd', median: await speedupBound(model, inp, net, opt), unit: '×' });
    } finally {
      await par.close();
    }
  }
  await benchInferenceThreads();
  note('train-2t: wall clock for both rows (simd = two threads, simd-1t = one thread, interleaved)');
}

/** One thread's whole training step on the bench batch: what both two-thread rows are compared with. */
function wholeStep(net: Network, opt: Optimizer, inp: Inputs): void {
  net.setInput(inp.train, BATCH);
  net.forward(BATCH);
  net.loss(inp.labels, BATCH);
  net.backward(BATCH);
  opt.apply(1e-4);
}

/**
 * What two cores could give at best, from CPU time (immune to the machine's load): one thread's whole step over
 * replica 0's critical path (the calling thread: the batch copied into shared memory, then parallel-replica.ts on
 * one thread: its half of the batch forward and backward, the other shard's gradients copied out, its own shard's
 * gradients summed and updated, the shards exchanged, the kernels repacked), interleaved. The barriers, two threads
 * slowing each other, and the wake-ups come on top.
 */
async function speedupBound(model: LoadedModel, inp: Inputs, net: Network, opt: Optimizer): Promise<number> {
  const share = await replicaPath(model, inp, 2, 0);
  const ms = await interleave([
    { engine: 'whole', run: timed(() => wholeStep(net, opt, inp), 'cpu') },
    { engine: 'share', run: timed(share, 'cpu') },
  ]);
  return ms.get('whole')! / ms.get('share')!;
}

/** Replica `rank`'s part of a step (rank 0: with the batch copy), on this thread, as a function to time. */
export async function replicaPath(model: LoadedModel, inp: Inputs, workers: number, rank: number): Promise<() => void> {
  const n = BATCH / workers;
  const half = new Network(new Arena(await loadEngineNode()), model, n);
  const slots = gradSlots(half);
  const mine = shardRange(slots, workers, rank);
  const hopt = Optimizer.forPart(half, 'adam', mine);
  const own = piecesOf(slots, mine);
  const others = [...piecesOf(slots, { from: 0, to: mine.from }), ...piecesOf(slots, { from: mine.to, to: slots.total })];
  const grads = new Float32Array(workers * slots.total), weights = new Float32Array(slots.total);
  const input = new Float32Array(inp.train.length);
  const x = input.subarray(rank * n * half.input.size, (rank + 1) * n * half.input.size), y = inp.labels.subarray(rank * n, (rank + 1) * n);
  input.set(inp.train);
  return () => {
    if (rank === 0) input.set(inp.train);
    half.setInput(x, n);
    half.forward(n);
    half.loss(y, n);
    half.backward(n);
    for (const p of others) grads.set(half.arena.f32(p.ptr, p.len), rank * slots.total + p.offset);
    sumShardInto(half, slots, grads, workers, rank, mine);
    hopt.update(1e-4);
    for (const p of own) weights.set(half.arena.f32(p.param, p.len), p.offset);
    for (const p of others) half.arena.f32(p.param, p.len).set(weights.subarray(p.offset, p.offset + p.len));
    half.repack();
  };
}

/** batch-2t: the 10 000 MNIST test digits through InferencePool (two workers) against one thread, wall clock. */
async function benchInferenceThreads(): Promise<void> {
  const { images, count } = loadMnist('test');
  for (const id of MODEL_IDS) {
    const model = await loadModelFromDir(shippedModelDir(id));
    const pool = await InferencePool.create(model, { workers: 2, capacity: 256 });
    const net = new Network(new Arena(await loadEngineNode()), model, 256);
    try {
      const ms = await interleave([
        { engine: 'simd', run: timed(() => pool.run(images, count), 'wall') },
        {
          engine: 'simd-1t',
          run: timed(() => {
            for (let first = 0; first < count; first += 256) {
              const n = Math.min(256, count - first);
              net.setInput(images.subarray(first * 784, (first + n) * 784), n);
              net.forward(n);
              net.read(net.probs, 0, n);
            }
          }, 'wall'),
        },
      ], { reps: 5 });
      for (const [engine, perCall] of ms) addRow({ case: 'batch10k-2t', model: id, engine, median: count / (perCall / 1000), unit: 'images/s' });
    } finally {
      await pool.close();
    }
  }
}
