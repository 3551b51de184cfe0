/**
 * PCA of any layer's activations (conv maps flattened) over MNIST test digits.
 *
 * The covariance products run on the engine: a bias-free linear Dense layer whose input is a batch of centred
 * activations X gives Y = X·V forward, and Xᵀ·Y as its kernel gradient backward, so C·V = Σ_batches Xᵀ(X·V) / (N−1)
 * costs two GEMMs per batch. Layers of up to EXACT_MAX values get the whole covariance and an exact symmetric
 * eigen-decomposition (ml-matrix); wider ones (conv maps: up to 12 544 values) get block subspace iteration with a
 * Rayleigh–Ritz step (Halko, Martinsson & Tropp 2011, alg. 4.4 + 5.1): k = K_KEEP + OVERSAMPLE vectors, C applied
 * ITERATIONS times, each time one sweep of the network over the digits.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { Network } from '../model/network.ts';
import type { ModelSpec } from '../model/spec.ts';
import { mulberry32 } from '../util/random.ts';
import { argmax } from '../util/array.ts';
import { findRepresentation, sweep, type Representation } from './layers.ts';

export const EXACT_MAX = 1024;
/** Eigenvalues reported (the explained-variance curve). */
export const K_KEEP = 20;
const OVERSAMPLE = 12;
const ITERATIONS = 8;

export interface LayerPca {
  layer: string;
  shape: number[];
  dim: number;
  count: number;
  /** Mean activation (dim) and the first two principal axes (2 × dim, unit length, orthogonal). */
  mean: Float32Array;
  components: [Float32Array, Float32Array];
  /** Variance along each of the first K_KEEP axes, and the total variance (trace of the covariance). */
  eigenvalues: number[];
  totalVariance: number;
  /** eigenvalues / totalVariance. */
  explained: number[];
  /** The 2-D points: count × 2 (x, y). */
  points: Float32Array;
  method: 'exact' | 'subspace';
}

/** Projection of one activation vector onto the two axes: where a new input lands on the map. */
export function project(pca: Pick<LayerPca, 'mean' | 'components'>, a: ArrayLike<number>): [number, number] {
  const [c0, c1] = pca.components;
  if (a.length !== pca.mean.length) throw new Error(`pca: the map is for ${pca.mean.length} activations, got ${a.length}`);
  let x = 0, y = 0;
  for (let j = 0; j < a.length; j++) {
    const d = a[j] - pca.mean[j];
    x += d * c0[j];
    y += d * c1[j];
  }
  return [x, y];
}

/** C·V over the digits on the engine (see the header); V is dim × k row-major (TensorFlow.js kernel layout). */
class CovarianceProduct {
  private readonly p: Network;
  private readonly centred: Float32Array;
  constructor(
    private readonly net: Network,
    private readonly rep: Representation,
    private readonly mean: Float64Array,
    readonly k: number,
  ) {
    const spec: ModelSpec = {
      name: 'pca-product',
      inputShape: [rep.dim],
      layers: [{ kind: 'Dense', name: 'v', units: k, activation: 'linear', useBias: false }],
    };
    this.p = new Network(net.arena, { spec, params: new Map([['v', { kernel: new Float32Array(rep.dim * k) }]]) }, net.capacity);
    this.centred = new Float32Array(net.capacity * rep.dim);
  }

  /** (Σ Xᵀ·(X·V)) / (count − 1); with `identity` the covariance itself (k = dim, V = I: Xᵀ·X without the forward). */
  apply(images: Float32Array, count: number, v: Float32Array | 'identity'): Float64Array {
    const { dim } = this.rep;
    const k = this.k;
    const acc = new Float64Array(dim * k);
    if (v !== 'identity') this.p.setParams(new Map([['v', { kernel: v }]]));
    sweep(this.net, images, count, (_s, n, view) => {
      const a = view(this.rep);
      const x = this.centred;
      for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) x[i * dim + j] = a[i * dim + j] - this.mean[j];
      this.p.setInput(x, n);
      const grad = this.p.arena.f32(this.p.logits.grad, n * k);
      if (v === 'identity') grad.set(x.subarray(0, n * dim));
      else {
        this.p.forward(n);
        grad.set(this.p.arena.f32(this.p.logits.ptr, n * k));
      }
      this.p.backward(n, { params: true });
      const g = this.p.arena.f32(this.p.params[0].dKernel, dim * k);
      for (let i = 0; i < g.length; i++) acc[i] += g[i];
    });
    for (let i = 0; i < acc.length; i++) acc[i] /= count - 1;
    return acc;
  }
}

/** Mean and total variance of a representation over the digits (float64 sums). */
function moments(net: Network, rep: Representation, images: Float32Array, count: number) {
  const sum = new Float64Array(rep.dim);
  const sq = new Float64Array(rep.dim);
  const labels: number[] = [];
  sweep(net, images, count, (_s, n, view, probs) => {
    const a = view(rep);
    const p = probs();
    for (let i = 0; i < n; i++) {
      labels.push(argmax(p, i * net.classes, net.classes));
      for (let j = 0; j < rep.dim; j++) {
        const v = a[i * rep.dim + j];
        sum[j] += v;
        sq[j] += v * v;
      }
    }
  });
  const mean = sum.map((s) => s / count);
  let total = 0;
  for (let j = 0; j < rep.dim; j++) total += (sq[j] - count * mean[j] * mean[j]) / (count - 1);
  return { mean, total, predictions: Uint8Array.from(labels) };
}

/** Orthonormalises the k columns of a dim × k row-major matrix in place (modified Gram–Schmidt, float64). */
function orthonormalise(q: Float64Array, dim: number, k: number): void {
  for (let c = 0; c < k; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += q[j * k + c] * q[j * k + p];
      for (let j = 0; j < dim; j++) q[j * k + c] -= dot * q[j * k + p];
    }
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += q[j * k + c] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < dim; j++) q[j * k + c] /= norm;
  }
}

/** Eigenpairs of a symmetric matrix, largest first. */
function symmetricEigen(m: Matrix): { values: number[]; vectors: Matrix } {
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const vectors = new Matrix(m.rows, order.length);
  order.forEach(([, i], c) => vectors.setColumn(c, evd.eigenvectorMatrix.getColumn(i)));
  return { values: order.map(([v]) => v), vectors };
}

/** The top `keep` eigenpairs of the covariance, as columns of a dim × keep matrix. */
function topEigen(op: CovarianceProduct, images: Float32Array, count: number, dim: number, keep: number, exact: boolean) {
  if (exact) {
    const cov = new Matrix(dim, dim);
    const c = op.apply(images, count, 'identity');
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) cov.set(i, j, (c[i * dim + j] + c[j * dim + i]) / 2);
    const { values, vectors } = symmetricEigen(cov);
    return { values: values.slice(0, keep), vectors: vectors.subMatrix(0, dim - 1, 0, keep - 1) };
  }
  const k = op.k;
  const rand = mulberry32(7);
  let q: Float64Array = new Float64Array(dim * k).map(() => rand() * 2 - 1);
  orthonormalise(q, dim, k);
  for (let it = 0; it < ITERATIONS; it++) {
    q = op.apply(images, count, Float32Array.from(q));
    orthonormalise(q, dim, k);
  }
  // Rayleigh–Ritz: T = Qᵀ C Q (k × k), its eigenvectors rotate Q onto the eigenvectors of C.
  const cq = op.apply(images, count, Float32Array.from(q));
  const t = new Matrix(k, k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += q[j * k + a] * cq[j * k + b];
      t.set(a, b, s);
    }
  }
  const sym = t.add(t.transpose()).div(2);
  const { values, vectors: w } = symmetricEigen(sym);
  const vectors = new Matrix(dim, keep);
  for (let j = 0; j < dim; j++) {
    for (let c = 0; c < keep; c++) {
      let s = 0;
      for (let a = 0; a < k; a++) s += q[j * k + a] * w.get(a, c);
      vectors.set(j, c, s);
    }
  }
  return { values: values.slice(0, keep), vectors };
}

export interface PcaOptions {
  /** Digits the PCA is computed over (the first `count` of the set). */
  count?: number;
  /** Force the method (tests compare the two). */
  method?: 'exact' | 'subspace';
}

/** PCA of one layer (by name, as in representations()) over the first `count` images. */
export function layerPca(net: Network, images: Float32Array, layer: string, opts: PcaOptions = {}): LayerPca & { predictions: Uint8Array } {
  const rep = findRepresentation(net, layer);
  const count = Math.min(opts.count ?? images.length / net.input.size, images.length / net.input.size);
  if (count < 3) throw new Error(`pca: needs at least 3 digits, got ${count}`);
  const { mean, total, predictions } = moments(net, rep, images, count);
  const method = opts.method ?? (rep.dim <= EXACT_MAX ? 'exact' : 'subspace');
  const keep = Math.min(K_KEEP, rep.dim);
  const k = method === 'exact' ? rep.dim : Math.min(rep.dim, K_KEEP + OVERSAMPLE);
  const op = new CovarianceProduct(net, rep, mean, k);
  const { values, vectors } = topEigen(op, images, count, rep.dim, keep, method === 'exact');
  const axis = (c: number) => {
    const v = Float32Array.from(vectors.getColumn(c));
    // Eigenvectors are defined up to sign: fix it (positive sum) so maps are stable across runs.
    if (v.reduce((s, x) => s + x, 0) < 0) v.forEach((x, j) => (v[j] = -x));
    return v;
  };
  const components: [Float32Array, Float32Array] = [axis(0), rep.dim > 1 ? axis(1) : new Float32Array(rep.dim)];
  const mean32 = Float32Array.from(mean);
  const points = new Float32Array(count * 2);
  sweep(net, images, count, (start, n, view) => {
    const a = view(rep);
    for (let i = 0; i < n; i++) points.set(project({ mean: mean32, components }, a.subarray(i * rep.dim, (i + 1) * rep.dim)), (start + i) * 2);
  });
  const eigenvalues = values.map((v) => Math.max(0, v));
  return {
    layer: rep.name,
    shape: rep.shape,
    dim: rep.dim,
    count,
    mean: mean32,
    components,
    eigenvalues,
    totalVariance: total,
    explained: eigenvalues.map((v) => v / total),
    points,
    method,
    predictions,
  };
}
