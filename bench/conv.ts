// Conv2d and 2×2 max-pool kernels against TensorFlow.js: the wasm backend (XNNPACK, one thread) for the forward
// pass, the input gradient and pooling; the cpu backend for the filter gradient (tfjs-wasm has no
// Conv2DBackpropFilter, so in a tfjs-wasm training step that op runs on JS anyway). Shapes: one batch-64 training
// step of the reference CNN (3×3 same 1→8 on 28×28, pool, 8→16 on 14×14, pool), of the CNN we are likely to ship
// (1→16, 16→32) and batch-1 inference. Only the kernel call is timed: inputs already sit in wasm memory / tensors.
import { Arena } from '../src/wasm/wasm.ts';
import { loadEngineNode } from '../src/wasm/node.ts';
import type { EngineExports } from '../src/wasm/abi.ts';
import { randomArray } from '../src/util/random.ts';
import { printTable, timeUs, fmtTime, type Row } from './report.ts';
import { tfBackend } from '../src/engines/tfjs-node.ts';
import { loadRelaxed } from './relaxed.ts';

type TF = Awaited<ReturnType<typeof tfBackend>>;
export type Op = 'forward' | 'input grad' | 'filter grad' | 'pool' | 'pool grad';


/** A 3×3 'same' stride-1 conv layer (the only kind our CNNs use), optionally followed by a 2×2 pool. */
export interface Layer {
  model: string;
  n: number; h: number; w: number; c: number; co: number;
  ops: Op[];
}

const K = 3, PAD = 1; // 3×3 'same', stride 1: oh = h, padTop = padLeft = 1

export const LAYERS: Layer[] = [
  { model: 'ref CNN', n: 64, h: 28, w: 28, c: 1, co: 8, ops: ['forward', 'filter grad', 'pool', 'pool grad'] },
  { model: 'ref CNN', n: 64, h: 14, w: 14, c: 8, co: 16, ops: ['forward', 'input grad', 'filter grad', 'pool', 'pool grad'] },
  { model: 'ship CNN', n: 64, h: 28, w: 28, c: 1, co: 16, ops: ['forward', 'filter grad', 'pool', 'pool grad'] },
  { model: 'ship CNN', n: 64, h: 14, w: 14, c: 16, co: 32, ops: ['forward', 'input grad', 'filter grad', 'pool', 'pool grad'] },
  { model: 'ref CNN', n: 1, h: 28, w: 28, c: 1, co: 8, ops: ['forward', 'input grad'] }, // input grad = saliency
  { model: 'ref CNN', n: 1, h: 14, w: 14, c: 8, co: 16, ops: ['forward', 'input grad'] },
  { model: 'ship CNN', n: 1, h: 28, w: 28, c: 1, co: 16, ops: ['forward', 'input grad'] },
  { model: 'ship CNN', n: 1, h: 14, w: 14, c: 16, co: 32, ops: ['forward', 'input grad'] },
];

const caseName = (l: Layer, op: Op) =>
  op.startsWith('pool') ? `${l.model} ${op} [${l.n},${l.h},${l.w},${l.co}]`
    : `${l.model} ${op} x=[${l.n},${l.h},${l.w},${l.c}] f=[3,3,${l.c},${l.co}]`;

export const convFlops = (l: Layer) => 2 * l.n * l.h * l.w * l.co * K * K * l.c;

/** Our kernel call for one op, with its inputs placed in a fresh arena. */
export function ours(ex: EngineExports, l: Layer, op: Op): () => void {
  const a = new Arena(ex);
  const { n, h, w, c, co } = l;
  const shape = [n, h, w, c, K, K, co, 1, PAD, PAD, h, w] as const;
  const scratch = a.alloc(ex.conv2dScratchLength(...shape));
  const x = a.put(randomArray(n * h * w * c, 1)), f = a.put(randomArray(K * K * c * co, 2, 0.3));
  const b = a.put(randomArray(co, 3)), y = a.alloc(n * h * w * co), dy = a.put(randomArray(n * h * w * co, 4));
  const dx = a.alloc(n * h * w * c), df = a.alloc(K * K * c * co), db = a.alloc(co);
  const p = a.put(randomArray(n * h * w * co, 5)), py = a.alloc(n * (h >> 1) * (w >> 1) * co);
  const pdy = a.put(randomArray(n * (h >> 1) * (w >> 1) * co, 6)), pdx = a.alloc(n * h * w * co);
  switch (op) {
    case 'forward': return () => ex.conv2dForward(x, f, b, y, ...shape, scratch);
    case 'input grad': return () => ex.conv2dBackwardInput(dy, f, dx, ...shape, scratch);
    case 'filter grad': return () => ex.conv2dBackwardParams(x, dy, df, db, ...shape, scratch);
    case 'pool': return () => ex.maxPool2Forward(p, py, n, h, w, co);
    case 'pool grad': return () => ex.maxPool2Backward(p, pdy, pdx, n, h, w, co);
  }
}

/** The same op in TensorFlow.js on the current backend (tensors made here, so they live on it). */
export function theirs(tf: TF, l: Layer, op: Op): () => void {
  const { n, h, w, c, co } = l;
  const x = tf.tensor4d(randomArray(n * h * w * c, 1), [n, h, w, c]);
  const f = tf.tensor4d(randomArray(K * K * c * co, 2, 0.3), [K, K, c, co]);
  const b = tf.tensor1d(randomArray(co, 3)), dy = tf.tensor4d(randomArray(n * h * w * co, 4), [n, h, w, co]);
  const p = tf.tensor4d(randomArray(n * h * w * co, 5), [n, h, w, co]);
  const pdy = tf.tensor4d(randomArray(n * (h >> 1) * (w >> 1) * co, 6), [n, h >> 1, w >> 1, co]);
  const conv = { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1 } as const;
  const run = (fn: () => unknown) => () => { tf.dispose(tf.tidy(fn as () => never)); };
  switch (op) {
    case 'forward': return run(() => tf.fused.conv2d({ x, filter: f, bias: b, strides: 1, pad: 'same' }));
    case 'input grad': return run(() => tf.conv2dTranspose(dy, f, [n, h, w, c], 1, 'same'));
    case 'filter grad': return run(() => [
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...conv, filterShape: [K, K, c, co] }),
      tf.sum(dy, [0, 1, 2]),
    ]);
    case 'pool': return run(() => tf.maxPool(p, 2, 2, 'valid'));
    case 'pool grad': {
      const y = tf.maxPool(p, 2, 2, 'valid');
      return run(() => tf.engine().runKernel('MaxPoolGrad', { dy: pdy, input: p, output: y },
        { filterSize: 2, strides: 2, pad: 'valid' }));
    }
  }
}

/**
 * timeUs, except for slow calls (tfjs-cpu's filter gradient takes seconds at batch 64), so the whole run stays
 * short on a shared machine: over 1 s the first call is the measurement (JIT warm-up is noise at that scale);
 * over 100 ms it is the warm-up and one more call is the measurement.
 */
async function timeCall(fn: () => void): Promise<number> {
  const t0 = performance.now();
  fn();
  const first = performance.now() - t0;
  if (first < 100) return timeUs(fn);
  if (first > 1000) return first * 1000;
  const t1 = performance.now();
  fn();
  return (performance.now() - t1) * 1000;
}

/** tfjs-wasm for everything it has; the filter gradient on tfjs-cpu. */
const tfImpl = (op: Op) => (op === 'filter grad' ? 'cpu' : 'wasm');

export async function benchConv(): Promise<void> {
  const base = await loadEngineNode();
  const relaxed = await loadRelaxed();
  if (!relaxed) console.log('relaxed-simd n/a (this V8 cannot validate build/engine-relaxed.wasm)');
  const rows: Row[] = [];
  const step = new Map<string, number>(); // training-step totals per model and impl (batch 64)
  for (const l of LAYERS) {
    for (const op of l.ops) {
      const name = caseName(l, op);
      const flops = op.startsWith('pool') ? undefined : convFlops(l);
      const impls: [string, () => Promise<number>][] = [['simd', () => timeCall(ours(base, l, op))]];
      if (relaxed) impls.push(['relaxed-simd', () => timeCall(ours(relaxed, l, op))]);
      const be = tfImpl(op);
      impls.push([`tfjs-${be} (1 thread)`, async () => timeCall(theirs(await tfBackend(be), l, op))]);
      for (const [impl, time] of impls) {
        const us = await time();
        rows.push({ name, impl, us, flops });
        if (l.n > 1) {
          const key = `${l.model} | ${impl.startsWith('tfjs') ? 'tfjs (wasm; cpu for filter grad)' : impl}`;
          step.set(key, (step.get(key) ?? 0) + us);
        }
      }
    }
  }
  printTable('Conv2d 3×3 same + 2×2 max-pool kernels (µs per call; GFLOP/s = 2·n·oh·ow·co·kh·kw·c / time)', rows);
  console.log('\n## Conv + pool part of one batch-64 training step (sum of the rows above)\n');
  for (const [key, us] of step) console.log(`- ${key}: ${fmtTime(us)}`);
}
