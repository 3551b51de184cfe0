/**
 * The user's models, in the extension's IndexedDB (every extension page shares it: the explorer saves, the popup and
 * the offscreen document / background page read): models trained in the Train view or imported, each under a name,
 * as TensorFlow.js Layers files (model.json + one weights buffer, src/model/format.ts). The total is bounded
 * (MAX_STORE_BYTES) and shown to the user. Also the Train view's last checkpoint, so a run survives closing the tab.
 *
 * IndexedDB through `idb` (promises instead of request callbacks).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { isModelName, USER_MODEL_PREFIX, type UserModelId } from '../../src/model/shipped.ts';
import { parseModel } from '../../src/model/format.ts';
import type { ModelSource, TrainCheckpoint } from '../../worker/api.ts';

/** All stored models together may take at most this much (weights dominate: the notebook MLP is 0.4 MB). */
export const MAX_STORE_BYTES = 64 * 2 ** 20;

export interface StoredModel {
  name: string;
  modelJson: unknown;
  weights: ArrayBuffer;
  /** Bytes of model.json and weights. */
  bytes: number;
  params: number;
  savedAt: number;
  source: 'trained' | 'imported';
  /** MNIST test accuracy when known (a model trained here). */
  testAccuracy?: number;
}

export type ModelInfo = Omit<StoredModel, 'modelJson' | 'weights'>;

/** The Train view's run in progress: its last checkpoint and the curves drawn so far. */
export interface SavedRun {
  checkpoint: TrainCheckpoint;
  curves: { loss: [number, number][]; val: [number, number][] };
  savedAt: number;
}

interface Schema extends DBSchema {
  models: { key: string; value: StoredModel };
  runs: { key: string; value: SavedRun };
}

const DB = 'seeing-digits';
const RUN_KEY = 'train';

let db: Promise<IDBPDatabase<Schema>> | undefined;
const open = () =>
  (db ??= openDB<Schema>(DB, 1, {
    upgrade(d) {
      d.createObjectStore('models', { keyPath: 'name' });
      d.createObjectStore('runs');
    },
  }));

export class StoreError extends Error {
  override name = 'StoreError';
}

export const userModelId = (name: string): UserModelId => `${USER_MODEL_PREFIX}${name}`;
export const modelName = (id: UserModelId): string => id.slice(USER_MODEL_PREFIX.length);

/** Stored models, newest first, without their weights. */
export async function listModels(): Promise<ModelInfo[]> {
  const all = await (await open()).getAll('models');
  return all.map(({ modelJson: _j, weights: _w, ...info }) => info).sort((a, b) => b.savedAt - a.savedAt);
}

export async function usedBytes(): Promise<number> {
  return (await listModels()).reduce((n, m) => n + m.bytes, 0);
}

/**
 * Saves (or replaces) a model under `name` after checking the files parse and fit the bound; returns what was stored.
 */
export async function saveModel(
  name: string,
  files: { modelJson: unknown; weights: ArrayBuffer },
  meta: { source: StoredModel['source']; testAccuracy?: number },
): Promise<ModelInfo> {
  const clean = name.trim();
  if (!isModelName(clean)) throw new StoreError('A model name needs 1 to 64 characters (no control characters).');
  const model = parseModel(files.modelJson, [files.weights]); // throws a clear ModelFormatError on bad files
  let params = 0;
  for (const p of model.params.values()) params += p.kernel.length + (p.bias?.length ?? 0);
  const bytes = JSON.stringify(files.modelJson).length + files.weights.byteLength;
  const d = await open();
  const others = (await listModels()).filter((m) => m.name !== clean).reduce((n, m) => n + m.bytes, 0);
  if (others + bytes > MAX_STORE_BYTES) {
    throw new StoreError(
      `Not saved: ${mb(bytes)} more would pass the ${mb(MAX_STORE_BYTES)} kept for your models (${mb(others)} used). Delete one first.`,
    );
  }
  const stored: StoredModel = { name: clean, ...files, bytes, params, savedAt: Date.now(), ...meta };
  await d.put('models', stored);
  const { modelJson: _j, weights: _w, ...info } = stored;
  return info;
}

export async function deleteModel(name: string): Promise<void> {
  await (await open()).delete('models', name);
}

/** A stored model as the worker's init() takes it, or undefined when it is gone. */
export async function modelSource(name: string): Promise<ModelSource | undefined> {
  const m = await (await open()).get('models', name);
  return m ? { modelJson: m.modelJson, weights: m.weights } : undefined;
}

export async function saveRun(run: Omit<SavedRun, 'savedAt'>): Promise<void> {
  await (await open()).put('runs', { ...run, savedAt: Date.now() }, RUN_KEY);
}

export async function loadRun(): Promise<SavedRun | undefined> {
  return (await open()).get('runs', RUN_KEY);
}

export async function clearRun(): Promise<void> {
  await (await open()).delete('runs', RUN_KEY);
}

export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 1)} MB`;
