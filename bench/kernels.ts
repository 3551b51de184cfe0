/**
 * The kernels in GFLOP/s, side by side and interleaved (bench/rows.ts), and the machine's limit: `simd-peak`, a pure
 * f32x4 multiply-add loop (bench/peak/peak.ts) on the same clock. Shapes: GEMM of the MLP's first layer at batch 256
 * (256×784 · 784×128 + b); conv of the shipped CNN's second layer at batch 64 (3×3 same, 16→32 on 14×14), and the
 * input gradient of its first layer (1→16 on 28×28: the 1-channel path saliency and IG run through).
 */
import { readFile } from 'node:fs/promises';
import { Arena } from '../src/wasm/wasm.ts';
import { loadEngineNode } from '../src/wasm/node.ts';
import type { EngineExports } from '../src/wasm/abi.ts';
import { tfBackend } from '../src/engines/tfjs-node.ts';
import { CASES as DENSE } from './dense.ts';
import { LAYERS, convFlops, ours, theirs, type Layer, type Op } from './conv.ts';
import { loadRelaxed, relaxedBytes } from './relaxed.ts';
import { addRow, interleave, note, timed, type Contender } from './rows.ts';
import type { TorchPeer } from './pytorch.ts';

const PEAK_ITERS = 200_000;
const PEAK_FLOPS_PER_ITER = 96;

interface KernelCase {
  case: string;
  flops: number;
  ours(ex: EngineExports): () => void;
  tfjs?: { backend: 'wasm' | 'cpu'; make(tf: Awaited<ReturnType<typeof tfBackend>>): () => void };
}

const ship2 = LAYERS.find((l) => l.model === 'ship CNN' && l.n === 64 && l.c === 16)!;
const ship1: Layer = { ...LAYERS.find((l) => l.model === 'ship CNN' && l.n === 64 && l.c === 1)!, ops: ['input grad'] };

const conv = (name: string, l: Layer, op: Op, backend: 'wasm' | 'cpu'): KernelCase => ({
  case: name,
  flops: convFlops(l),
  ours: (ex) => ours(ex, l, op),
  tfjs: { backend, make: (tf) => theirs(tf, l, op) },
});

const gemm = DENSE.find((c) => c.name.startsWith('GEMM'))!;
const KERNELS: KernelCase[] = [
  { case: 'gemm', flops: gemm.flops, ours: (ex) => gemm.ours(ex, new Arena(ex)), tfjs: { backend: 'wasm', make: gemm.tfjs } },
  conv('conv-fwd', ship2, 'forward', 'wasm'),
  conv('conv-dgrad', ship2, 'input grad', 'wasm'),
  // tfjs-backend-wasm has no Conv2DBackpropFilter: tfjs-cpu is what a tfjs-wasm training step runs for it.
  conv('conv-wgrad', ship2, 'filter grad', 'cpu'),
  conv('conv-dgrad-c1', ship1, 'input grad', 'wasm'),
];

async function peakContender(engine: string, file: URL): Promise<Contender | undefined> {
  const bytes = engine === 'relaxed-simd' ? await relaxedBytes(file) : new Uint8Array(await readFile(file));
  if (!bytes) return undefined;
  const { instance } = await WebAssembly.instantiate(bytes, {});
  const peak = instance.exports.peak as (iters: number, a: number, b: number) => number;
  return { engine, run: timed(() => peak(PEAK_ITERS, 1.0000001, 0.9999999)) };
}

export async function benchKernels(torch?: TorchPeer): Promise<void> {
  const base = await loadEngineNode();
  const relaxed = await loadRelaxed();
  if (!relaxed) note('relaxed-simd kernels: this V8 cannot validate build/engine-relaxed.wasm');
  const peaks = [
    await peakContender('simd', new URL('../build/peak.wasm', import.meta.url)),
    await peakContender('relaxed-simd', new URL('../build/peak-relaxed.wasm', import.meta.url)),
  ].filter((c): c is Contender => !!c);
  for (const [engine, ms] of await interleave(peaks)) {
    addRow({ case: 'simd-peak', model: '-', engine, median: (PEAK_ITERS * PEAK_FLOPS_PER_ITER) / (ms * 1e6), unit: 'GFLOP/s' });
  }
  for (const k of KERNELS) {
    const contenders: Contender[] = [{ engine: 'simd', run: timed(k.ours(base)) }];
    if (relaxed) contenders.push({ engine: 'relaxed-simd', run: timed(k.ours(relaxed)) });
    if (k.tfjs) {
      const { backend, make } = k.tfjs;
      const tf = await tfBackend(backend);
      const call = make(tf); // its tensors live on this backend: switch back to it before each block
      const run = timed(call);
      contenders.push({
        engine: `tfjs-${backend}`,
        run: async (n) => {
          if (tf.getBackend() !== backend) await tf.setBackend(backend);
          return run(n);
        },
      });
    }
    if (torch) contenders.push({ engine: 'pytorch', run: (n) => torch.time(k.case, '-', n) });
    for (const [engine, ms] of await interleave(contenders)) {
      addRow({ case: k.case, model: '-', engine, median: k.flops / (ms * 1e6), unit: 'GFLOP/s' });
    }
  }
}
