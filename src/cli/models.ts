/**
 * The CLI's one route to a model: found by name (a shipped model) or path, loaded onto the engine asked for.
 * Commands that need many digits at once use `network`, the model on the SIMD engine with batched forward passes
 * and every layer's activations; other engines answer one digit at a time through `engine`. Training is apart: the
 * trainer builds and owns the Network it trains.
 */
import { fileURLToPath } from 'node:url';
import { isOnnxPath, loadModelFromFile } from '../model/load-node.ts';
import { loadMeansFromDir } from '../interpret/means-node.ts';
import { decodeImageFile } from '../image/decode-node.ts';
import { preprocess } from '../preprocess/mnist.ts';
import type { LoadedModel } from '../model/spec.ts';
import type { Network } from '../model/network.ts';
import { isModelId, type ModelId } from '../model/shipped.ts';
import type { EngineInfo, EngineKind, InferenceEngine } from '../engines/types.ts';
import { selectEngine } from '../engines/select.ts';
import { SimdEngine } from '../engines/simd.ts';
import { readInferenceWasm } from '../wasm/node.ts';

export function shippedModelDir(id: ModelId): string {
  return fileURLToPath(new URL(`../../extension/models/${id}/`, import.meta.url));
}

export interface ModelFiles {
  /** The name given ("mlp") or the path. */
  id: string;
  dir: string;
  model: LoadedModel;
}

/** "mlp" / "cnn" → the shipped model; anything else is an .onnx file, a model.json or the folder holding one. */
export async function resolveModel(nameOrPath: string): Promise<ModelFiles> {
  const shipped = isModelId(nameOrPath);
  const dir = shipped ? shippedModelDir(nameOrPath) : nameOrPath;
  const model = await loadModelFromFile(dir).catch((e: Error) => {
    if (shipped) throw new Error(`${e.message} (the shipped ${nameOrPath} model; train it with \`npm run train:models\`)`);
    throw e;
  });
  return { id: nameOrPath, dir, model };
}

export interface OpenModel extends ModelFiles {
  engine: InferenceEngine;
  info: EngineInfo;
  /** The model with batched passes, when the SIMD engine runs it. */
  network?: Network;
}

/** Resolves the model and starts the engine (`auto`: the best that runs here) with it loaded. */
export async function openModel(nameOrPath: string, choice: 'auto' | EngineKind = 'auto'): Promise<OpenModel> {
  const files = await resolveModel(nameOrPath);
  const { engine, info } = await selectEngine({
    choice,
    simdWasm: () => readInferenceWasm(),
    // Mean activations (mean-ablation) ship beside model.json; an ONNX file has none.
    start: async (e) => e.load(files.id, files.model, { means: isOnnxPath(files.dir) ? undefined : await loadMeansFromDir(files.dir, files.model.spec) }),
  });
  const network = engine instanceof SimdEngine ? engine.network(files.id) : undefined;
  return { ...files, engine, info, ...(network ? { network } : {}) };
}

/** An image file → the 28×28 model input (MNIST-style preprocessing, as `classify` and the extension do). */
export async function modelInput(file: string): Promise<Float32Array> {
  const p = preprocess(await decodeImageFile(file));
  if (!p.ok) throw new Error(`${file}: ${p.message}`);
  return p.pixels;
}
