// The relaxed-SIMD build of our kernels, benchmarked beside the baseline when this V8 can run it.
import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { instantiateEngine } from '../src/wasm/wasm.ts';
import type { EngineExports } from '../src/wasm/abi.ts';

const RELAXED_WASM = new URL('../build/engine-relaxed.wasm', import.meta.url);

/** The relaxed-SIMD build's bytes, when this V8 can run it (Node 20 needs the flag, set here before compiling). */
export async function relaxedBytes(file: URL = RELAXED_WASM): Promise<Uint8Array<ArrayBuffer> | undefined> {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(await readFile(file)) as Uint8Array<ArrayBuffer>;
  } catch {
    return undefined;
  }
  return WebAssembly.validate(bytes) ? bytes : undefined;
}

export async function loadRelaxed(): Promise<EngineExports | undefined> {
  const bytes = await relaxedBytes();
  return bytes ? instantiateEngine(bytes) : undefined;
}
