// Dense kernels against TensorFlow.js (wasm backend, XNNPACK, one thread): the products of one MLP layer
// 784→128, forward and backward. Only the kernel call is timed: inputs already sit in wasm memory.
import { Arena } from '../src/wasm/wasm.ts';
import { loadEngineNode } from '../src/wasm/node.ts';
import type { EngineExports } from '../src/wasm/abi.ts';
import { randomArray } from '../src/util/random.ts';
import { printTable, timeUs, type Row } from './report.ts';
import { tfBackend } from '../src/engines/tfjs-node.ts';
import { loadRelaxed } from './relaxed.ts';


interface Case {
  name: string;
  flops: number;
  /** Sets up the engine's memory and returns the call to time. */
  ours(ex: EngineExports, arena: Arena): () => void;
  tfjs(tf: Awaited<ReturnType<typeof tfBackend>>): () => void;
}

const IN = 784, OUT = 128, BATCH = 256;

function packed(ex: EngineExports, arena: Arena, nIn: number, nOut: number) {
  const w = arena.put(randomArray(nIn * nOut, 2, 0.1));
  const wp = arena.alloc(ex.densePackedLength(nIn, nOut));
  ex.densePack(w, wp, nIn, nOut);
  return { w, wp };
}

export const CASES: Case[] = [
  {
    name: `mat-vec 1×${IN}·${IN}×${OUT} + b`,
    flops: 2 * IN * OUT,
    ours(ex, arena) {
      const x = arena.put(randomArray(IN, 1)), b = arena.put(randomArray(OUT, 3)), y = arena.alloc(OUT);
      const { wp } = packed(ex, arena, IN, OUT);
      return () => ex.denseForward(x, wp, b, y, 1, IN, OUT);
    },
    tfjs(tf) {
      const x = tf.tensor2d(randomArray(IN, 1), [1, IN]), w = tf.tensor2d(randomArray(IN * OUT, 2), [IN, OUT]);
      const b = tf.tensor1d(randomArray(OUT, 3));
      return () => tf.tidy(() => tf.add(tf.matMul(x, w), b));
    },
  },
  {
    name: `GEMM ${BATCH}×${IN}·${IN}×${OUT} + b`,
    flops: 2 * BATCH * IN * OUT,
    ours(ex, arena) {
      const x = arena.put(randomArray(BATCH * IN, 1)), b = arena.put(randomArray(OUT, 3));
      const y = arena.alloc(BATCH * OUT);
      const { wp } = packed(ex, arena, IN, OUT);
      return () => ex.denseForward(x, wp, b, y, BATCH, IN, OUT);
    },
    tfjs(tf) {
      const x = tf.tensor2d(randomArray(BATCH * IN, 1), [BATCH, IN]), w = tf.tensor2d(randomArray(IN * OUT, 2), [IN, OUT]);
      const b = tf.tensor1d(randomArray(OUT, 3));
      return () => tf.tidy(() => tf.add(tf.matMul(x, w), b));
    },
  },
  {
    name: `Xᵀ·dY ${IN}×${BATCH}·${BATCH}×${OUT} (+ db)`,
    flops: 2 * BATCH * IN * OUT,
    ours(ex, arena) {
      const x = arena.put(randomArray(BATCH * IN, 1)), dy = arena.put(randomArray(BATCH * OUT, 4));
      const dw = arena.alloc(IN * OUT), db = arena.alloc(OUT);
      return () => ex.denseBackwardParams(x, dy, dw, db, BATCH, IN, OUT);
    },
    tfjs(tf) {
      const x = tf.tensor2d(randomArray(BATCH * IN, 1), [BATCH, IN]), dy = tf.tensor2d(randomArray(BATCH * OUT, 4), [BATCH, OUT]);
      return () => tf.tidy(() => [tf.matMul(x, dy, true, false), tf.sum(dy, 0)]);
    },
  },
  {
    name: `dY·Wᵀ ${BATCH}×${OUT}·${OUT}×${IN}`,
    flops: 2 * BATCH * IN * OUT,
    ours(ex, arena) {
      const dy = arena.put(randomArray(BATCH * OUT, 4)), dx = arena.alloc(BATCH * IN);
      const { wp } = packed(ex, arena, IN, OUT);
      return () => ex.denseBackwardInput(dy, wp, dx, BATCH, IN, OUT);
    },
    tfjs(tf) {
      const dy = tf.tensor2d(randomArray(BATCH * OUT, 4), [BATCH, OUT]), w = tf.tensor2d(randomArray(IN * OUT, 2), [IN, OUT]);
      return () => tf.tidy(() => tf.matMul(dy, w, false, true));
    },
  },
  {
    name: `pack W ${IN}×${OUT} (once per step)`,
    flops: 0,
    ours(ex, arena) {
      const w = arena.put(randomArray(IN * OUT, 2)), wp = arena.alloc(ex.densePackedLength(IN, OUT));
      return () => ex.densePack(w, wp, IN, OUT);
    },
    tfjs: () => () => undefined,
  },
];

export async function benchDense(): Promise<void> {
  const base = await loadEngineNode();
  const relaxed = await loadRelaxed();
  const tf = await tfBackend('wasm');
  const rows: Row[] = [];
  for (const c of CASES) {
    const flops = c.flops || undefined;
    rows.push({ name: c.name, impl: 'simd', us: await timeUs(c.ours(base, new Arena(base))), flops });
    if (relaxed) rows.push({ name: c.name, impl: 'relaxed-simd', us: await timeUs(c.ours(relaxed, new Arena(relaxed))), flops });
    else console.log(`${c.name}: relaxed-simd n/a (this V8 cannot validate build/engine-relaxed.wasm)`);
    if (c.flops) rows.push({ name: c.name, impl: 'tfjs-wasm (1 thread)', us: await timeUs(c.tfjs(tf)), flops });
  }
  printTable('Dense kernels (µs per call; GFLOP/s = 2·M·K·N / time)', rows);
}
