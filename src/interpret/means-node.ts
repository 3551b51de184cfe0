/** The means file on disk (Node), beside a model.json. */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MEANS_FILE, decodeMeans } from './means.ts';
import type { HookMeans } from './hooks.ts';
import type { ModelSpec } from '../model/spec.ts';

/** The means of the model in `dir` (a folder or its model.json); undefined when it has no means file. */
export async function loadMeansFromDir(dir: string, spec: ModelSpec): Promise<HookMeans | undefined> {
  const path = join(dir.endsWith('.json') ? dirname(dir) : dir, MEANS_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`means file: cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return decodeMeans(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, spec);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}
