/** Where the CLI finds models: the shipped ones by name, or a path. */
import { fileURLToPath } from 'node:url';
import { loadModelFromFile } from '../model/load-node.ts';
import type { LoadedModel } from '../model/spec.ts';

export const SHIPPED = ['mlp', 'cnn'] as const;
export type Shipped = (typeof SHIPPED)[number];

export function shippedModelDir(id: Shipped): string {
  return fileURLToPath(new URL(`../../extension/models/${id}/`, import.meta.url));
}

/** "mlp" / "cnn" → the shipped model; anything else is an .onnx file, a model.json or the folder holding one. */
export async function resolveModel(nameOrPath: string): Promise<{ id: string; dir: string; model: LoadedModel }> {
  const dir = (SHIPPED as readonly string[]).includes(nameOrPath) ? shippedModelDir(nameOrPath as Shipped) : nameOrPath;
  const model = await loadModelFromFile(dir).catch((e: Error) => {
    if ((SHIPPED as readonly string[]).includes(nameOrPath)) {
      throw new Error(`${e.message} (the shipped ${nameOrPath} model; train it with \`npm run train:models\`)`);
    }
    throw e;
  });
  return { id: nameOrPath, dir, model };
}
