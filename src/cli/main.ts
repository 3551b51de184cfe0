/** seeing-digits: train, evaluate and classify with the Seeing Digits models. */
import { parseArgs } from 'node:util';
import { trainCommand } from './train.ts';
import { evaluateCommand } from './evaluate.ts';
import { classifyCommand } from './classify.ts';
import { exploreCommand } from './explore.ts';

const USAGE = `seeing-digits — see what small neural networks learn from handwritten digits

Usage:
  seeing-digits train --model mlp|cnn [--epochs N] [--batch B] [--lr X] [--optimizer adam|sgd]
                      [--seed S] [--augment] [--out DIR] [--validation N]
  seeing-digits evaluate --model mlp|cnn|PATH [--engine E] [--printed] [--sketches] [--json]
  seeing-digits classify FILES... [--model mlp|cnn|both] [--engine E] [--json]
  seeing-digits explore --model mlp|cnn|PATH [--layer NAME] [--points N] [--top K]

Engines (E): auto (default: simd where WebAssembly SIMD works), simd, tfjs-wasm, tfjs-cpu.
Models: "mlp" and "cnn" are the shipped ones (extension/models/); PATH is a model.json or its folder.`;

export class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'train':
        return await trainCommand(rest);
      case 'evaluate':
        return await evaluateCommand(rest);
      case 'classify':
        return await classifyCommand(rest);
      case 'explore':
        return await exploreCommand(rest);
      case 'numbers': return await (await import('./numbers.ts')).numbersCommand(rest); // reading rows of digits
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    const err = e as Error;
    if (e instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`seeing-digits: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`seeing-digits: ${err.message}`);
    return 1;
  }
}

export function num(v: string | undefined, name: string, dflt: number, { int = false, min = 0 } = {}): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || (int && !Number.isInteger(n)) || n < min) {
    throw new UsageError(`--${name} must be ${int ? 'an integer' : 'a number'} ≥ ${min}, not "${v}"`);
  }
  return n;
}
