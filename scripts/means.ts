/**
 * Writes means.bin beside each shipped model: the mean of every hook point's activation over the 10 000 MNIST
 * test digits, for mean-ablation (src/interpret/means.ts). `npm run means [-- mlp|cnn|DIR …]`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadMnist } from '../src/data/mnist-node.ts';
import { createSimdEngineNode } from '../src/engines/simd-node.ts';
import { computeMeans, encodeMeans, MEANS_FILE } from '../src/interpret/means.ts';
import { resolveModel } from '../src/cli/models.ts';

const test = loadMnist('test');
const engine = await createSimdEngineNode();
for (const name of process.argv.slice(2).length ? process.argv.slice(2) : ['mlp', 'cnn']) {
  const { id, dir, model } = await resolveModel(name);
  await engine.load(id, model);
  const means = await computeMeans(engine, id, model.spec, test.images, test.count);
  const bytes = encodeMeans(model.spec, means, 'MNIST test', test.count);
  const path = join(dir, MEANS_FILE);
  await writeFile(path, bytes);
  const floats = [...means.values()].reduce((n, m) => n + m.length, 0);
  console.log(`${path}: ${means.size} points, ${floats} means, ${(bytes.length / 1024).toFixed(0)} KiB`);
}
