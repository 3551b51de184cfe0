/**
 * A worker-client session: the worker client, the models it was given and the engine it runs. The popup and the
 * explorer each start their own (a popup lives for seconds, and a round trip through the background would cost
 * more than the analysis); the offscreen document / Firefox background page starts one for the page panel. The
 * client restarts a crashed worker and replays init.
 */
import { MODEL_IDS, type EngineChoice, type EngineInfo, type InitOptions, type ModelId, type ModelSource } from '../../worker/api.ts';
import { createBrowserClient } from '../../worker/client-browser.ts';
import type { SeeingDigitsClient } from '../../worker/client.ts';
import { chosenUserModel, type UserChoice } from './user-model.ts';

/** Model files ship in the extension under models/ (listed in models/index.json); every page sits one level below. */
export const modelsBase = (): URL => new URL('../models/', document.baseURI);

export class NoModelsError extends Error {
  override name = 'NoModelsError';
}

export async function bundledModels(): Promise<Partial<Record<ModelId, ModelSource>>> {
  const res = await fetch(new URL('index.json', modelsBase())).catch(() => null);
  const ids: unknown = res?.ok ? await res.json().catch(() => null) : null;
  const models: Partial<Record<ModelId, ModelSource>> = {};
  for (const id of MODEL_IDS) {
    if (Array.isArray(ids) && ids.includes(id)) models[id] = { url: new URL(`${id}/model.json`, modelsBase()).href };
  }
  if (Object.keys(models).length === 0) throw new NoModelsError('This build has no trained models (models/index.json is missing or empty).');
  return models;
}

export function spawnClient(): SeeingDigitsClient {
  // Analyses take milliseconds; 15 s means the worker is stuck, not busy.
  return createBrowserClient({ timeoutMs: 15_000 });
}

export interface Session {
  client: SeeingDigitsClient;
  info: EngineInfo;
  models: ModelId[];
  /** The user's stored model shown instead of the shipped one of its kind (settings.userModel), if any. */
  userModel?: UserChoice;
  /** What the worker was initialised with (an in-page replica starts from the same). */
  init: InitOptions;
}

/**
 * Initialises `client` with the bundled models on `engine` (or the best one that starts), and the user's chosen
 * stored model in place of the shipped model of its kind.
 */
export async function startSession(client: SeeingDigitsClient, engine: EngineChoice, userModelName?: string | null): Promise<Session> {
  const models = await bundledModels();
  // `userModelName` where settings cannot be read (Chrome's offscreen document); a broken store leaves the shipped models.
  const userModel = await chosenUserModel(userModelName).catch(() => undefined);
  if (userModel) models[userModel.slot] = userModel.source;
  // The build ships the WebAssembly binaries in wasm/ (engine.wasm, and tfjs-backend-wasm's for the tfjs-wasm engine).
  const wasm = { simd: new URL('../wasm/engine.wasm', document.baseURI).href, tfjs: new URL('../wasm/', document.baseURI).href };
  const init: InitOptions = { engine, models, wasm };
  const info = await client.init(init);
  return { client, info, init, models: Object.keys(models) as ModelId[], ...(userModel ? { userModel: { name: userModel.name, slot: userModel.slot } } : {}) };
}
