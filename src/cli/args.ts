/** What every command of the CLI shares: the command shape, usage errors, and parsing and formatting of arguments. */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { ENGINE_KINDS, type EngineKind } from '../engines/types.ts';
import { isModelId, MODEL_IDS, type ModelId } from '../model/shipped.ts';

/** One sub-command: its usage lines (shown by `help` and after a usage error) and what it runs. */
export interface Command {
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** What node:util's parseArgs gives for these options: typed `values` and the `positionals`. */
export type Parsed<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: boolean }>>;

/**
 * A command from its usage lines, its options (node:util parseArgs: unknown options and, unless `positionals`,
 * stray arguments are usage errors) and what it runs with them parsed.
 */
export function command<const O extends ParseArgsOptionsConfig>(
  usage: string,
  options: O,
  run: (args: Parsed<O>) => Promise<number>,
  { positionals = false } = {},
): Command {
  return {
    usage,
    run: async (argv) => {
      // `--help` anywhere: this command's usage on stdout, exit 0 (as `seeing-digits help` does for all of them).
      if (argv.includes('--help') || argv.includes('-h')) {
        console.log(`Usage:\n${usage}`);
        return 0;
      }
      return run(parseArgs({ args: argv, options, allowPositionals: positionals }));
    },
  };
}

/** Options several commands share, declared once: a command spreads in those it takes. */
export const MODEL_OPTION = { model: { type: 'string' } } as const satisfies ParseArgsOptionsConfig;
export const ENGINE_OPTION = { engine: { type: 'string', default: 'auto' } } as const satisfies ParseArgsOptionsConfig;
export const JSON_OPTION = { json: { type: 'boolean', default: false } } as const satisfies ParseArgsOptionsConfig;

/** --model of a command that takes one model: a shipped id or a PATH (opened later, with its own clear errors). */
export function needModel(v: string | undefined, command: string): string {
  if (v) return v;
  throw new UsageError(`${command} needs --model mlp|cnn|PATH`);
}

/** A mistake in the command line: reported with the usage text, exit code 2. */
export class UsageError extends Error {}

/** A numeric option: `dflt` when absent, else a finite number (an integer if `int`) ≥ `min`. */
export function num(v: string | undefined, name: string, dflt: number, { int = false, min = 0 } = {}): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || (int && !Number.isInteger(n)) || n < min) {
    throw new UsageError(`--${name} must be ${int ? 'an integer' : 'a number'} ≥ ${min}, not "${v}"`);
  }
  return n;
}

/** --engine: auto or one of the engine kinds. */
export function parseEngine(v: string): 'auto' | EngineKind {
  if (v === 'auto' || (ENGINE_KINDS as readonly string[]).includes(v)) return v as 'auto' | EngineKind;
  throw new UsageError(`--engine is auto, ${ENGINE_KINDS.join(', ')}; not "${v}"`);
}

/** A fraction as a percentage with two decimals: 0.98941 → "98.94%". */
export const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

/** --model of a command that takes one shipped architecture by name. */
export function parseModelId(v: string | undefined, command: string): ModelId {
  if (isModelId(v)) return v;
  throw new UsageError(`${command} needs ${MODEL_IDS.map((id) => `--model ${id}`).join(' or ')}`);
}

/** --model of a command that runs several shipped models: one of them, or "both". */
export function parseModelIds(v: string): ModelId[] {
  if (v === 'both') return [...MODEL_IDS];
  if (isModelId(v)) return [v];
  throw new UsageError(`--model is ${MODEL_IDS.join(', ')} or both, not "${v}"`);
}
