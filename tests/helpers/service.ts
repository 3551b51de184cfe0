/**
 * The worker's service as the worker tests drive it: in-process behind Comlink over a MessageChannel (as a page talks
 * to its Web Worker), and the SIMD engine in-process with the shipped models and their means — what the service
 * loads by default — as the reference its answers are compared with.
 */
import * as Comlink from 'comlink';
import { MessageChannel } from 'node:worker_threads';
import { createService, type ServiceDeps } from '../../worker/service.ts';
import { BUNDLED_MODELS, nodeDeps } from '../../worker/node-deps.ts';
import type { ModelId, ModelSource, SeeingDigitsApi } from '../../worker/api.ts';
import { createSimdEngineNode } from '../../src/engines/simd-node.ts';
import type { InferenceEngine } from '../../src/engines/types.ts';
import { loadModelFromDir } from '../../src/model/format-node.ts';
import { loadMeansFromDir } from '../../src/interpret/means-node.ts';
import { MODEL_IDS } from '../../src/model/shipped.ts';

export interface InProcess {
  api: Comlink.Remote<SeeingDigitsApi>;
  /** The transfer list of every message the service posted, in order (the last one: the latest reply). */
  transfers: Transferable[][];
  /** The byte lengths of those transfers, read when posted (a moved buffer reads 0 afterwards). */
  sizes: number[][];
  close(): void;
}

/** The service (node deps: the shipped models unless `deps` says otherwise) behind Comlink over a MessageChannel. */
export function serviceOverChannel(deps: ServiceDeps = nodeDeps()): InProcess {
  const { port1, port2 } = new MessageChannel();
  const transfers: Transferable[][] = [];
  const sizes: number[][] = [];
  const spy: Comlink.Endpoint = {
    postMessage: (msg: unknown, transfer?: Transferable[]) => {
      transfers.push(transfer ?? []);
      sizes.push((transfer ?? []).map((b) => (b as ArrayBuffer).byteLength));
      port1.postMessage(msg, transfer as never);
    },
    addEventListener: port1.addEventListener.bind(port1) as Comlink.Endpoint['addEventListener'],
    removeEventListener: port1.removeEventListener.bind(port1) as Comlink.Endpoint['removeEventListener'],
    start: () => port1.start(),
  };
  Comlink.expose(createService(deps), spy);
  const api = Comlink.wrap<SeeingDigitsApi>(port2 as unknown as Comlink.Endpoint);
  return { api, transfers, sizes, close: () => (port1.close(), port2.close()) };
}

/** A shipped model's folder (model.json, its weights, means.bin, typicality files). */
export const shippedDir = (id: string) => new URL(`${id}/`, BUNDLED_MODELS).pathname;

/** The shipped models by URL, as init({ models }) takes them. */
export const shippedSources = (): Record<ModelId, ModelSource> =>
  Object.fromEntries(MODEL_IDS.map((id) => [id, { url: new URL(`${id}/model.json`, BUNDLED_MODELS).href }])) as Record<ModelId, ModelSource>;

/** The SIMD engine in this process with both shipped models and their means, as the service loads them. */
export async function shippedSimdEngine(): Promise<InferenceEngine> {
  const engine = await createSimdEngineNode();
  for (const id of MODEL_IDS) {
    const model = await loadModelFromDir(shippedDir(id));
    await engine.load(id, model, { means: await loadMeansFromDir(shippedDir(id), model.spec) });
  }
  return engine;
}
