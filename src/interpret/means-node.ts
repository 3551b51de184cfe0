/** means.json on disk (Node), beside a model.json. */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MEANS_FILE, parseMeans } from './means.ts';
import type { HookMeans } from './hooks.ts';
import type { ModelSpec } from '../model/spec.ts';

/** The means of the model in `dir` (a folder or its model.json); undefined when it has no means.json. */
export async function loadMeansFromDir(dir: string, spec: ModelSpec): Promise<HookMeans | undefined> {
  const path = join(dir.endsWith('.json') ? dirname(dir) : dir, MEANS_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`means file: cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return parseMeans(JSON.parse(text), spec);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}
