/** seeing-digits compare: both shipped models over the MNIST test digits, side by side. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParseArgsOptionsConfig } from 'node:util';
import { loadMnist } from '../data/mnist-node.ts';
import { FILES } from '../interpret/explorer-data.ts';
import { compareModels, predictAll, type Predictions } from '../interpret/metrics.ts';
import { MODEL_IDS } from '../model/shipped.ts';
import { command, type Parsed } from './args.ts';
import { openNetwork } from './network-node.ts';

const options = { json: { type: 'boolean', default: false }, write: { type: 'boolean', default: false } } satisfies ParseArgsOptionsConfig;

export const compareCommand = command(
  '  seeing-digits compare [--json] [--write]',
  options,
  run,
);

async function run({ values }: Parsed<typeof options>): Promise<number> {
  const test = loadMnist('test');
  const preds: Record<string, Predictions> = {};
  const dirs: string[] = [];
  for (const id of MODEL_IDS) {
    const { dir, net } = await openNetwork(id, 'compare');
    preds[id] = predictAll(net, test.images, test.labels);
    dirs.push(dir);
  }
  const c = compareModels(preds);
  if (values.write) for (const dir of dirs) await writeFile(join(dir, FILES.compare), JSON.stringify(c) + '\n');
  if (values.json) {
    console.log(JSON.stringify(c));
    return 0;
  }
  const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
  for (const id of c.models) {
    console.log(`${id}: test accuracy ${pct(c.accuracy[id])}; per class ${c.perClass[id].map((a, d) => `${d}: ${pct(a)}`).join('  ')}`);
    console.log('  confusion (rows: true digit, columns: predicted):');
    console.log('        ' + [...Array(10).keys()].map((d) => String(d).padStart(5)).join(''));
    c.confusion[id].forEach((row, d) => console.log(`    ${d}:  ${row.map((v) => String(v).padStart(5)).join('')}`));
  }
  const [a, b] = c.models;
  console.log(`they disagree on ${c.disagreements.length} of ${c.count} digits; both wrong on ${c.bothWrong}`);
  for (const d of c.disagreements.slice(0, 20)) {
    console.log(`  #${d.index}: a ${d.label}; ${a} says ${d.preds[a]} (${pct(d.confidence[a])}), ${b} says ${d.preds[b]} (${pct(d.confidence[b])})`);
  }
  if (c.disagreements.length > 20) console.log(`  … ${c.disagreements.length - 20} more (--json lists all)`);
  if (values.write) console.log(`wrote ${FILES.compare} beside both models`);
  return 0;
}
