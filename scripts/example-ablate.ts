// README "Hooks" example: ablate the ten most important neurons of the MLP's hidden1 and see test accuracy drop.
// Run: npx tsx scripts/example-ablate.ts
import { createNodeClient } from '../worker/client-node.ts';
import { loadMnist, type MnistSet } from '../src/data/mnist-node.ts';
import type { Intervention } from '../worker/api.ts';

const api = createNodeClient({ timeoutMs: 60_000 }); // the worker, with the shipped models and their means.bin
const train = loadMnist('train');
const test = loadMnist('test');

/** The images of `indices` in chunks of at most 1000 (a call takes up to 1024 inputs). */
function* chunks(set: MnistSet, indices: number[]) {
  for (let i = 0; i < indices.length; i += 1000) {
    const part = indices.slice(i, i + 1000);
    const x = new Float32Array(part.length * 784);
    part.forEach((k, j) => x.set(set.images.subarray(k * 784, (k + 1) * 784), j * 784));
    yield { x, labels: part.map((k) => set.labels[k]) };
  }
}

// Importance of unit i: mean over 10 000 TRAINING digits of |a_i · ∂z_y/∂a_i|, its activation times the gradient
// of the true digit's logit z_y (gradient × activation attribution). Each objective is one class per call, so
// the digits go by label.
const importance = new Float64Array(128);
for (let digit = 0; digit < 10; digit++) {
  const ofDigit = [...Array(10_000).keys()].filter((k) => train.labels[k] === digit);
  for (const { x } of chunks(train, ofDigit)) {
    const r = await api.runWithCache('mlp', x, { names: ['hidden1.out'], grads: { objective: { class: digit } } });
    const a = r.acts['hidden1.out']!, g = r.grads!['hidden1.out']!;
    for (let j = 0; j < a.length; j++) importance[j % 128] += Math.abs(a[j] * g[j]) / 10_000;
  }
}
const ranked = [...importance.keys()].sort((i, j) => importance[j] - importance[i]);
const top10 = ranked.slice(0, 10);
const bottom10 = ranked.slice(-10);

/** MNIST test accuracy of the MLP with `hooks` applied. */
async function accuracy(hooks: Intervention[]): Promise<number> {
  let correct = 0;
  for (const { x, labels } of chunks(test, [...Array(test.count).keys()])) {
    const { logits } = await api.runWithHooks('mlp', x, hooks);
    labels.forEach((y, b) => {
      const row = logits.subarray(b * 10, b * 10 + 10);
      if (row.indexOf(Math.max(...row)) === y) correct++;
    });
  }
  return (100 * correct) / test.count;
}

const pct = (v: number) => `${v.toFixed(2)} %`;
console.log(`hidden1 units, most important first: ${top10.join(', ')} … ${bottom10.join(', ')}`);
console.log(`intact model:                 ${pct(await accuracy([]))}`);
console.log(`top 10 zero-ablated:          ${pct(await accuracy([{ at: 'hidden1.out', units: top10, mode: 'zero' }]))}`);
console.log(`top 10 mean-ablated:          ${pct(await accuracy([{ at: 'hidden1.out', units: top10, mode: 'mean' }]))}`);
console.log(`bottom 10 zero-ablated:       ${pct(await accuracy([{ at: 'hidden1.out', units: bottom10, mode: 'zero' }]))}`);
api.close();
