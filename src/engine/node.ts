import { readFile } from 'node:fs/promises';
import { instantiateEngine } from './wasm.ts';
import type { EngineExports } from './abi.ts';

/** build/engine.wasm, compiled by `npm run build:wasm` (asconfig.json, target release). */
export const ENGINE_WASM = new URL('../../build/engine.wasm', import.meta.url);

export async function loadEngineNode(url: URL = ENGINE_WASM): Promise<EngineExports> {
  let bytes: Buffer;
  try {
    bytes = await readFile(url);
  } catch {
    throw new Error(`engine: ${url.pathname} is missing; run \`npm run build:wasm\` first`);
  }
  return instantiateEngine(new Uint8Array(bytes) as Uint8Array<ArrayBuffer>);
}
