/**
 * A 2-D PCA map of a hidden layer's activations over MNIST test digits: the training view's live map, recomputed in
 * the worker after each epoch (worker/train-runner.ts). The shipped models' maps of every layer are precomputed
 * instead (src/interpret/pca.ts, `seeing-digits explore`).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Network } from '../model/network.ts';
import { argmax } from '../util/array.ts';

/** x, y of each point = components · (activation − mean), so any new input can be placed on the same map. */
export interface PcaMap {
  model: string;
  /** Name of the layer whose output (post-activation) is projected. */
  layer: string;
  /** 2 × d: the first two principal axes (unit vectors). */
  components: number[][];
  /** d: the mean activation that was subtracted. */
  mean: number[];
  /** Fraction of variance along each component. */
  explained: number[];
  points: PcaPoint[];
}

export interface PcaPoint {
  x: number;
  y: number;
  /** True digit 0–9. */
  label: number;
  /** The model's prediction, when it differs from the label. */
  pred?: number;
  /** Index into the MNIST test set. */
  index: number;
}

export interface ExploreOptions {
  /** Layer to project (default: the last Dense layer before the output). */
  layer?: string;
  /** Test digits on the map. */
  points?: number;
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

export function pcaMap(net: Network, images: Float32Array, labels: Uint8Array, opts: ExploreOptions = {}): PcaMap {
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
