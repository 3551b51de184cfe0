// TensorFlow.js as the benchmark's reference, on the backend asked for. The wasm backend runs single-threaded
// with its SIMD binary (XNNPACK), the fair match for one engine call on one core.
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { instantiateEngine } from '../src/wasm/wasm.ts';
import type { EngineExports } from '../src/wasm/abi.ts';

const WASM_DIR = fileURLToPath(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url));

let wasmConfigured = false;

export async function tfBackend(name: 'wasm' | 'cpu'): Promise<typeof tf> {
  if (name === 'wasm' && !wasmConfigured) {
    // Without this Node would pick the threaded binary (SharedArrayBuffer exists) and spawn a worker pool.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setThreadsCount(1);
    setWasmPaths(WASM_DIR);
    wasmConfigured = true;
  }
  if (!(await tf.setBackend(name))) throw new Error(`tfjs: backend ${name} failed to initialise`);
  await tf.ready();
  return tf;
}

const RELAXED_WASM = new URL('../build/engine-relaxed.wasm', import.meta.url);

/** The relaxed-SIMD build, when this V8 can run it (Node 20 needs the flag, set here before compiling). */
export async function loadRelaxed(): Promise<EngineExports | undefined> {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(await readFile(RELAXED_WASM)) as Uint8Array<ArrayBuffer>;
  } catch {
    return undefined;
  }
  return WebAssembly.validate(bytes) ? instantiateEngine(bytes) : undefined;
}
