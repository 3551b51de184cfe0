/**
 * train-2t: data-parallel training on both cores (src/train/parallel.ts, two worker threads) against the one-thread
 * trainer, batch 64, Adam, the shipped weights as the start, interleaved. Both on the wall clock (a CPU clock would
 * count two threads' time): on a loaded machine the two-thread figure suffers most, as it needs two free cores.
 */
import { loadModelFromDir } from '../src/model/format-node.ts';
import { shippedModelDir } from '../src/cli/models.ts';
import { MODEL_IDS } from '../src/model/shipped.ts';
import { ParallelTrainer, splitStep } from '../src/train/parallel.ts';
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
        {
          engine: 'simd-1t',
          run: timed(() => {
            net.setInput(inp.train, BATCH);
            net.forward(BATCH);
            net.loss(inp.labels, BATCH);
            net.backward(BATCH);
            opt.apply(1e-4);
          }, 'wall'),
        },
      ], { reps: 11 });
      for (const [engine, perCall] of ms) addRow({ case: 'train-2t', model: id, engine, median: BATCH / (perCall / 1000), unit: 'images/s' });
      addRow({ case: 'train-2t-bound', model: id, engine: 'simd', median: await speedupBound(model, inp, net, opt), unit: '×' });
    } finally {
      await par.close();
    }
  }
  await benchInferenceThreads();
  note('train-2t: wall clock for both rows (simd = two worker threads, simd-1t = one thread, interleaved)');
}

/**
 * What two cores could give at best, from CPU time (immune to the machine's load): one thread's whole step over one
 * worker's critical path (its half of the batch forward and backward, its gradients copied, summed and the optimizer
 * step, which every replica repeats), interleaved. The barrier and the message round trip come on top.
 */
async function speedupBound(model: LoadedModel, inp: Inputs, net: Network, opt: Optimizer): Promise<number> {
  const half = new Network(new Arena(await loadEngineNode()), model, BATCH / 2);
  const hopt = new Optimizer(half, 'adam');
  const x = inp.train.subarray(0, (BATCH / 2) * half.input.size), y = inp.labels.subarray(0, BATCH / 2);
  const ms = await interleave([
    {
      engine: 'whole',
      run: timed(() => {
        net.setInput(inp.train, BATCH);
        net.forward(BATCH);
        net.loss(inp.labels, BATCH);
        net.backward(BATCH);
        opt.apply(1e-4);
      }, 'cpu'),
    },
    { engine: 'share', run: timed(() => splitStep(half, hopt, x, y, 1, 1e-4), 'cpu') },
  ]);
  return ms.get('whole')! / ms.get('share')!;
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
