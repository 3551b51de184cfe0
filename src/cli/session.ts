/** A model on an engine, in-process, for the experiment commands (explain, ablate, patch). */
import { readEngineWasm } from '../wasm/node.ts';
import { selectEngine } from '../engines/select.ts';
import type { EngineInfo, InferenceEngine } from '../engines/types.ts';
import type { LoadedModel } from '../model/spec.ts';
import { loadMeansFromDir } from '../interpret/means-node.ts';
import { decodeImageFile } from '../image/decode-node.ts';
import { preprocess } from '../preprocess/mnist.ts';
import { parseEngine } from './classify.ts';
import { resolveModel } from './models.ts';
import { UsageError } from './main.ts';

export interface Session {
  id: string;
  model: LoadedModel;
  engine: InferenceEngine;
  info: EngineInfo;
}

/** "mlp" / "cnn" / a path, with its mean activations (means.bin) when it has them (mean-ablation), on the chosen engine. */
export async function openModel(nameOrPath: string | undefined, engineChoice = 'auto'): Promise<Session> {
  if (!nameOrPath) throw new UsageError('--model mlp|cnn|PATH is needed');
  const choice = parseEngine(engineChoice);
  const { id, dir, model } = await resolveModel(nameOrPath);
  const means = await loadMeansFromDir(dir, model.spec);
  const { engine, info } = await selectEngine({
    choice,
    simdWasm: () => readEngineWasm(),
    start: (e) => e.load(id, model, { means }),
  });
  return { id, model, engine, info };
}

/** An image file → the 28×28 model input (MNIST-style preprocessing, as `classify` and the extension do). */
export async function modelInput(file: string): Promise<Float32Array> {
  const p = preprocess(await decodeImageFile(file));
  if (!p.ok) throw new Error(`${file}: ${p.message}`);
  return p.pixels;
}
