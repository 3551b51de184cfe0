/**
 * Writes extension/models/test-digits.bin: MNIST test digits for the pad's "test digit" button. Every test digit
 * that one shipped model or both misread (so the user can look at mistakes), then seeded random others up to
 * COUNT, with both models' predictions as they read them now (the worker API, SIMD engine). Run again after
 * retraining: `npx tsx scripts/test-digits.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist } from '../src/data/mnist-node.ts';
import { mulberry32 } from '../src/util/random.ts';
import { createNodeClient } from '../worker/client-node.ts';
import { MODEL_IDS, type ModelId } from '../worker/api.ts';
import { encodeTestDigits } from '../extension/ui/test-digits.ts';
import { PIXELS } from '../extension/shared/digits.ts';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'extension/models/test-digits.bin');
const COUNT = 300;

const model = (id: ModelId) => {
  const dir = join(ROOT, 'extension/models', id);
  const weights = readFileSync(join(dir, 'group1-shard1of1.bin'));
  return { modelJson: JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')), weights: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) };
};

const test = loadMnist('test');
const client = createNodeClient();
try {
  await client.init({ engine: 'simd', models: { mlp: model('mlp'), cnn: model('cnn') } });
  const predicted: { mlp: number; cnn: number }[] = [];
  for (let i = 0; i < test.count; i++) {
    const r = await client.analyze({ kind: 'mnist', pixels: test.images.slice(i * PIXELS, (i + 1) * PIXELS) }, {});
    if (!r.ok) throw new Error(`test digit ${i}: ${r.message}`);
    const p = Object.fromEntries(MODEL_IDS.map((id) => [id, r.models.find((m) => m.id === id)!.digit])) as { mlp: number; cnn: number };
    predicted.push(p);
  }
  const wrong = predicted.flatMap((p, i) => (p.mlp !== test.labels[i] || p.cnn !== test.labels[i] ? [i] : []));
  const chosen = new Set(wrong.slice(0, COUNT));
  const rand = mulberry32(7);
  while (chosen.size < Math.min(COUNT, test.count)) chosen.add(Math.floor(rand() * test.count));
  const digits = [...chosen].sort((a, b) => a - b).map((i) => ({
    index: i,
    label: test.labels[i],
    predicted: predicted[i],
    bytes: Uint8Array.from(test.images.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => Math.round(v * 255)),
  }));
  const bin = encodeTestDigits(digits);
  writeFileSync(OUT, bin);
  const mlpWrong = wrong.filter((i) => predicted[i].mlp !== test.labels[i]).length;
  const cnnWrong = wrong.filter((i) => predicted[i].cnn !== test.labels[i]).length;
  console.log(`${OUT}: ${digits.length} digits (${wrong.length} misread: MLP ${mlpWrong}, CNN ${cnnWrong}), ${bin.length} bytes`);
} finally {
  client.close();
}
