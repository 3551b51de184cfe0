/**
 * train-2t: data-parallel training on both cores (src/train/parallel.ts, two worker threads) against the one-thread
 * trainer, batch 64, Adam, the shipped weights as the start, interleaved. Both on the wall clock (a CPU clock would
 * count two threads' time): on a loaded machine the two-thread figure suffers most, as it needs two free cores.
 */
import { loadModelFromDir } from '../src/model/format-node.ts';
import { shippedModelDir } from '../src/cli/models.ts';
import { MODEL_IDS } from '../src/model/shipped.ts';
import { ParallelTrainer } from '../src/train/parallel.ts';
import { Network } from '../src/model/network.ts';
import { Optimizer } from '../src/train/optimizer.ts';
import { Arena } from '../src/wasm/wasm.ts';
import { loadEngineNode } from '../src/wasm/node.ts';
import { addRow, interleave, note, timed } from './rows.ts';
import type { Inputs } from './peers.ts';

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
    } finally {
      await par.close();
    }
  }
  note('train-2t: wall clock for both rows (simd = two worker threads, simd-1t = one thread, interleaved)');
}
