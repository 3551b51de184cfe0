/**
 * The page's own worker (popup and explorer each start one: a popup lives for seconds, and a round trip through
 * the background would cost more than the analysis). The client restarts a crashed worker and replays init.
 */
import type { EngineChoice, EngineInfo, ModelId, ModelSource } from '../../worker/api.ts';
import { createBrowserClient } from '../../worker/client-browser.ts';
import type { SeeingDigitsClient } from '../../worker/client.ts';

/** Model files ship in the extension under models/ (listed in models/index.json); both pages sit one level below. */
export const modelsBase = (): URL => new URL('../models/', document.baseURI);

export class NoModelsError extends Error {
  override name = 'NoModelsError';
}

export async function bundledModels(): Promise<Partial<Record<ModelId, ModelSource>>> {
  const res = await fetch(new URL('index.json', modelsBase())).catch(() => null);
  const ids: unknown = res?.ok ? await res.json().catch(() => null) : null;
  const models: Partial<Record<ModelId, ModelSource>> = {};
  for (const id of ['mlp', 'cnn'] as const) {
    if (Array.isArray(ids) && ids.includes(id)) models[id] = { url: new URL(`${id}/model.json`, modelsBase()).href };
  }
  if (!models.mlp && !models.cnn) throw new NoModelsError('This build has no trained models (models/index.json is missing or empty).');
  return models;
}

export function spawnClient(): SeeingDigitsClient {
  // Analyses take milliseconds; 15 s means the worker is stuck, not busy.
  return createBrowserClient({ timeoutMs: 15_000 });
}

export interface Engine {
  client: SeeingDigitsClient;
  info: EngineInfo;
  models: ModelId[];
}

export async function startEngine(client: SeeingDigitsClient, engine: EngineChoice): Promise<Engine> {
  const models = await bundledModels();
  // The build ships the WebAssembly binaries in wasm/ (engine.wasm, and tfjs-backend-wasm's for the tfjs-wasm engine).
  const wasm = { simd: new URL('../wasm/engine.wasm', document.baseURI).href, tfjs: new URL('../wasm/', document.baseURI).href };
  const info = await client.init({ engine, models, wasm });
  return { client, info, models: Object.keys(models) as ModelId[] };
}

/** A worker error as one readable line. */
export function errorText(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/^Error: /, '') || 'unknown error';
}
