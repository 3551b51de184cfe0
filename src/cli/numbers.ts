/**
 * seeing-digits numbers: how well both models read NUMBERS, through the worker exactly as the extension does —
 * printed numbers in the machine's fonts and handwritten ones composed from MNIST test digits (src/data), a number
 * counting as right only if every digit is; and how often a single MNIST test digit is wrongly read as several.
 */
import type { ParseArgsOptionsConfig } from 'node:util';
import { createNodeClient } from '../../worker/client-node.ts';
import { MODEL_IDS, type AnalyzeResult, type ModelId } from '../../worker/api.ts';
import { loadMnist } from '../data/mnist-node.ts';
import { handwrittenNumbers, type NumberSample } from '../data/numbers.ts';
import type { RgbaImage } from '../preprocess/types.ts';
import { command, ENGINE_OPTION, JSON_OPTION, num, parseEngine, type Parsed } from './args.ts';

type Client = ReturnType<typeof createNodeClient>;

export interface SetScore {
  count: number;
  /** Numbers read exactly, per model. */
  exact: Record<ModelId, number>;
  /** Numbers refused (an error instead of a reading). */
  refused: number;
  /** Up to 20 misses: "label → mlp/cnn (what)". */
  misses: string[];
}

const options = {
  seed: { type: 'string' },
  count: { type: 'string' },
  ...ENGINE_OPTION,
  singles: { type: 'string' },
  ...JSON_OPTION,
} satisfies ParseArgsOptionsConfig;

export const numbersCommand = command(
  '  seeing-digits numbers [--seed S] [--count N] [--singles N] [--engine E] [--json]   number accuracy on generated rows of digits',
  options,
  run,
);

async function run({ values }: Parsed<typeof options>): Promise<number> {
  const seed = num(values.seed, 'seed', 2, { int: true });
  const count = num(values.count, 'count', 500, { int: true, min: 1 });
  const singles = num(values.singles, 'singles', 10_000, { int: true });
  const client = createNodeClient();
  try {
    const info = await client.init({ engine: parseEngine(values.engine!) });
    console.error(`engine: ${info.kind} (${info.reason})`);
    const test = loadMnist('test');
    const { printedNumbers } = await import('../data/printed-numbers-node.ts');
    const sets: Record<string, SetScore> = {
      printed: await scoreSet(client, printedNumbers(count, seed)),
      handwritten: await scoreSet(client, handwrittenNumbers(test.images, test.labels, count, seed)),
    };
    const split = await splitSingles(client, test.images, Math.min(singles, test.count));
    if (values.json) console.log(JSON.stringify({ seed, engine: info.kind, ...sets, singles: split }));
    else {
      for (const [name, s] of Object.entries(sets)) {
        const acc = MODEL_IDS.map((id) => `${id} ${pct(s.exact[id], s.count)}`).join('  ');
        console.log(`${name} numbers (seed ${seed}, ${s.count}): exact ${acc}; refused ${s.refused}`);
        for (const m of s.misses.slice(0, 8)) console.log(`  miss: ${m}`);
      }
      console.log(`single MNIST test digits read as several: ${split.split} of ${split.count} (${pct(split.split, split.count)})`);
    }
  } finally {
    client.close();
  }
  return 0;
}

const pct = (a: number, n: number) => `${((100 * a) / n).toFixed(2)} %`;

/** The number each model reads from an analysis. */
export function readNumber(r: Extract<AnalyzeResult, { ok: true }>, id: ModelId): string {
  if (r.number) return r.number.byModel[id] ?? '';
  return String(r.models.find((m) => m.id === id)?.digit ?? '');
}

async function scoreSet(client: Client, set: NumberSample[]): Promise<SetScore> {
  const score: SetScore = { count: set.length, exact: { mlp: 0, cnn: 0 }, refused: 0, misses: [] };
  for (const s of set) {
    const r = await client.analyze({ kind: 'image', image: s.image }, { models: [...MODEL_IDS] });
    if (!r.ok) {
      score.refused++;
      if (score.misses.length < 20) score.misses.push(`${s.label} → refused: ${r.message} (${s.what})`);
      continue;
    }
    const read = MODEL_IDS.map((id) => readNumber(r, id));
    MODEL_IDS.forEach((id, k) => (score.exact[id] += read[k] === s.label ? 1 : 0));
    if (read.some((n) => n !== s.label) && score.misses.length < 20) score.misses.push(`${s.label} → ${read.join('/')} (${s.what})`);
  }
  return score;
}

/** MNIST test digits, painted dark on light at 3×, read as images: how many come back as more than one digit. */
async function splitSingles(client: Client, images: Float32Array, count: number): Promise<{ count: number; split: number; which: number[] }> {
  const which: number[] = [];
  for (let k = 0; k < count; k++) {
    const r = await client.analyze({ kind: 'image', image: paintDigit(images.subarray(k * 784, (k + 1) * 784), 3) }, { models: [...MODEL_IDS] });
    if (r.ok && r.digits) which.push(k);
  }
  return { count, split: which.length, which };
}

export function paintDigit(d: Float32Array, f: number): RgbaImage {
  const W = 28 * f;
  const data = new Uint8ClampedArray(W * W * 4);
  for (let y = 0; y < W; y++) {
    for (let x = 0; x < W; x++) {
      const v = Math.round(255 * (1 - d[Math.floor(y / f) * 28 + Math.floor(x / f)]));
      data.set([v, v, v, 255], 4 * (y * W + x));
    }
  }
  return { width: W, height: W, data };
}
