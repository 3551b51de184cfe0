/**
 * Every hidden unit (Dense neuron, Conv2D channel) over the test digits: its output histogram (tanh: how often it
 * saturates), the digits that drive its pre-activation highest and lowest, and the test accuracy lost when it is
 * switched off (zero-ablated).
 *
 * Ablation edits a copy of the weights rather than the forward pass: a Dense unit's output feeds the next Dense layer
 * only through its row of that kernel, so zeroing the row is exactly holding the unit at 0. A conv channel's kernel
 * and bias zeroed make its pre-activation 0, hence its output f(0) = 0 for relu/tanh/linear, and max-pooling of
 * zeros is zero: exact zero-ablation of the channel.
 */
import type { Network } from '../model/network.ts';
import type { LayerParams, LoadedModel } from '../model/spec.ts';
import { argmax } from '../util/array.ts';
import { DATA_VERSION, type UnitsFile, type UnitsLayer } from './explorer-data.ts';
import { sweep } from './layers.ts';

export const BINS = 40;
export const SATURATED = 0.99;

/** The layers whose units we study: every Dense and Conv2D layer but the output. */
export function unitLayers(net: Network) {
  const withParams = net.steps.map((s, i) => ({ s, i })).filter(({ s }) => s.spec.kind === 'Dense' || s.spec.kind === 'Conv2D');
  return withParams.slice(0, -1).map(({ s, i }) => ({ step: s, index: i, units: s.a.shape.at(-1)! }));
}

/** Keeps the k largest values (with their digit index), sorted descending. */
class TopK {
  readonly v: number[] = [];
  readonly idx: number[] = [];
  constructor(private readonly k: number) {}
  add(value: number, index: number): void {
    if (this.v.length === this.k && value <= this.v[this.k - 1]) return;
    let at = this.v.length;
    while (at > 0 && this.v[at - 1] < value) at--;
    this.v.splice(at, 0, value);
    this.idx.splice(at, 0, index);
    if (this.v.length > this.k) {
      this.v.pop();
      this.idx.pop();
    }
  }
}

export function accuracyOf(net: Network, images: Float32Array, labels: Uint8Array): number {
  let correct = 0;
  sweep(net, images, labels.length, (start, n, _v, probs) => {
    const p = probs();
    for (let i = 0; i < n; i++) if (argmax(p, i * net.classes, net.classes) === labels[start + i]) correct++;
  });
  return correct / labels.length;
}

/** A copy of the model's parameters with unit `unit` of layer `layer` switched off (see the header). */
export function ablatedParams(model: LoadedModel, layer: string, unit: number): Map<string, LayerParams> {
  const layers = model.spec.layers;
  const at = layers.findIndex((l) => l.name === layer);
  const l = layers[at];
  if (!l || (l.kind !== 'Dense' && l.kind !== 'Conv2D')) throw new Error(`ablate: ${layer} is not a Dense or Conv2D layer`);
  const params = new Map([...model.params].map(([k, p]) => [k, { kernel: p.kernel.slice(), bias: p.bias?.slice() }]));
  if (l.kind === 'Conv2D') {
    if (l.activation === 'sigmoid' || l.activation === 'softmax') throw new Error(`ablate: ${l.activation}(0) ≠ 0, zeroing ${layer}'s filter is not zero-ablation`);
    const p = params.get(layer)!;
    const co = l.filters;
    if (unit < 0 || unit >= co) throw new Error(`ablate: ${layer} has ${co} channels, not ${unit + 1}`);
    for (let i = unit; i < p.kernel.length; i += co) p.kernel[i] = 0;
    if (p.bias) p.bias[unit] = 0;
    return params;
  }
  const next = layers.slice(at + 1).find((x) => x.kind === 'Dense' || x.kind === 'Conv2D');
  const between = layers.slice(at + 1, layers.indexOf(next!));
  if (!next || next.kind !== 'Dense' || between.some((x) => x.kind !== 'Activation' || x.activation !== 'linear')) {
    throw new Error(`ablate: ${layer} does not feed a Dense layer directly`);
  }
  if (unit < 0 || unit >= l.units) throw new Error(`ablate: ${layer} has ${l.units} units, not ${unit + 1}`);
  const p = params.get(next.name)!;
  p.kernel.fill(0, unit * next.units, (unit + 1) * next.units);
  return params;
}

/** Test accuracy with one unit switched off, by evaluating the model with ablated weights. */
export function ablatedAccuracy(net: Network, model: LoadedModel, layer: string, unit: number, images: Float32Array, labels: Uint8Array): number {
  net.setParams(ablatedParams(model, layer, unit));
  try {
    return accuracyOf(net, images, labels);
  } finally {
    net.setParams(model.params);
  }
}

/** Whether `layer` is the Dense layer right before the final Dense layer (whose argmax is the prediction). */
function feedsLogits(net: Network, layer: string): boolean {
  const dense = net.steps.filter((s) => s.spec.kind === 'Dense' || s.spec.kind === 'Conv2D');
  const last = dense.at(-1)!;
  return dense.at(-2)?.spec.name === layer && dense.at(-2)!.spec.kind === 'Dense' && net.steps.at(-1) === last && last.x === dense.at(-2)!.a;
}

/**
 * The same accuracies for every unit of the layer feeding the logits, in one pass: switching unit u off changes the
 * logits by −a_u · W[u, :], so the ablated prediction is argmax(logits − a_u · W[u, :]). Exact, and one forward pass
 * instead of one per unit.
 */
export function ablateBeforeLogits(net: Network, layer: string, images: Float32Array, labels: Uint8Array): number[] {
  const step = net.steps.find((s) => s.spec.name === layer)!;
  const out = net.steps.at(-1)!;
  const units = step.a.size;
  const k = net.classes;
  const w = net.arena.f32(out.param!.kernel, units * k).slice();
  const correct = new Array<number>(units).fill(0);
  const l = new Float32Array(k);
  sweep(net, images, labels.length, (start, n) => {
    const a = net.arena.f32(step.a.ptr, n * units);
    const logits = net.arena.f32(net.logits.ptr, n * k);
    for (let i = 0; i < n; i++) {
      for (let u = 0; u < units; u++) {
        const au = a[i * units + u];
        for (let c = 0; c < k; c++) l[c] = logits[i * k + c] - au * w[u * k + c];
        if (argmax(l) === labels[start + i]) correct[u]++;
      }
    }
  });
  return correct.map((c) => c / labels.length);
}

export interface UnitsOptions {
  top?: number;
  /** Skip the ablation sweep (one evaluation per unit). */
  ablation?: boolean;
  onLayer?(layer: string): void;
}

export function unitStats(net: Network, images: Float32Array, labels: Uint8Array, opts: UnitsOptions = {}): UnitsFile {
  const k = opts.top ?? 8;
  const count = labels.length;
  const model = net.model();
  const layers = unitLayers(net);
  const base = accuracyOf(net, images, labels);
  const out: UnitsLayer[] = [];
  for (const { step, units } of layers) {
    const tanh = step.activation === 'tanh';
    // Histogram range: tanh's is fixed; relu/linear get the observed range (one extra pass).
    let lo = tanh ? -1 : Infinity, hi = tanh ? 1 : -Infinity;
    if (!tanh) {
      sweep(net, images, count, (_s, n) => {
        const a = net.arena.f32(step.a.ptr, n * step.a.size);
        for (let i = 0; i < a.length; i++) {
          if (a[i] < lo) lo = a[i];
          if (a[i] > hi) hi = a[i];
        }
      });
      if (hi <= lo) hi = lo + 1;
    }
    const counts = Array.from({ length: units }, () => new Array<number>(BINS).fill(0));
    const saturated = new Float64Array(units);
    const tops = Array.from({ length: units }, () => new TopK(k));
    const bottoms = Array.from({ length: units }, () => new TopK(k));
    const best = new Float32Array(units);
    const scale = BINS / (hi - lo);
    sweep(net, images, count, (start, n) => {
      const z = net.arena.f32(step.z.ptr, n * step.z.size);
      const a = net.arena.f32(step.a.ptr, n * step.a.size);
      for (let i = 0; i < n; i++) {
        best.fill(-Infinity);
        for (let p = i * step.a.size; p < (i + 1) * step.a.size; p++) {
          const u = p % units;
          counts[u][Math.min(BINS - 1, Math.max(0, Math.floor((a[p] - lo) * scale)))]++;
          if (tanh && Math.abs(a[p]) > SATURATED) saturated[u]++;
          if (z[p] > best[u]) best[u] = z[p];
        }
        for (let u = 0; u < units; u++) {
          tops[u].add(best[u], start + i);
          bottoms[u].add(-best[u], start + i);
        }
      }
    });
    const perUnit = (count * step.a.size) / units;
    const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
    const ablationDrop: number[] = [];
    if (opts.ablation !== false) {
      const acc = feedsLogits(net, step.spec.name)
        ? ablateBeforeLogits(net, step.spec.name, images, labels)
        : Array.from({ length: units }, (_, u) => ablatedAccuracy(net, model, step.spec.name, u, images, labels));
      for (const a of acc) ablationDrop.push(r4(base - a));
    }
    out.push({
      layer: step.spec.name,
      kind: step.spec.kind as 'Dense' | 'Conv2D',
      activation: step.activation,
      units,
      histogram: { lo, hi, bins: BINS, counts },
      ...(tanh ? { saturated: Array.from(saturated, (s) => r4(s / perUnit)) } : {}),
      topDigits: tops.map((t) => t.idx),
      topValues: tops.map((t) => t.v.map(r4)),
      bottomDigits: bottoms.map((t) => t.idx),
      bottomValues: bottoms.map((t) => t.v.map((v) => r4(-v))),
      ablationDrop,
    });
    opts.onLayer?.(step.spec.name);
  }
  return { version: DATA_VERSION, model: net.spec.name, baseAccuracy: base, top: k, layers: out };
}
