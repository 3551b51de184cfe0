/**
 * The explorer's precomputed data (formats in ./explorer-files.ts): a 2-D PCA map of a hidden layer's
 * activations over MNIST test digits, and for every hidden unit the test digits that excite it most.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Network } from '../model/network.ts';
import { argmax } from '../util/array.ts';
import type { NeuronsFile, NeuronTop, PcaFile, PcaPoint } from './explorer-files.ts';

export interface ExploreOptions {
  /** Layer to project (default: the last Dense layer before the output). */
  layer?: string;
  /** Test digits on the map. */
  points?: number;
  /** Top digits kept per unit. */
  top?: number;
}

/** Runs the network over the images in batches and hands each sample's step outputs to `visit`. */
function sweep(net: Network, images: Float32Array, count: number, visit: (i: number, outputs: (s: number) => Float32Array, probs: Float32Array) => void) {
  for (let start = 0; start < count; start += net.capacity) {
    const n = Math.min(net.capacity, count - start);
    net.setInput(images.subarray(start * net.input.size, (start + n) * net.input.size), n);
    net.forward(n);
    const probs = net.arena.f32(net.probs.ptr, n * net.classes);
    for (let i = 0; i < n; i++) {
      visit(start + i, (s) => net.arena.f32(net.steps[s].a.ptr + i * net.steps[s].a.size * 4, net.steps[s].a.size), probs.subarray(i * net.classes, (i + 1) * net.classes));
    }
  }
}

export function pcaMap(net: Network, images: Float32Array, labels: Uint8Array, opts: ExploreOptions = {}): Required<PcaFile> {
  const hidden = net.steps.map((s, i) => [s, i] as const).filter(([s]) => s.spec.kind === 'Dense').slice(0, -1);
  const [step, index] = opts.layer ? (hidden.find(([s]) => s.spec.name === opts.layer) ?? []) : (hidden.at(-1) ?? []);
  if (!step || index === undefined) throw new Error(`explore: no hidden Dense layer ${opts.layer ?? ''} in ${net.spec.name}`);
  const count = Math.min(opts.points ?? 2000, labels.length);
  const d = step.a.size;
  const acts = new Matrix(count, d);
  const preds: number[] = [];
  sweep(net, images, count, (i, out, probs) => {
    const a = out(index);
    for (let j = 0; j < d; j++) acts.set(i, j, a[j]);
    preds.push(argmax(probs));
  });
  const mean = acts.mean('column');
  acts.subRowVector(mean);
  const cov = acts.transpose().mmul(acts).div(count - 1);
  const evd = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  // Eigenvalues come in ascending order: the last two are the principal axes.
  const values = evd.realEigenvalues;
  const order = values.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]);
  const total = values.reduce((s, v) => s + v, 0);
  const components = order.slice(0, 2).map(([, i]) => evd.eigenvectorMatrix.getColumn(i));
  // Fix each axis's sign (eigenvectors are defined up to sign) so maps are stable across runs.
  for (const c of components) if (c.reduce((s, v) => s + v, 0) < 0) c.forEach((v, j) => (c[j] = -v));
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  const points: PcaPoint[] = [];
  for (let i = 0; i < count; i++) {
    const row = acts.getRow(i);
    const [x, y] = components.map((c) => c.reduce((s, v, j) => s + v * row[j], 0));
    points.push({ x: round(x), y: round(y), label: labels[i], ...(preds[i] !== labels[i] ? { pred: preds[i] } : {}), index: i });
  }
  return {
    model: net.spec.name,
    layer: step.spec.name,
    components: components.map((c) => c.map((v) => Math.round(v * 1e6) / 1e6)),
    mean: mean.map((v) => Math.round(v * 1e6) / 1e6),
    explained: order.slice(0, 2).map(([v]) => round(v / total)),
    points,
  };
}

export function topDigits(net: Network, images: Float32Array, labels: Uint8Array, opts: ExploreOptions = {}): Required<NeuronsFile> {
  const k = opts.top ?? 6;
  const units = net.steps
    .map((s, i) => [s, i] as const)
    .filter(([s]) => s.spec.kind === 'Conv2D' || s.spec.kind === 'Dense')
    .slice(0, -1); // not the output layer
  const tops = units.map(([s]) => Array.from({ length: s.a.shape.at(-1)! }, () => [] as { index: number; activation: number }[]));
  const keep = (list: { index: number; activation: number }[], index: number, activation: number) => {
    if (list.length === k && activation <= list[k - 1].activation) return;
    list.push({ index, activation });
    list.sort((a, b) => b.activation - a.activation);
    if (list.length > k) list.pop();
  };
  sweep(net, images, labels.length, (i, out) => {
    units.forEach(([s, si], u) => {
      const a = out(si);
      const ch = s.a.shape.at(-1)!;
      if (s.spec.kind === 'Dense') {
        for (let j = 0; j < ch; j++) keep(tops[u][j], i, a[j]);
      } else {
        // A channel's response to a digit: its strongest activation anywhere in the map.
        const best = new Float32Array(ch).fill(-Infinity);
        for (let p = 0; p < a.length; p += ch) for (let c = 0; c < ch; c++) if (a[p + c] > best[c]) best[c] = a[p + c];
        for (let c = 0; c < ch; c++) keep(tops[u][c], i, best[c]);
      }
    });
  });
  const used = new Set(tops.flat(2).map((t) => t.index));
  const imagesB64: Record<string, string> = {};
  const size = net.input.size;
  for (const i of [...used].sort((a, b) => a - b)) {
    const bytes = new Uint8Array(size);
    for (let j = 0; j < size; j++) bytes[j] = Math.round(images[i * size + j] * 255);
    imagesB64[String(i)] = Buffer.from(bytes).toString('base64');
  }
  return {
    model: net.spec.name,
    images: imagesB64,
    layers: units.map(([s], u) => ({
      name: s.spec.name,
      kind: s.spec.kind as 'Dense' | 'Conv2D',
      units: tops[u].length,
      top: tops[u].map((list) => list.map((t): NeuronTop => ({ index: t.index, label: labels[t.index], activation: Math.round(t.activation * 1e4) / 1e4 }))),
    })),
  };
}
