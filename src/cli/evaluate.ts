import { loadMnist, type MnistSet } from '../data/mnist-node.ts';
import { evaluate, evaluateEngine, evaluateLogits, type Metrics } from '../train/evaluate.ts';
import { InferencePool } from '../train/parallel-infer.ts';
import type { Network } from '../model/network.ts';
import { argmax } from '../util/array.ts';
import { preprocess } from '../preprocess/mnist.ts';
import type { RgbaImage } from '../preprocess/types.ts';
import { sketchedDigits } from '../data/sketches.ts';
import { metricsJson } from '../train/trainer.ts';
import type { ParseArgsOptionsConfig } from 'node:util';
import { num, parseEngine, pct, UsageError, command, type Parsed } from './args.ts';
import { openModel } from './models.ts';

const options = {
  model: { type: 'string' },
  json: { type: 'boolean', default: false },
  engine: { type: 'string', default: 'auto' },
  printed: { type: 'boolean', default: false },
  sketches: { type: 'boolean', default: false },
  threads: { type: 'string' },
} satisfies ParseArgsOptionsConfig;

export const evaluateCommand = command(
  `  seeing-digits evaluate --model mlp|cnn|PATH [--engine E] [--printed] [--sketches] [--threads N] [--json]
      --threads 2 runs the test set on two worker threads (simd engine; each starts its own engine, ~0.5 s)`,
  options,
  run,
);

async function run({ values }: Parsed<typeof options>): Promise<number> {
  if (!values.model) throw new UsageError('evaluate needs --model mlp|cnn|PATH');
  const choice = parseEngine(values.engine!);
  const threads = num(values.threads, 'threads', 1, { int: true, min: 1 });
  const { id, engine, info, network } = await openModel(values.model, choice);
  if (threads > 1 && !network) throw new UsageError(`--threads runs the simd engine only, not ${info.kind}`);
  const test = loadMnist('test');
  const t0 = performance.now();
  // The SIMD engine runs the test set in batches (on worker threads with --threads); the others one digit at a
  // time through the engine interface.
  const m = threads > 1
    ? await evaluateOnThreads(network!, test, threads)
    : network
      ? evaluate(network, test.images, test.labels)
      : await evaluateEngine(engine, id, test.images, test.labels);
  const seconds = (performance.now() - t0) / 1000;
  const classify = async (pixels: Float32Array) => argmax((await engine.predict(id, pixels)).probs);
  const extra: Record<string, OtherDigits> = {};
  if (values.printed) extra.printed = await otherDigits(classify, (await import('../data/printed-node.ts')).printedDigits());
  if (values.sketches) extra.sketches = await otherDigits(classify, sketchedDigits(10));
  if (values.json) {
    console.log(JSON.stringify({ model: id, engine: info.kind, ...metricsJson(m), seconds, ...extra }));
  } else {
    printMetrics(id, m);
    for (const [name, r] of Object.entries(extra)) {
      console.log(`${name} digits: ${pct(r.accuracy)} (${r.correct}/${r.count})` +
        (r.errors.length ? `; wrong: ${r.errors.slice(0, 12).join(', ')}${r.errors.length > 12 ? ', …' : ''}` : ''));
    }
    console.log(`engine: ${info.kind} (${info.reason}); ${seconds.toFixed(2)} s for the test set`);
  }
  return 0;
}

async function evaluateOnThreads(net: Network, test: MnistSet, workers: number): Promise<Metrics> {
  const pool = await InferencePool.create(net.model(), { workers, capacity: net.capacity });
  try {
    return evaluateLogits((await pool.run(test.images, test.count)).logits, test.labels, net.classes);
  } finally {
    await pool.close();
  }
}

interface OtherDigits {
  count: number;
  correct: number;
  accuracy: number;
  /** "label→prediction (what)" for each miss. */
  errors: string[];
}

/** Accuracy on digits that are not MNIST, through the same preprocessing as the popup and page images. */
async function otherDigits(
  classify: (pixels: Float32Array) => Promise<number>,
  set: { image: RgbaImage; label: number; font?: string; size?: number; variant?: number }[],
): Promise<OtherDigits> {
  let correct = 0;
  const errors: string[] = [];
  for (const d of set) {
    const what = d.font ? `${d.font} ${d.size}px` : `variant ${d.variant}`;
    const p = preprocess(d.image);
    if (!p.ok) {
      errors.push(`${d.label}→blank (${what})`);
      continue;
    }
    const digit = await classify(p.pixels);
    if (digit === d.label) correct++;
    else errors.push(`${d.label}→${digit} (${what})`);
  }
  return { count: set.length, correct, accuracy: correct / set.length, errors };
}

export function printMetrics(id: string, m: Metrics): void {
  console.log(`${id}: test accuracy ${pct(m.accuracy)} (${Math.round(m.accuracy * m.count)}/${m.count}), loss ${m.loss.toFixed(4)}`);
  console.log(`per class: ${m.perClass.map((a, d) => `${d}: ${pct(a)}`).join('  ')}`);
  console.log('confusion matrix (rows: true digit, columns: predicted):');
  console.log('      ' + [...Array(10).keys()].map((d) => String(d).padStart(5)).join(''));
  m.confusion.forEach((row, d) => console.log(`  ${d}:  ${row.map((v) => String(v).padStart(5)).join('')}`));
}
