/**
 * TensorFlow.js in Node (the @tensorflow/tfjs package) on the backend asked for: the reference the benchmarks and the
 * shipped-model tests compare with. The wasm backend runs single-threaded with its SIMD binary (XNNPACK), the fair
 * match for one engine call on one core. Node only; the inference engine on TensorFlow.js is ./tfjs.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { fileURLToPath } from 'node:url';

const WASM_DIR = fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url));

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
