import { readFile } from 'node:fs/promises';
import { ENGINE_WASM } from '../engine/node.ts';
import { SimdEngine } from './simd.ts';

export async function createSimdEngineNode(): Promise<SimdEngine> {
  const bytes = await readFile(ENGINE_WASM).catch(() => {
    throw new Error(`engine: ${ENGINE_WASM.pathname} is missing; run \`npm run build:wasm\` first`);
  });
  return SimdEngine.create(new Uint8Array(bytes) as Uint8Array<ArrayBuffer>);
}
