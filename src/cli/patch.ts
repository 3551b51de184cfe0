/**
 * seeing-digits patch --model mlp|cnn --from IMAGE_A --into IMAGE_B --at HOOK_POINT [--units I,… | --channels C,…]
 *   [--engine E] [--json]
 *
 * Activation patching: B's prediction when the activation at HOOK_POINT (all of it, or the given units or
 * channels) is replaced by A's at the same point. Both images go through the usual preprocessing.
 */
import type { ParseArgsOptionsConfig } from 'node:util';
import type { HookPointName, Intervention } from '../interpret/hooks.ts';
import { argmax } from '../util/array.ts';
import { command, ENGINE_OPTION, JSON_OPTION, MODEL_OPTION, needModel, parseEngine, UsageError, type Parsed } from './args.ts';
import { indexList } from './ablate.ts';
import { modelInput, openModel } from './models.ts';

const options = {
  ...MODEL_OPTION,
  from: { type: 'string' },
  into: { type: 'string' },
  at: { type: 'string' },
  units: { type: 'string' },
  channels: { type: 'string' },
  ...ENGINE_OPTION,
  ...JSON_OPTION,
} satisfies ParseArgsOptionsConfig;

// Positionals are parsed (not refused by parseArgs) to say where the images go instead.
export const patchCommand = command(
  `  seeing-digits patch --model mlp|cnn|PATH --from IMAGE_A --into IMAGE_B --at HOOK_POINT [--units I,…] [--json]`,
  options,
  run,
  { positionals: true },
);

async function run({ values, positionals }: Parsed<typeof options>): Promise<number> {
  if (positionals.length) throw new UsageError(`patch takes its images as --from A --into B (got ${positionals.join(' ')})`);
  if (!values.from || !values.into) throw new UsageError('patch needs --from IMAGE_A and --into IMAGE_B');
  if (!values.at) throw new UsageError('patch needs --at HOOK_POINT (e.g. hidden1.out, conv2.pre)');
  if (values.units !== undefined && values.channels !== undefined) throw new UsageError('give --units or --channels, not both');
  const at = values.at as HookPointName;
  const { engine, id, info } = await openModel(needModel(values.model, 'patch'), parseEngine(values.engine));
  try {
    const [a, b] = [await modelInput(values.from), await modelInput(values.into)];
    const source = await engine.runWithCache(id, a, 1, { names: [at] });
    const hook: Intervention = {
      at,
      mode: 'patch',
      values: source.acts[at]!,
      ...(values.units !== undefined ? { units: indexList(values.units, 'units') } : {}),
      ...(values.channels !== undefined ? { channels: indexList(values.channels, 'channels') } : {}),
    };
    const intact = await engine.runWithHooks(id, b, 1, []);
    const patched = await engine.runWithHooks(id, b, 1, [hook]);
    const result = (probs: Float32Array) => ({ digit: argmax(probs), probs: Array.from(probs) });
    const out = {
      model: id,
      engine: info.kind,
      at,
      ...(hook.units ? { units: hook.units } : {}),
      ...(hook.channels ? { channels: hook.channels } : {}),
      from: { file: values.from, ...result(source.probs) },
      into: { file: values.into, ...result(intact.probs) },
      patched: { ...result(patched.probs), logits: Array.from(patched.logits) },
    };
    if (values.json) console.log(JSON.stringify(out));
    else {
      const p = (r: { digit: number; probs: number[] }) => `${r.digit} (${(r.probs[r.digit] * 100).toFixed(1)} %)`;
      console.log(`${id}: ${values.into} reads ${p(out.into)}; ${values.from} reads ${p(out.from)}`);
      console.log(`with ${values.from}'s ${at}${hook.units ? ` units ${hook.units.join(',')}` : hook.channels ? ` channels ${hook.channels.join(',')}` : ''} patched in, ${values.into} reads ${p(out.patched)}`);
    }
  } finally {
    engine.dispose();
  }
  return 0;
}
