/** seeing-digits: train, evaluate and classify with the Seeing Digits models. Dispatches to one command each. */
import { UsageError, type Command } from './args.ts';
import { trainCommand } from './train.ts';
import { evaluateCommand } from './evaluate.ts';
import { classifyCommand } from './classify.ts';
import { exploreCommand } from './explore.ts';
import { exportCommand } from './export.ts';
import { explainCommand } from './explain.ts';
import { ablateCommand } from './ablate.ts';
import { patchCommand } from './patch.ts';
import { pcaCommand } from './pca.ts';
import { neuronsCommand } from './neurons.ts';
import { probeCommand } from './probe.ts';
import { compareCommand } from './compare.ts';

/** Every command, in the order the usage text lists them: a new command is one line here. */
const COMMANDS: Record<string, Command> = {
  train: trainCommand,
  evaluate: evaluateCommand,
  classify: classifyCommand,
  explore: exploreCommand,
  explain: explainCommand,
  ablate: ablateCommand,
  patch: patchCommand,
  export: exportCommand,
  pca: pcaCommand,
  neurons: neuronsCommand,
  probe: probeCommand,
  compare: compareCommand,
};

const USAGE = `seeing-digits — see what small neural networks learn from handwritten digits

Usage:
${Object.values(COMMANDS).map((c) => c.usage).join('\n')}

Engines (E): auto (default: simd where WebAssembly SIMD works), simd, tfjs-wasm, tfjs-cpu.
Models: "mlp" and "cnn" are the shipped ones (extension/models/); PATH is a model.json, its folder, or an .onnx file.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  try {
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command].run : undefined;
    if (!run) throw new UsageError(`unknown command "${command}"`);
    return await run(rest);
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
