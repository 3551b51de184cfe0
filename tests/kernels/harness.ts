// One harness for the kernel tests, in the spirit of tinygrad's helper_test_op: an op test names its seeded inputs,
// runs our kernels and the reference (TensorFlow.js on its cpu backend) on them, forward and backward, and compares
// every output the reference gives by name with its tolerance. A kernel case is then one line of a table.
//
//   useKernels();                                   // at the top of a test file: loads the wasm and tfjs once
//   it('x=[2,3]', () => checkOp({ ours: (k) => ({ y: … }), reference: (tf) => ({ y: tf.relu(…) }), tol: 1e-4 }));
//
// `k` and `tf` are live bindings, set by useKernels' beforeAll; every test starts with a fresh arena.
import { beforeAll, beforeEach, expect } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs';
import { kernels, type Kernels } from '../helpers/engine.ts';
import { tfCpu } from '../helpers/tf.ts';
import { maxRelDiff } from '../helpers/random.ts';

export type TF = Awaited<ReturnType<typeof tfCpu>>;
export type { Tensor };

export let k: Kernels;
export let tf: TF;

/** Registers the setup every kernel test file shares: the engine's exports and tfjs once, a fresh arena per test. */
export function useKernels(): void {
  beforeAll(async () => {
    k = await kernels();
    tf = await tfCpu();
  });
  beforeEach(() => k.reset());
}

/** How far `got` is from `want` (0 = equal); compared against a test's tolerance. */
export type Metric = (got: ArrayLike<number>, want: ArrayLike<number>) => number;

/** Largest |a − b| relative to max(1, |b|), element by element (NaN anywhere: Infinity). */
export const elementwise: Metric = maxRelDiff;

/** Largest |a − b| relative to max(1, max |b|): sums of many products are compared at their own scale. */
export const relToMax: Metric = (a, b) => {
  let m = 1;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(b[i]));
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    d = Number.isNaN(e) ? Infinity : Math.max(d, e);
  }
  return d / m;
};

export type Outputs = Record<string, ArrayLike<number> | number>;

export interface OpTest {
  /** Our kernels on the inputs: named outputs (forward values, gradients). */
  ours: (k: Kernels) => Outputs;
  /** The reference on the same inputs, run inside tf.tidy; tensors are read back. Every name here is compared. */
  reference: (tf: TF) => Record<string, Tensor | ArrayLike<number> | number>;
  /** Tolerance for every output, or per output name; 0 means exactly equal. */
  tol: number | Record<string, number>;
  /** Default `elementwise` (maxRelDiff). */
  metric?: Metric;
}

/** Runs both sides and expects every reference output matched within its tolerance; returns ours for more checks. */
export function checkOp(t: OpTest): Outputs {
  const got = t.ours(k);
  const want = tf.tidy(() => {
    const out: Record<string, ArrayLike<number> | number> = {};
    for (const [name, v] of Object.entries(t.reference(tf))) out[name] = v instanceof tf.Tensor ? v.dataSync() : v;
    return out as never;
  }) as Record<string, ArrayLike<number> | number>;
  for (const [name, w] of Object.entries(want)) {
    const g = got[name];
    expect(g, `ours gives no ${name}`).toBeDefined();
    const d = (t.metric ?? elementwise)(typeof g === 'number' ? [g] : g, typeof w === 'number' ? [w] : w);
    const tol = typeof t.tol === 'number' ? t.tol : t.tol[name];
    if (tol === 0) expect(d, name).toBe(0);
    else expect(d, name).toBeLessThan(tol);
  }
  return got;
}

export { numericGrad } from '../helpers/grad.ts';

export const GUARD = 8; // sentinel floats after an output: a kernel that writes past its end is caught
export const SENTINEL = 12345.5;

/** An output of n floats filled with NaN (an element the kernel forgets to write shows) and GUARD sentinels after. */
export function guarded(n: number): number {
  const p = k.fill(n + GUARD, SENTINEL);
  k.set(p, new Float32Array(n).fill(NaN));
  return p;
}

/** Whether the sentinels after an n-float output at p are untouched. */
export function guardIntact(p: number, n: number): boolean {
  return k.get(p + n * 4, GUARD).every((v) => v === SENTINEL);
}

export function expectGuard(p: number, n: number, what = `write past the end of a ${n}-float region`): void {
  expect(guardIntact(p, n), what).toBe(true);
}
