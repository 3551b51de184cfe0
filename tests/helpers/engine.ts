// The engine's WebAssembly module loaded once per test file, with a bump arena over its memory.
// Usage: const k = await kernels(); k.reset(); const px = k.put(x); k.ex.kernel(px, ...); k.get(py, n).
// ENGINE_WASM=path runs the tests against another build, e.g. the relaxed one (Node 20 runs relaxed SIMD only
// behind a V8 flag, which is set here since NODE_OPTIONS refuses it):
//   ENGINE_WASM=build/engine-relaxed.wasm npx vitest run tests/kernels
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { loadEngineNode } from '../../src/wasm/node.ts';
import { Arena } from '../../src/wasm/wasm.ts';
import type { EngineExports } from '../../src/wasm/abi.ts';

export interface Kernels {
  /** The raw exports (pointer ABI of src/wasm/abi.ts). */
  readonly ex: EngineExports;
  /** Reserves n floats (uninitialised) and returns the byte offset. */
  alloc(n: number): number;
  /** Reserves n floats filled with `value` (default NaN, so a kernel that skips an output is caught). */
  fill(n: number, value?: number): number;
  /** Copies floats into fresh memory, returns the byte offset. */
  put(data: ArrayLike<number>): number;
  /** Copies int32 values (e.g. labels) into fresh memory, returns the byte offset. */
  putI32(data: ArrayLike<number>): number;
  /** Overwrites floats at ptr (e.g. new weights before a repack). */
  set(ptr: number, data: ArrayLike<number>): void;
  /** A copy (not a view: views die when memory grows) of len floats at ptr. */
  get(ptr: number, len: number): Float32Array;
  /** Forgets every allocation (call in beforeEach): memory is reused, never grows without bound. */
  reset(): void;
}

let loaded: Promise<Kernels> | undefined;

export function kernels(): Promise<Kernels> {
  const other = process.env.ENGINE_WASM;
  if (other) setFlagsFromString('--experimental-wasm-relaxed-simd');
  loaded ??= loadEngineNode(other ? pathToFileURL(other) : undefined).then(makeKernels);
  return loaded;
}

function makeKernels(ex: EngineExports): Kernels {
  let arena = new Arena(ex);
  return {
    ex,
    alloc: (n) => arena.alloc(n),
    fill(n, value = NaN) {
      const p = arena.alloc(n);
      arena.f32(p, n).fill(value);
      return p;
    },
    put: (data) => arena.put(data),
    putI32(data) {
      const p = arena.alloc(data.length);
      arena.i32(p, data.length).set(data);
      return p;
    },
    set: (ptr, data) => arena.f32(ptr, data.length).set(data),
    get: (ptr, len) => arena.f32(ptr, len).slice(),
    reset() {
      arena = new Arena(ex);
    },
  };
}
