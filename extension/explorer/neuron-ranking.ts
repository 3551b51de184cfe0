/**
 * Which test digits drive a unit up and which drive it down, ranked by its PRE-activation: a saturated tanh unit
 * gives 1.00 to dozens of digits, its input to tanh still tells them apart (issue 9). The pool is every MNIST test
 * digit the extension ships (the images in neurons.json and models/test-digits.bin), run once per model through
 * the worker; a Conv2D channel counts by its strongest position (the spatial max of its pre-activation).
 */
import type { ModelId, SeeingDigitsApi } from '../../worker/api.ts';
import { PIXELS } from '../shared/digits.ts';
import { decodeDigit, type NeuronsFile } from '../ui/formats.ts';
import { testDigits, type TestDigit } from '../ui/test-digits.ts';
import { modelsBase } from '../shared/session.ts';
import { readNeurons } from '../ui/formats.ts';
import { MODEL_IDS } from '../../worker/api.ts';

export interface PoolDigit {
  index: number;
  label: number;
  pixels: Float32Array;
  /** How the models read it, when the file says (test-digits.bin). */
  predicted?: { mlp: number; cnn: number };
}

export interface Ranked {
  digit: PoolDigit;
  pre: number;
}

/** Per layer: values[d · units + u] = unit u's pre-activation for pool digit d. */
export interface Responses {
  pool: PoolDigit[];
  /** `spatial`: a Conv2D layer (a channel's value is its strongest position). */
  layers: Map<string, { units: number; spatial: boolean; values: Float32Array }>;
}

/** The shipped test digits, each once (by MNIST test index). */
export function digitPool(neurons: NeuronsFile | null, tests: readonly TestDigit[]): PoolDigit[] {
  const byIndex = new Map<number, PoolDigit>();
  for (const t of tests) byIndex.set(t.index, { index: t.index, label: t.label, pixels: t.pixels, predicted: t.predicted });
  for (const layer of neurons?.layers ?? []) {
    for (const list of layer.top) {
      for (const t of list) {
        const img = neurons!.images[String(t.index)];
        if (!byIndex.has(t.index) && img) byIndex.set(t.index, { index: t.index, label: t.label, pixels: decodeDigit(img) });
      }
    }
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

export async function responses(api: SeeingDigitsApi, model: ModelId, pool: PoolDigit[]): Promise<Responses> {
  const layers: Responses['layers'] = new Map();
  for (let d = 0; d < pool.length; d++) {
    const r = await api.analyze({ kind: 'mnist', pixels: pool[d].pixels.slice(0, PIXELS) }, { models: [model], activations: true });
    if (!r.ok) throw new Error(r.message);
    for (const l of r.models[0].layers ?? []) {
      if ((l.kind !== 'Dense' && l.kind !== 'Conv2D') || l.activation === 'softmax') continue;
      const pre = l.pre ?? l.out;
      const units = l.shape[l.shape.length - 1];
      let entry = layers.get(l.name);
      if (!entry) layers.set(l.name, (entry = { units, spatial: l.shape.length > 1, values: new Float32Array(pool.length * units) }));
      if (l.shape.length === 1) entry.values.set(pre, d * units);
      else for (let u = 0; u < units; u++) entry.values[d * units + u] = spatialMax(pre, units, u);
    }
  }
  return { pool, layers };
}

function spatialMax(pre: Float32Array, channels: number, c: number): number {
  let max = -Infinity;
  for (let i = c; i < pre.length; i += channels) max = Math.max(max, pre[i]);
  return max;
}

/** The `n` digits with the highest and the lowest pre-activation of `unit`, strongest first. */
export function rank(r: Responses, layer: string, unit: number, n = 6): { top: Ranked[]; bottom: Ranked[] } | null {
  const l = r.layers.get(layer);
  if (!l || unit < 0 || unit >= l.units) return null;
  const all = r.pool.map((digit, d) => ({ digit, pre: l.values[d * l.units + unit] }));
  all.sort((a, b) => b.pre - a.pre);
  return { top: all.slice(0, n), bottom: all.slice(-n).reverse() };
}

let shipped: Promise<Map<number, PoolDigit>> | null = null;

/** Every MNIST test digit this build ships (both models' neurons.json and test-digits.bin), by test index. */
export function shippedDigits(): Promise<Map<number, PoolDigit>> {
  shipped ??= (async () => {
    const neurons = await Promise.all(
      MODEL_IDS.map((id) =>
        fetch(new URL(`${id}/neurons.json`, modelsBase()))
          .then((r) => (r.ok ? r.json() : null))
          .then((raw) => (raw ? readNeurons(raw, `models/${id}/neurons.json`) : null))
          .catch(() => null),
      ),
    );
    const tests = await testDigits().catch(() => []);
    return new Map(neurons.flatMap((n) => digitPool(n, tests)).map((d) => [d.index, d]));
  })();
  return shipped;
}
