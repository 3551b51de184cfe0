import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { inferenceWasm, instantiateEngine, relaxedUrl } from './wasm.ts';
import type { EngineExports } from './abi.ts';

/** build/engine.wasm, compiled by `npm run build:wasm` (asconfig.json, target release). */
export const ENGINE_WASM = new URL('../../build/engine.wasm', import.meta.url);

/** The engine module's bytes, or an error that says how to build them. */
export async function readEngineWasm(file: URL = ENGINE_WASM): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return new Uint8Array(await readFile(file)) as Uint8Array<ArrayBuffer>;
  } catch {
    throw new Error(`engine: ${fileURLToPath(file)} is missing; run \`npm run build:wasm\` first`);
  }
}

export async function loadEngineNode(file: URL = ENGINE_WASM): Promise<EngineExports> {
  return instantiateEngine(await readEngineWasm(file));
}

/** The build inference runs on (wasm.ts inferenceWasm): build/engine-relaxed.wasm where relaxed SIMD is on. */
export function readInferenceWasm(file: URL = ENGINE_WASM): Promise<BufferSource> {
  return inferenceWasm((relaxed) => readEngineWasm(relaxed ? relaxedUrl(file) : file));
}
