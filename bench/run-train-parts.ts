// Where one data-parallel worker's step goes (CPU clock, interleaved): forward + backward of half the batch, the
// gradient copy and sum, the optimizer step with repacking. `npx tsx bench/run-train-parts.ts` (after build:wasm).
import { loadModelFromDir } from '../src/model/format-node.ts';
import { shippedModelDir } from '../src/cli/models.ts';
import { Network } from '../src/model/network.ts';
import { Optimizer } from '../src/train/optimizer.ts';
import { gradSlots, sumSlotsInto } from '../src/train/parallel-grads.ts';
import { Arena } from '../src/wasm/wasm.ts';
import { loadEngineNode } from '../src/wasm/node.ts';
import { MODEL_IDS } from '../src/model/shipped.ts';
import { benchInputs } from './peers.ts';
import { interleave, timed } from './rows.ts';

const inp = benchInputs();
for (const id of MODEL_IDS) {
  const model = await loadModelFromDir(shippedModelDir(id));
  const net = new Network(new Arena(await loadEngineNode()), model, 32);
  const opt = new Optimizer(net, 'adam');
  const slots = gradSlots(net);
  const grads = new Float32Array(2 * slots.total);
  const x = inp.train.subarray(0, 32 * 784), y = inp.labels.subarray(0, 32);
  const ms = await interleave([
    { engine: 'forward+backward 32', run: timed(() => { net.setInput(x, 32); net.forward(32); net.loss(y, 32); net.backward(32); }) },
    { engine: 'copy grads out', run: timed(() => { for (const s of slots.list) grads.set(net.arena.f32(s.ptr, s.len), s.offset); }) },
    { engine: 'sum 2 slots in', run: timed(() => sumSlotsInto(net, slots, grads, 2)) },
    { engine: 'adam + repack', run: timed(() => opt.apply(1e-6)) },
  ]);
  console.log(id, [...ms].map(([k, v]) => `${k}: ${(v * 1000).toFixed(0)} µs`).join(', '));
}
process.exit(0);
