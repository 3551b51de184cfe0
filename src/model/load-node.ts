/** Any model file the CLI accepts, from disk (Node): an .onnx file, or a model.json (or the folder holding one). */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { loadModelFromDir } from './format-node.ts';
import { ModelFormatError } from './format.ts';
import { parseOnnx } from './onnx.ts';
import type { LoadedModel } from './spec.ts';

export const isOnnxPath = (path: string) => path.toLowerCase().endsWith('.onnx');

export async function loadModelFromFile(path: string): Promise<LoadedModel> {
  if (!isOnnxPath(path)) return loadModelFromDir(path);
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => {
    throw new ModelFormatError(`ONNX: cannot read ${path} (${e.code ?? e.message})`);
  });
  return parseOnnx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), basename(path, '.onnx'));
}
