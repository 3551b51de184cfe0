/** Shared pieces of the attribution tests: the shipped models on both engines, a recording engine, statistics. */
import { loadModelFromDir } from '../../src/model/format-node.ts';
import { shippedModelDir } from '../../src/cli/models.ts';
import { TfjsEngine } from '../../src/engines/tfjs.ts';
import { createSimdEngineNode } from '../../src/engines/simd-node.ts';
import type { InferenceEngine } from '../../src/engines/types.ts';
import type { LoadedModel } from '../../src/model/spec.ts';

export const ENGINES: [string, () => Promise<InferenceEngine>][] = [
  ['simd', createSimdEngineNode],
  ['tfjs-cpu', () => TfjsEngine.create({ backend: 'cpu' })],
];

export const MODELS = ['mlp', 'cnn'] as const;

const shipped = new Map<string, Promise<LoadedModel>>();
export function shippedModel(id: (typeof MODELS)[number]): Promise<LoadedModel> {
  if (!shipped.has(id)) shipped.set(id, loadModelFromDir(shippedModelDir(id)));
  return shipped.get(id)!;
}

export async function engineWithShipped(create: () => Promise<InferenceEngine>): Promise<InferenceEngine> {
  const e = await create();
  for (const id of MODELS) await e.load(id, await shippedModel(id));
  return e;
}

export interface Call {
  method: string;
  args: unknown[];
}

/** The engine, with every call it receives recorded (to see what a method really sends, and how many calls). */
export function recording(engine: InferenceEngine): { engine: InferenceEngine; calls: Call[] } {
  const calls: Call[] = [];
  const spy = new Proxy(engine, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls.push({ method: String(prop), args });
        return v.apply(target, args);
      };
    },
  });
  return { engine: spy, calls };
}

export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Spearman rank correlation (ties get their average rank). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(ranks(a), ranks(b));
}

function ranks(a: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: a.length }, (_, i) => i).sort((i, j) => a[i] - a[j]);
  const r = new Float64Array(a.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && a[idx[j + 1]] === a[idx[i]]) j++;
    for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let s = 0, sa = 0, sb = 0;
  for (let i = 0; i < n; i++) {
    s += (a[i] - ma) * (b[i] - mb);
    sa += (a[i] - ma) ** 2;
    sb += (b[i] - mb) ** 2;
  }
  return s / Math.sqrt(sa * sb);
}
