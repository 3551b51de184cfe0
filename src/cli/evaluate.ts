import { loadMnist } from '../data/mnist-node.ts';
import { loadEngineNode } from '../engine/node.ts';
import { Arena } from '../engine/wasm.ts';
import { Network } from '../model/network.ts';
import { evaluate, type Metrics } from '../train/evaluate.ts';
import { metricsJson, } from '../train/trainer.ts';
import { args, UsageError } from './main.ts';
import { resolveModel } from './models.ts';
import { pct } from './train.ts';

export async function evaluateCommand(argv: string[]): Promise<number> {
  const { values } = args(argv, {
    model: { type: 'string' },
    engine: { type: 'string', default: 'simd' },
    json: { type: 'boolean', default: false },
  });
  if (!values.model) throw new UsageError('evaluate needs --model mlp|cnn|PATH');
  if (values.engine !== 'simd') throw new UsageError(`evaluate runs on the simd engine (got --engine ${values.engine})`);
  const { id, model } = await resolveModel(values.model);
  const test = loadMnist('test');
  const net = new Network(new Arena(await loadEngineNode()), model, 256);
  const t0 = performance.now();
  const m = evaluate(net, test.images, test.labels);
  const seconds = (performance.now() - t0) / 1000;
  if (values.json) {
    console.log(JSON.stringify({ model: id, engine: 'simd', ...metricsJson(m), seconds }));
  } else {
    printMetrics(id, m);
    console.log(`engine: simd (WebAssembly SIMD), ${seconds.toFixed(2)} s`);
  }
  return 0;
}

export function printMetrics(id: string, m: Metrics): void {
  console.log(`${id}: test accuracy ${pct(m.accuracy)} (${Math.round(m.accuracy * m.count)}/${m.count}), loss ${m.loss.toFixed(4)}`);
  console.log(`per class: ${m.perClass.map((a, d) => `${d}: ${pct(a)}`).join('  ')}`);
  console.log('confusion matrix (rows: true digit, columns: predicted):');
  console.log('      ' + [...Array(10).keys()].map((d) => String(d).padStart(5)).join(''));
  m.confusion.forEach((row, d) => console.log(`  ${d}:  ${row.map((v) => String(v).padStart(5)).join('')}`));
}
