// Where one data-parallel replica's step goes (CPU clock, interleaved; parallel-replica.ts with two replicas, rank 0):
// forward + backward of half the batch, the other shard's gradients copied out, its own shard's gradients summed,
// the optimizer update of its shard, the shards exchanged and the kernels repacked; and one thread's whole step.
// `npx tsx bench/run-train-parts.ts` (after build:wasm).
import { loadModelFromDir } from '../src/model/format-node.ts';
import { shippedModelDir } from '../src/cli/models.ts';
import { Network } from '../src/model/network.ts';
import { Optimizer } from '../src/train/optimizer.ts';
import { gradSlots, piecesOf, shardRange, sumShardInto } from '../src/train/parallel-grads.ts';
import { Arena } from '../src/wasm/wasm.ts';
import { loadEngineNode } from '../src/wasm/node.ts';
import { MODEL_IDS } from '../src/model/shipped.ts';
import { benchInputs } from './peers.ts';
import { interleave, timed } from './rows.ts';

const inp = benchInputs();
for (const id of MODEL_IDS) {
  const model = await loadModelFromDir(shippedModelDir(id));
  const whole = new Network(new Arena(await loadEngineNode()), model, 64);
  const wopt = new Optimizer(whole, 'adam');
  const net = new Network(new Arena(await loadEngineNode()), model, 32);
  const slots = gradSlots(net);
  const mine = shardRange(slots, 2, 0);
  const opt = Optimizer.forPart(net, 'adam', mine);
  const own = piecesOf(slots, mine), other = piecesOf(slots, { from: mine.to, to: slots.total });
  const grads = new Float32Array(2 * slots.total), weights = new Float32Array(slots.total);
  const x = inp.train.subarray(0, 32 * 784), y = inp.labels.subarray(0, 32);
  const ms = await interleave([
    { engine: 'one thread, whole step of 64', run: timed(() => { whole.setInput(inp.train, 64); whole.forward(64); whole.loss(inp.labels, 64); whole.backward(64); wopt.apply(1e-6); }) },
    { engine: 'forward+backward 32', run: timed(() => { net.setInput(x, 32); net.forward(32); net.loss(y, 32); net.backward(32); }) },
    { engine: 'other shard grads out', run: timed(() => { for (const p of other) grads.set(net.arena.f32(p.ptr, p.len), p.offset); }) },
    { engine: 'sum own shard', run: timed(() => sumShardInto(net, slots, grads, 2, 0, mine)) },
    { engine: 'adam own shard', run: timed(() => opt.update(1e-6)) },
    {
      engine: 'exchange shards + repack',
      run: timed(() => {
        for (const p of own) weights.set(net.arena.f32(p.param, p.len), p.offset);
        for (const p of other) net.arena.f32(p.param, p.len).set(weights.subarray(p.offset, p.offset + p.len));
        net.repack();
      }),
    },
  ]);
  const parts = [...ms].slice(1).reduce((s, [, v]) => s + v, 0);
  console.log(id, [...ms].map(([k, v]) => `${k}: ${(v * 1000).toFixed(0)} µs`).join(', '),
    `| one worker's path ${(parts * 1000).toFixed(0)} µs, whole / path ${(ms.get('one thread, whole step of 64')! / parts).toFixed(2)}×`);
}
process.exit(0);
