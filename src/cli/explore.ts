import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadMnist } from '../data/mnist-node.ts';
import { pcaMap, topDigits } from '../interpret/explore.ts';
import { NEURONS_FILE, PCA_FILE } from '../interpret/explorer-files.ts';
import type { ParseArgsOptionsConfig } from 'node:util';
import { num, UsageError, command, type Parsed } from './args.ts';
import { openModel } from './models.ts';

const options = {
  model: { type: 'string' },
  layer: { type: 'string' },
  points: { type: 'string' },
  top: { type: 'string' },
} satisfies ParseArgsOptionsConfig;

/** Writes the explorer's pca.json and neurons.json beside a model (MNIST test digits). */
export const exploreCommand = command(
  '  seeing-digits explore --model mlp|cnn|PATH [--layer NAME] [--points N] [--top K]',
  options,
  run,
);

async function run({ values }: Parsed<typeof options>): Promise<number> {
  if (!values.model) throw new UsageError('explore needs --model mlp|cnn|PATH');
  const { dir, network: net, info } = await openModel(values.model, 'simd');
  if (!net) throw new Error(`explore runs on the simd engine, which cannot run here (${info.reason})`);
  const test = loadMnist('test');
  const opts = {
    layer: values.layer,
    points: num(values.points, 'points', 2000, { int: true, min: 10 }),
    top: num(values.top, 'top', 6, { int: true, min: 1 }),
  };
  const pca = pcaMap(net, test.images, test.labels, opts);
  await writeFile(join(dir, PCA_FILE), JSON.stringify(pca) + '\n');
  const neurons = topDigits(net, test.images, test.labels, opts);
  await writeFile(join(dir, NEURONS_FILE), JSON.stringify(neurons) + '\n');
  console.log(
    `${values.model}: pca.json (layer ${pca.layer}, ${pca.points.length} digits, ` +
      `${(pca.explained[0] * 100).toFixed(1)}% + ${(pca.explained[1] * 100).toFixed(1)}% of variance), ` +
      `neurons.json (${neurons.layers.map((l) => `${l.name}: ${l.units}`).join(', ')}; ${Object.keys(neurons.images).length} digits) in ${dir}`,
  );
  return 0;
}
