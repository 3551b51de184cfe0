import { decodeImageFile } from '../image/decode-node.ts';
import { createNodeClient } from '../../worker/client-node.ts';
import type { ModelId, ModelSource } from '../../worker/api.ts';
import { basename, dirname } from 'node:path';
import { serializeModel } from '../model/format.ts';
import { loadModelFromFile } from '../model/load-node.ts';
import { isModelId, USER_MODEL_PREFIX, type UserModelId } from '../model/shipped.ts';
import type { ParseArgsOptionsConfig } from 'node:util';
import { parseEngine, parseModelIds, UsageError, command, type Parsed } from './args.ts';
import { errorText } from '../util/guards.ts';

const options = {
  model: { type: 'string', default: 'both' },
  engine: { type: 'string', default: 'auto' },
  json: { type: 'boolean', default: false },
} satisfies ParseArgsOptionsConfig;

/**
 * Any PNG or JPEG of a digit → MNIST-style preprocessing → each model's digit and probabilities (via the worker).
 * `--model PATH` (an .onnx file, a model.json or its folder) runs that model instead, as the extension runs one the
 * user opened: converted here to TensorFlow.js Layers files and loaded into the worker as a user model.
 */
export const classifyCommand = command(
  '  seeing-digits classify FILES... [--model mlp|cnn|both|PATH] [--engine E] [--json]',
  options,
  run,
  { positionals: true },
);

async function run({ values, positionals: files }: Parsed<typeof options>): Promise<number> {
  if (files.length === 0) throw new UsageError('classify needs image files');
  const engine = parseEngine(values.engine!);
  const { models, sources, labels } = await chooseModels(values.model!);
  const client = createNodeClient();
  let failures = 0;
  try {
    const info = await client.init({ engine, models: sources });
    console.error(`engine: ${info.kind} (${info.reason})`);
    for (const file of files) {
      const line = relabel(await classifyOne(client, file, models), labels);
      if ('error' in line) failures++;
      console.log(values.json ? JSON.stringify(line) : human(line));
    }
  } finally {
    client.close();
  }
  return failures ? 1 : 0;
}

/** mlp, cnn, both: the shipped models; anything else names a model file, shown under the file's name. */
async function chooseModels(value: string): Promise<{ models: ModelId[]; sources?: Partial<Record<ModelId, ModelSource>>; labels: Map<string, string> }> {
  if (value === 'both' || isModelId(value)) return { models: parseModelIds(value), labels: new Map() };
  const model = await loadModelFromFile(value); // a clear ModelFormatError (ONNX node and op, missing shard, …) if not
  const { modelJson, weightData } = serializeModel(model);
  const label = fileLabel(value);
  const id: UserModelId = `${USER_MODEL_PREFIX}${label.slice(0, 64)}`;
  return { models: [id], sources: { [id]: { modelJson, weights: weightData } }, labels: new Map([[id, label]]) };
}

/** "runs/net.onnx" → "net.onnx"; "runs/keras/model.json" or "runs/keras" → "keras/model.json". */
function fileLabel(path: string): string {
  const clean = path.replace(/\/+$/, '');
  if (clean.toLowerCase().endsWith('.onnx')) return basename(clean);
  const json = clean.toLowerCase().endsWith('.json') ? clean : `${clean}/model.json`;
  return `${basename(dirname(json))}/${basename(json)}`;
}

/** The worker's ids as the user knows the models (a user model by its file's name). */
function relabel(line: Line, labels: Map<string, string>): Line {
  if ('error' in line || !labels.size) return line;
  const keys = <T>(o: Partial<Record<string, T>>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [labels.get(k) ?? k, v]));
  return {
    ...line,
    models: keys(line.models),
    ...(line.number ? { number: keys(line.number), digits: line.digits!.map((d) => ({ ...d, models: keys(d.models) })) } : {}),
  };
}

type Models = Partial<Record<string, { digit: number; probs: number[] }>>;
type Line =
  | {
      file: string;
      models: Models;
      /** Several digits in a row: the number each model reads, and each digit (box [x, y, w, h]). */
      number?: Partial<Record<string, string>>;
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
