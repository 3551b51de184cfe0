/** seeing-digits probe: a linear probe's test accuracy at every layer of a model. */
import type { ParseArgsOptionsConfig } from 'node:util';
import { loadMnist } from '../data/mnist-node.ts';
import { linearProbes, PROBE_DEFAULTS } from '../interpret/probe.ts';
import { command, num, type Parsed } from './args.ts';
import { openNetwork } from './network-node.ts';

const options = {
  model: { type: 'string' },
  json: { type: 'boolean', default: false },
  train: { type: 'string' },
  epochs: { type: 'string' },
} satisfies ParseArgsOptionsConfig;

export const probeCommand = command(
  '  seeing-digits probe --model mlp|cnn|PATH [--train N] [--epochs E] [--json]',
  options,
  run,
);

async function run({ values }: Parsed<typeof options>): Promise<number> {
  const { id, net } = await openNetwork(values.model, 'probe');
  const trainCount = num(values.train, 'train', PROBE_DEFAULTS.trainCount, { int: true, min: 100 });
  const epochs = num(values.epochs, 'epochs', PROBE_DEFAULTS.epochs, { int: true, min: 1 });
  const r = linearProbes(net, loadMnist('train'), loadMnist('test'), { trainCount, epochs });
  if (values.json) {
    console.log(JSON.stringify({ id, ...r }));
    return 0;
  }
  console.log(`${id}: linear probe (${r.method}; ${r.trainCount} training digits, ${r.epochs} epochs) on ${r.testCount} test digits`);
  console.log('  layer        values   train     test');
  for (const l of r.layers) {
    console.log(`  ${l.layer.padEnd(10)} ${String(l.dim).padStart(8)} ${(l.trainAccuracy * 100).toFixed(2).padStart(7)} % ${(l.testAccuracy * 100).toFixed(2).padStart(7)} %`);
  }
  return 0;
}
