import { decodeImageFile } from '../image/decode-node.ts';
import { createNodeClient } from '../../worker/client-node.ts';
import type { ModelId } from '../../worker/api.ts';
import type { ParseArgsOptionsConfig } from 'node:util';
import { parseEngine, parseModelIds, UsageError, command, type Parsed } from './args.ts';
import { errorText } from '../util/guards.ts';

const options = {
  model: { type: 'string', default: 'both' },
  engine: { type: 'string', default: 'auto' },
  json: { type: 'boolean', default: false },
} satisfies ParseArgsOptionsConfig;

/** Any PNG or JPEG of a digit → MNIST-style preprocessing → each model's digit and probabilities (via the worker). */
export const classifyCommand = command(
  '  seeing-digits classify FILES... [--model mlp|cnn|both] [--engine E] [--json]',
  options,
  run,
  { positionals: true },
);

async function run({ values, positionals: files }: Parsed<typeof options>): Promise<number> {
  if (files.length === 0) throw new UsageError('classify needs image files');
  const models = parseModelIds(values.model!);
  const engine = parseEngine(values.engine!);
  const client = createNodeClient();
  let failures = 0;
  try {
    const info = await client.init({ engine });
    console.error(`engine: ${info.kind} (${info.reason})`);
    for (const file of files) {
      const line = await classifyOne(client, file, models);
      if ('error' in line) failures++;
      console.log(values.json ? JSON.stringify(line) : human(line));
    }
  } finally {
    client.close();
  }
  return failures ? 1 : 0;
}

type Models = Partial<Record<ModelId, { digit: number; probs: number[] }>>;
type Line =
  | {
      file: string;
      models: Models;
      /** Several digits in a row: the number each model reads, and each digit (box [x, y, w, h]). */
      number?: Partial<Record<ModelId, string>>;
      digits?: { box: [number, number, number, number]; models: Models }[];
    }
  | { file: string; error: string };

async function classifyOne(client: ReturnType<typeof createNodeClient>, file: string, models: ModelId[]): Promise<Line> {
  try {
    const image = await decodeImageFile(file);
    const r = await client.analyze({ kind: 'image', image }, { models });
    if (!r.ok) return { file, error: r.message };
    const perModel = (ms: typeof r.models): Models =>
      Object.fromEntries(ms.map((m) => [m.id, { digit: m.digit, probs: Array.from(m.probs, (p) => Math.round(p * 1e6) / 1e6) }]));
    if (!r.number) return { file, models: perModel(r.models) };
    const digits = r.digits!.map((d) => ({ box: [d.box.x, d.box.y, d.box.width, d.box.height] as [number, number, number, number], models: perModel(d.models) }));
    return { file, models: perModel(r.models), number: r.number.byModel, digits };
  } catch (e) {
    return { file, error: errorText(e) };
  }
}

function human(line: Line): string {
  if ('error' in line) return `${line.file}: error: ${line.error}`;
  if (line.number) return `${line.file}: number  ${Object.entries(line.number).map(([id, n]) => `${id} ${n}`).join('  ')}`;
  const parts = Object.entries(line.models).map(([id, m]) => `${id} ${m!.digit} (${(m!.probs[m!.digit] * 100).toFixed(1)}%)`);
  return `${line.file}: ${parts.join('  ')}`;
}
