/**
 * seeing-digits ablate --model mlp|cnn --layer LAYER (--units I,J,… | --channels C,…) [--mode zero|mean]
 *   [--engine E] [--json]
 *
 * MNIST test accuracy (all 10 000 digits, and per class) of the model with those units (or channels) of LAYER's
 * output (or of a hook point, e.g. hidden1.pre) set to zero or to their mean over the test set, against the
 * intact model. Both runs go through the engine's runWithHooks in batches.
 */
import type { ParseArgsOptionsConfig } from 'node:util';
import { loadMnist, type MnistSet } from '../data/mnist-node.ts';
import type { InferenceEngine } from '../engines/types.ts';
import type { HookPointName, Intervention } from '../interpret/hooks.ts';
import { argmax } from '../util/array.ts';
import { command, ENGINE_OPTION, JSON_OPTION, MODEL_OPTION, needModel, parseEngine, UsageError, type Parsed } from './args.ts';
import { openModel } from './models.ts';

const BATCH = 500;

export interface Accuracy {
  correct: number;
  accuracy: number;
  perClass: number[];
}

const options = {
  ...MODEL_OPTION,
  layer: { type: 'string' },
  units: { type: 'string' },
  channels: { type: 'string' },
  mode: { type: 'string', default: 'zero' },
  ...ENGINE_OPTION,
  ...JSON_OPTION,
} satisfies ParseArgsOptionsConfig;

export const ablateCommand = command(
  `  seeing-digits ablate --model mlp|cnn|PATH --layer LAYER (--units I,J,… | --channels C,…) [--mode zero|mean] [--json]`,
  options,
  run,
);

async function run({ values }: Parsed<typeof options>): Promise<number> {
  if (!values.layer) throw new UsageError('ablate needs --layer LAYER (a layer name or a hook point like hidden1.pre)');
  if ((values.units === undefined) === (values.channels === undefined)) throw new UsageError('ablate needs --units I,J,… or --channels C,… (one of them)');
  const mode = values.mode;
  if (mode !== 'zero' && mode !== 'mean') throw new UsageError(`--mode is zero or mean, not "${mode}"`);
  const which = values.units !== undefined ? 'units' : 'channels';
  const indices = indexList(values[which]!, which);
  const at = (values.layer.includes('.') ? values.layer : `${values.layer}.out`) as HookPointName;
  const hook: Intervention = { at, mode, [which]: indices };
  const { engine, id, info } = await openModel(needModel(values.model, 'ablate'), parseEngine(values.engine));
  try {
    const test = loadMnist('test');
    const intact = await accuracy(engine, id, test, []);
    const ablated = await accuracy(engine, id, test, [hook]);
    if (values.json) {
      console.log(JSON.stringify({ model: id, engine: info.kind, at, [which]: indices, mode, count: test.count, intact, ablated, drop: intact.accuracy - ablated.accuracy }));
    } else {
      const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
      console.log(`${id}: ${mode}-ablating ${which} ${indices.join(',')} of ${at} (${test.count} MNIST test digits, engine ${info.kind})`);
      console.log(`accuracy: ${pct(intact.accuracy)} intact → ${pct(ablated.accuracy)} ablated`);
      for (let c = 0; c < 10; c++) console.log(`  digit ${c}: ${pct(intact.perClass[c])} → ${pct(ablated.perClass[c])}`);
    }
  } finally {
    engine.dispose();
  }
  return 0;
}

/** Accuracy over the set with `hooks` applied (none: the intact model). */
export async function accuracy(engine: InferenceEngine, id: string, set: MnistSet, hooks: Intervention[]): Promise<Accuracy> {
  const right = new Array<number>(10).fill(0), seen = new Array<number>(10).fill(0);
  for (let first = 0; first < set.count; first += BATCH) {
    const n = Math.min(BATCH, set.count - first);
    const { logits } = await engine.runWithHooks(id, set.images.subarray(first * 784, (first + n) * 784), n, hooks);
    const classes = logits.length / n;
    for (let b = 0; b < n; b++) {
      const label = set.labels[first + b];
      seen[label]++;
      if (argmax(logits, b * classes, classes) === label) right[label]++;
    }
  }
  const correct = right.reduce((a, b) => a + b, 0);
  return { correct, accuracy: correct / set.count, perClass: right.map((r, c) => r / seen[c]) };
}

export function indexList(v: string, what: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  if (!parts.every((p) => /^\d+$/.test(p))) throw new UsageError(`--${what} is a comma-separated list of indices like 0,5,17; not "${v}"`);
  return [...new Set(parts.map(Number))];
}
