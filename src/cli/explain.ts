/**
 * seeing-digits explain IMAGE --model mlp|cnn --method M [--target DIGIT | --unit LAYER:INDEX | --channel LAYER:C]
 *   [--layer CONV_LAYER] [--steps N] [--baseline black|blur|noise] [--samples N] [--sigma S] [--patch P]
 *   [--stride S] [--seed N] [--engine E] [--out overlay.png] [--json]
 *
 * One attribution map of the image's 28×28 model input (after the same preprocessing as `classify`). `--json`
 * prints one object with the input and the map at full float32 precision, so anyone can recompute them.
 */
import { writeFile } from 'node:fs/promises';
import type { ParseArgsOptionsConfig } from 'node:util';
import { ATTRIBUTION_METHODS, BASELINES, attribute, type AttributionMethod, type Baseline, type Target } from '../interpret/saliency.ts';
import { argmax } from '../util/array.ts';
import { command, ENGINE_OPTION, JSON_OPTION, MODEL_OPTION, needModel, num, parseEngine, UsageError, type Parsed } from './args.ts';
import { modelInput, openModel } from './models.ts';
import { overlayPng } from './overlay.ts';

const options = {
  ...MODEL_OPTION,
  method: { type: 'string', default: 'gradient' },
  target: { type: 'string' },
  unit: { type: 'string' },
  channel: { type: 'string' },
  layer: { type: 'string' },
  steps: { type: 'string' },
  samples: { type: 'string' },
  sigma: { type: 'string' },
  baseline: { type: 'string' },
  patch: { type: 'string' },
  stride: { type: 'string' },
  seed: { type: 'string' },
  ...ENGINE_OPTION,
  out: { type: 'string' },
  ...JSON_OPTION,
} satisfies ParseArgsOptionsConfig;

export const explainCommand = command(
  `  seeing-digits explain IMAGE --model mlp|cnn|PATH --method gradient|gradient-x-input|integrated-gradients|smoothgrad|
                        occlusion|grad-cam [--target DIGIT | --unit LAYER:INDEX | --channel LAYER:C] [--layer CONV]
                        [--steps N] [--baseline black|blur|noise] [--samples N] [--sigma S] [--patch P] [--stride S]
                        [--seed N] [--engine E] [--out overlay.png] [--json]`,
  options,
  run,
  { positionals: true },
);

async function run({ values, positionals }: Parsed<typeof options>): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('explain needs one image file');
  const [file] = positionals;
  const method = values.method as AttributionMethod;
  if (!(ATTRIBUTION_METHODS as readonly string[]).includes(method)) {
    throw new UsageError(`--method is one of ${ATTRIBUTION_METHODS.join(', ')}; not "${values.method}"`);
  }
  if (values.baseline !== undefined && !(BASELINES as readonly string[]).includes(values.baseline)) {
    throw new UsageError(`--baseline is one of ${BASELINES.join(', ')}; not "${values.baseline}"`);
  }
  if (!values.out && !values.json) throw new UsageError('explain needs --out overlay.png, --json, or both');
  const chosen = [values.target, values.unit, values.channel].filter((v) => v !== undefined).length;
  if (chosen > 1) throw new UsageError('give one of --target, --unit and --channel');
  const opt = (v: string | undefined, name: string, min: number) => (v === undefined ? undefined : num(v, name, 0, { int: true, min }));
  const sigma = values.sigma === undefined ? undefined : num(values.sigma, 'sigma', 0);
  const session = await openModel(needModel(values.model, 'explain'), parseEngine(values.engine));
  const { engine, id } = session;
  try {
    const input = await modelInput(file);
    const target = values.unit !== undefined || values.channel !== undefined
      ? unitTarget(values.unit ?? values.channel!, values.unit !== undefined ? 'unit' : 'channel')
      : { class: values.target === undefined ? argmax((await engine.predict(id, input)).logits) : digitOf(values.target) };
    const r = await attribute(engine, id, input, {
      method,
      target,
      steps: opt(values.steps, 'steps', 1),
      // --steps counts SmoothGrad's samples too when --samples is not given (as the popup's setting does).
      samples: opt(values.samples ?? (method === 'smoothgrad' ? values.steps : undefined), 'samples', 1),
      sigma,
      baseline: values.baseline as Baseline | undefined,
      patch: opt(values.patch, 'patch', 1),
      stride: opt(values.stride, 'stride', 1),
      seed: opt(values.seed, 'seed', 0),
      layer: values.layer,
    });
    if (values.out) await writeFile(values.out, overlayPng(input, r.map));
    if (values.json) {
      console.log(
        JSON.stringify({
          file,
          model: id,
          method,
          target: 'class' in target ? target.class : target,
          input: Array.from(input),
          map: Array.from(r.map),
          score: r.score,
          baselineScore: r.baselineScore ?? null,
        }),
      );
    } else {
      const what = 'class' in target ? `digit ${target.class}` : 'unit' in target ? `${target.layer} unit ${target.unit}` : `${target.layer} channel ${target.channel}`;
      const base = r.baselineScore === undefined ? '' : ` (baseline ${r.baselineScore.toFixed(3)})`;
      console.log(`${file}: ${id} ${method} of ${what}: score ${r.score.toFixed(3)}${base}${values.out ? `; overlay in ${values.out}` : ''}`);
    }
  } finally {
    engine.dispose();
  }
  return 0;
}

function digitOf(v: string): number {
  const d = Number(v);
  if (!/^\d$/.test(v)) throw new UsageError(`--target is a digit 0 to 9, not "${v}"`);
  return d;
}

/** "hidden1:12" → { layer: 'hidden1', unit: 12 } (the layer may be a hook point like conv2.pre). */
function unitTarget(v: string, kind: 'unit' | 'channel'): Target {
  const at = v.lastIndexOf(':');
  const layer = v.slice(0, at), index = v.slice(at + 1);
  if (at <= 0 || !/^\d+$/.test(index)) throw new UsageError(`--${kind} is LAYER:INDEX (e.g. hidden1:12), not "${v}"`);
  return kind === 'unit' ? { layer, unit: Number(index) } : { layer, channel: Number(index) };
}
