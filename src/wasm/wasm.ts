import type { EngineExports } from './abi.ts';

/** The smallest module that uses a v128 instruction: validates only where WebAssembly SIMD is supported. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

export function simdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/** The smallest module that uses f32x4.relaxed_madd: validates only where relaxed SIMD is on (Chrome 114+, Node 22+). */
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 19, 1, 17, 0, 65, 0, 253, 15, 65, 0, 253, 15, 65,
  0, 253, 15, 253, 133, 2, 11,
]);

export function relaxedSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

/** The relaxed-SIMD build beside a baseline engine.wasm (asconfig.json target "relaxed"). */
export const relaxedUrl = (baseline: URL | string): URL => new URL('engine-relaxed.wasm', baseline);

/**
 * The engine build for inference: the relaxed-SIMD one (f32x4.relaxed_madd: one fused multiply-add where the CPU
 * has FMA, ~1.2× on the GEMM and conv kernels) where this runtime has relaxed SIMD and the file loads and validates,
 * else the baseline. Its results are within float rounding of the baseline's but may differ between CPUs, so
 * training never uses it (a seed must give the same weights everywhere): the trainer loads the baseline itself.
 */
export async function inferenceWasm(load: (relaxed: boolean) => Promise<BufferSource>): Promise<BufferSource> {
  if (relaxedSimdSupported()) {
    const bytes = await load(true).catch(() => undefined);
    if (bytes && WebAssembly.validate(bytes)) return bytes;
  }
  return load(false);
}

/** Instantiates the engine module from its bytes (Node: read from build/; browsers: fetched from the extension). */
export async function instantiateEngine(bytes: BufferSource): Promise<EngineExports> {
  const { instance } = await WebAssembly.instantiate(bytes, {
    env: {
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`engine: internal assertion failed at ${line}:${col}`);
      },
    },
  });
  const ex = instance.exports as unknown as EngineExports;
  memories.add(new WeakRef(ex.memory));
  return ex;
}

/** Every engine memory instantiated here, weakly: engineMemoryBytes() reports them without keeping them alive. */
const memories = new Set<WeakRef<WebAssembly.Memory>>();

/** Bytes of WebAssembly memory held by the engine instances still alive (diagnostics: soak tests, stats()). */
export function engineMemoryBytes(): number {
  let bytes = 0;
  for (const ref of memories) {
    const m = ref.deref();
    if (m) bytes += m.buffer.byteLength;
    else memories.delete(ref);
  }
  return bytes;
}

/**
 * The most WebAssembly memory one engine instance may use. Far below wasm32's 4 GiB: past 2 GiB byte offsets no
 * longer fit the int32 arithmetic of typed-array views and the ABI, and a browser tab or the CLI should stay well under 1 GB.
 */
export const MEMORY_LIMIT = 512 * 2 ** 20;

/**
 * A bump allocator over the engine's memory. The TypeScript side plans one layout per model (weights,
 * activations, gradients) and reuses it, so kernels never allocate. Offsets are 16-byte aligned for v128.
 */
export class Arena {
  private top: number;
  constructor(readonly ex: EngineExports, start = ex.heapBase()) {
    this.top = align16(start);
  }

  /** Reserves `floats` float32 (or int32) slots and returns their byte offset. Grows memory as needed. */
  alloc(floats: number): number {
    if (!Number.isInteger(floats) || floats < 0) throw new Error(`engine: cannot allocate ${floats} floats`);
    const ptr = this.top;
    const end = align16(ptr + floats * 4);
    if (end > MEMORY_LIMIT) {
      throw new Error(`engine: out of memory (needed ${(end / 2 ** 20).toFixed(1)} MiB, the limit is ${MEMORY_LIMIT / 2 ** 20} MiB)`);
    }
    const have = this.ex.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / 65536);
      try {
        this.ex.memory.grow(pages);
      } catch {
        throw new Error(`engine: out of memory (needed ${(end / 2 ** 20).toFixed(1)} MiB of WebAssembly memory)`);
      }
    }
    this.top = end;
    return ptr;
  }

  /** A fresh view (views die when memory grows, so don't keep one across alloc calls). */
  f32(ptr: number, len: number): Float32Array {
    return new Float32Array(this.ex.memory.buffer, ptr, len);
  }

  i32(ptr: number, len: number): Int32Array {
    return new Int32Array(this.ex.memory.buffer, ptr, len);
  }

  /** Copies data into a new allocation and returns its offset. */
  put(data: ArrayLike<number>): number {
    const ptr = this.alloc(data.length);
    this.f32(ptr, data.length).set(data);
    return ptr;
  }

  get used(): number {
    return this.top;
  }
}

// NOTE: not `(n + 15) & ~15`: bitwise operators work on int32 and wrap past 2 GiB into negative offsets.
const align16 = (n: number) => Math.ceil(n / 16) * 16;
