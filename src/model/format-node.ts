/** Model folders on disk (Node): model.json and its shards. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ModelFormatError, manifestPaths, parseModel, serializeModel, SHARD_NAME } from './format.ts';
import type { LoadedModel } from './spec.ts';

export async function loadModelFromDir(dir: string): Promise<LoadedModel> {
  const jsonPath = dir.endsWith('.json') ? dir : join(dir, 'model.json');
  const base = dirname(jsonPath);
  const text = await readFile(jsonPath, 'utf8').catch(() => {
    throw new ModelFormatError(`model file: cannot read ${jsonPath}`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelFormatError(`model file: ${jsonPath} is not valid JSON`);
  }
  const shards = await Promise.all(
    manifestPaths(json).map(async (p) => {
      const b = await readFile(join(base, p)).catch(() => {
        throw new ModelFormatError(`model file: weight shard ${join(base, p)} is missing`);
      });
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    }),
  );
  return parseModel(json, shards);
}

export async function saveModelToDir(dir: string, model: LoadedModel): Promise<void> {
  const { modelJson, weightData } = serializeModel(model);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, SHARD_NAME), new Uint8Array(weightData));
  await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson, null, 1) + '\n');
}
