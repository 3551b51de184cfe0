/**
 * Opening a model from disk in the extension (settings form): an .onnx file, or a model.json with its .bin weight
 * shards, picked together. The files are parsed by the library's readers (src/model/onnx.ts, src/model/format.ts),
 * checked to be a 28×28 → 10 classifier, and converted once to the TensorFlow.js Layers files the models store keeps
 * (one model.json, one shard). Pure: no DOM, no storage; every refusal is an ImportError with a message to show.
 */
import { manifestPaths, ModelFormatError, parseModel, serializeModel, type ModelJson } from '../../src/model/format.ts';
import { parseOnnx } from '../../src/model/onnx.ts';
import { layerShapes } from '../../src/model/shapes.ts';
import { CLASSES, IMAGE_SIDE, INPUT_SIZE } from '../../src/model/shipped.ts';
import type { LoadedModel } from '../../src/model/spec.ts';
import { errorText } from '../../src/util/guards.ts';

export interface PickedFile {
  name: string;
  bytes: ArrayBuffer;
}

export interface ImportedModel {
  /** A name for the store, from the file's name (the user may change it). */
  name: string;
  modelJson: ModelJson;
  weights: ArrayBuffer;
  model: LoadedModel;
  params: number;
  /** Bytes as the store counts them: model.json's text and the weights. */
  bytes: number;
}

export class ImportError extends Error {
  override name = 'ImportError';
}

const fail = (msg: string): never => {
  throw new ImportError(msg);
};

const lower = (f: PickedFile) => f.name.toLowerCase();
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const mbText = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** The files the user picked → the model as the store keeps it, or an ImportError saying what is wrong. */
export function importModel(files: PickedFile[], maxBytes: number): ImportedModel {
  if (files.length === 0) fail('Choose an .onnx file, or a model.json together with its .bin weight files.');
  const total = files.reduce((n, f) => n + f.bytes.byteLength, 0);
  if (total > maxBytes) fail(`${files.map((f) => f.name).join(', ')}: ${mbText(total)}, more than the ${mbText(maxBytes)} kept for your models.`);
  const onnxFiles = files.filter((f) => lower(f).endsWith('.onnx'));
  const jsonFiles = files.filter((f) => lower(f).endsWith('.json'));
  let model: LoadedModel;
  let name: string;
  if (onnxFiles.length) {
    if (files.length > 1) fail('Open one .onnx file on its own (its weights are inside it).');
    const [f] = onnxFiles;
    name = f.name.slice(0, -'.onnx'.length);
    model = reading(f.name, () => parseOnnx(new Uint8Array(f.bytes), name));
  } else if (jsonFiles.length === 1) {
    const [f] = jsonFiles;
    name = f.name.slice(0, -'.json'.length);
    model = reading(f.name, () => fromModelJson(f, files.filter((g) => g !== f)));
  } else {
    fail(
      jsonFiles.length > 1
        ? `Open one model.json at a time (picked: ${jsonFiles.map((f) => f.name).join(', ')}).`
        : `${files.map((f) => f.name).join(', ')}: not a model. Open an .onnx file, or a model.json together with its .bin weight files.`,
    );
  }
  checkDigitClassifier(model!);
  const { modelJson, weightData } = serializeModel(model!);
  const bytes = JSON.stringify(modelJson).length + weightData.byteLength;
  if (bytes > maxBytes) fail(`The model takes ${mbText(bytes)}, more than the ${mbText(maxBytes)} kept for your models.`);
  let params = 0;
  for (const p of model!.params.values()) params += p.kernel.length + (p.bias?.length ?? 0);
  return { name: storeName(name!), modelJson, weights: weightData, model: model!, params, bytes };
}

/** Runs a reader; its clear message (ModelFormatError names the op and node, the weight, the shape) gets the file's name. */
function reading<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof ImportError) throw e;
    // The readers refuse with ModelFormatError; anything else is a bug in them, still shown rather than lost.
    throw new ImportError(`${file}: ${e instanceof ModelFormatError ? e.message : `could not be read (${errorText(e)})`}`);
  }
}

function fromModelJson(json: PickedFile, others: PickedFile[]): LoadedModel {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json.bytes));
  } catch {
    return fail(`${json.name} is not valid JSON.`);
  }
  const paths = manifestPaths(parsed);
  const byName = new Map(others.map((f) => [f.name, f]));
  const missing = paths.filter((p) => !byName.has(baseName(p)));
  if (missing.length) {
    fail(`${json.name} needs its weight file${missing.length > 1 ? 's' : ''} ${missing.map(baseName).join(', ')}: select ${missing.length > 1 ? 'them' : 'it'} together with ${json.name}.`);
  }
  const wanted = new Set(paths.map(baseName));
  const extra = others.filter((f) => !wanted.has(f.name));
  if (extra.length) fail(`${extra.map((f) => f.name).join(', ')}: not among the weight files ${json.name} lists (${[...wanted].join(', ')}).`);
  return parseModel(parsed, paths.map((p) => byName.get(baseName(p))!.bytes));
}

/** The models here read a 28×28 digit of one channel and give 10 classes; anything else cannot be shown. */
function checkDigitClassifier(model: LoadedModel): void {
  const input = model.spec.inputShape;
  const fits = input.reduce((a, b) => a * b, 1) === INPUT_SIZE && (input.length === 1 || (input[0] === IMAGE_SIDE && input[1] === IMAGE_SIDE));
  if (!fits) fail(`The model reads input [${input}], not a ${IMAGE_SIDE}×${IMAGE_SIDE} digit (${INPUT_SIZE} pixels).`);
  const out = layerShapes(model.spec).at(-1)?.output ?? input;
  if (out.length !== 1 || out[0] !== CLASSES) fail(`The model gives output [${out}], not the ${CLASSES} digit classes.`);
}

/** A store name from a file name: what isModelName accepts (1 to 64 characters, no control characters). */
function storeName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 64).trim();
  return clean || 'imported model';
}
