import { loadMnist } from '../data/mnist-node.ts';
import { loadEngineNode } from '../engine/node.ts';
import { Arena } from '../engine/wasm.ts';
import { Network } from '../model/network.ts';
import { argmax, evaluate, type Metrics } from '../train/evaluate.ts';
import { preprocess } from '../preprocess/mnist.ts';
import type { RgbaImage } from '../preprocess/types.ts';
import { sketchedDigits } from '../data/sketches.ts';
import { metricsJson } from '../train/trainer.ts';
import { parseArgs } from 'node:util';
import { UsageError } from './main.ts';
import { resolveModel } from './models.ts';
import { pct } from './train.ts';

export async function evaluateCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      json: { type: 'boolean', default: false },
      printed: { type: 'boolean', default: false },
      sketches: { type: 'boolean', default: false },
    },
  });
  if (!values.model) throw new UsageError('evaluate needs --model mlp|cnn|PATH');
  const { id, model } = await resolveModel(values.model);
  const test = loadMnist('test');
  const net = new Network(new Arena(await loadEngineNode()), model, 256);
  const t0 = performance.now();
  const m = evaluate(net, test.images, test.labels);
  const seconds = (performance.now() - t0) / 1000;
  const extra: Record<string, OtherDigits> = {};
  if (values.printed) extra.printed = otherDigits(net, (await import('../data/printed-node.ts')).printedDigits());
  if (values.sketches) extra.sketches = otherDigits(net, sketchedDigits(10));
  if (values.json) {
    console.log(JSON.stringify({ model: id, engine: 'simd', ...metricsJson(m), seconds, ...extra }));
  } else {
    printMetrics(id, m);
    for (const [name, r] of Object.entries(extra)) {
      console.log(`${name} digits: ${pct(r.accuracy)} (${r.correct}/${r.count})` +
        (r.errors.length ? `; wrong: ${r.errors.slice(0, 12).join(', ')}${r.errors.length > 12 ? ', …' : ''}` : ''));
    }
    console.log(`engine: simd (WebAssembly SIMD), ${seconds.toFixed(2)} s`);
  }
  return 0;
}

interface OtherDigits {
  count: number;
  correct: number;
  accuracy: number;
  /** "label→prediction (what)" for each miss. */
  errors: string[];
}

/** Accuracy on digits that are not MNIST, through the same preprocessing as the popup and page images. */
function otherDigits(net: Network, set: { image: RgbaImage; label: number; font?: string; size?: number; variant?: number }[]): OtherDigits {
  let correct = 0;
  const errors: string[] = [];
  for (const d of set) {
    const what = d.font ? `${d.font} ${d.size}px` : `variant ${d.variant}`;
    const p = preprocess(d.image);
    if (!p.ok) {
      errors.push(`${d.label}→blank (${what})`);
      continue;
    }
    net.setInput(p.pixels, 1);
    net.forward(1);
    const digit = argmax(net.arena.f32(net.probs.ptr, net.classes));
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
