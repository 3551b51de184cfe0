// PCA of any layer: components orthonormal, eigenvalues those of the covariance computed directly (float64, in JS),
// the subspace method agreeing with the exact one, and a test digit's live projection equal to its shipped point.
import { describe, expect, it } from 'vitest';
import { layerPca, project } from '../../src/interpret/pca.ts';
import { FILES, readPcaLayer, readPcaLabels, type PcaLayersHeader } from '../../src/interpret/explorer-data.ts';
import { findRepresentation } from '../../src/interpret/layers.ts';
import { activations, mnistTest, shippedBin, shippedJson, shippedNet } from './shipped-net.ts';

/** Covariance (float64) of count × dim rows. */
function covariance(x: Float32Array, count: number, dim: number): Float64Array {
  const mean = new Float64Array(dim);
  for (let i = 0; i < count * dim; i++) mean[i % dim] += x[i] / count;
  const c = new Float64Array(dim * dim);
  const d = new Float64Array(dim);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < dim; j++) d[j] = x[i * dim + j] - mean[j];
    for (let p = 0; p < dim; p++) for (let q = 0; q < dim; q++) c[p * dim + q] += (d[p] * d[q]) / (count - 1);
  }
  return c;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);
const mulVec = (c: Float64Array, v: ArrayLike<number>, dim: number) =>
  Float64Array.from({ length: dim }, (_, p) => { let s = 0; for (let q = 0; q < dim; q++) s += c[p * dim + q] * v[q]; return s; });

function checkAxes(p: ReturnType<typeof layerPca>, cov: Float64Array, tol: number) {
  const [a, b] = p.components;
  expect(dot(a, a)).toBeCloseTo(1, 5);
  expect(dot(b, b)).toBeCloseTo(1, 5);
  expect(Math.abs(dot(a, b))).toBeLessThan(1e-5);
  p.components.forEach((v, k) => {
    const cv = mulVec(cov, v, p.dim);
    const lambda = dot(v, cv); // Rayleigh quotient
    expect(Math.abs(lambda - p.eigenvalues[k]) / p.eigenvalues[k]).toBeLessThan(tol);
    // An eigenvector: C·v = λ·v up to a small residual.
    const residual = Math.sqrt(cv.reduce((s, x, j) => s + (x - lambda * v[j]) ** 2, 0));
    expect(residual / lambda).toBeLessThan(tol * 10);
  });
  let trace = 0;
  for (let j = 0; j < p.dim; j++) trace += cov[j * p.dim + j];
  expect(p.totalVariance).toBeCloseTo(trace, 3);
  p.explained.forEach((e, k) => expect(e).toBeCloseTo(p.eigenvalues[k] / trace, 6));
}

describe('layerPca', () => {
  it('MLP hidden1, 2000 digits (exact): orthonormal axes, eigenvalues of the covariance, sum of all = total variance', async () => {
    const net = await shippedNet('mlp');
    const { images } = mnistTest();
    const count = 2000;
    const p = layerPca(net, images, 'hidden1', { count });
    expect(p.method).toBe('exact');
    const cov = covariance(activations(net, 'hidden1', images, count), count, 128);
    checkAxes(p, cov, 1e-4);
    // Power iteration on the directly computed covariance finds the same largest eigenvalue.
    let v = new Float64Array(128).fill(1);
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      const w = mulVec(cov, v, 128);
      lambda = Math.sqrt(dot(w, w));
      v = w.map((x) => x / lambda);
    }
    expect(p.eigenvalues[0]).toBeCloseTo(lambda, 4);
    expect([...p.eigenvalues].sort((a, b) => b - a)).toEqual(p.eigenvalues);
  });

  it('the subspace method (used for conv maps) gives the exact method\'s eigenvalues and axes', async () => {
    const net = await shippedNet('mlp');
    const { images } = mnistTest();
    const exact = layerPca(net, images, 'hidden1', { count: 2000, method: 'exact' });
    const sub = layerPca(net, images, 'hidden1', { count: 2000, method: 'subspace' });
    for (let k = 0; k < 10; k++) expect(Math.abs(sub.eigenvalues[k] - exact.eigenvalues[k]) / exact.eigenvalues[k]).toBeLessThan(0.01);
    for (let k = 0; k < 2; k++) expect(Math.abs(dot(sub.components[k], exact.components[k]))).toBeGreaterThan(0.999);
  });

  it('CNN pool2 (1568 values, subspace): orthonormal axes that are eigenvectors of the directly computed covariance', async () => {
    const net = await shippedNet('cnn');
    const { images } = mnistTest();
    const count = 1000;
    const p = layerPca(net, images, 'pool2', { count });
    expect(p.method).toBe('subspace');
    const cov = covariance(activations(net, 'pool2', images, count), count, 1568);
    checkAxes(p, cov, 2e-3);
  }, 120_000);
});

describe('shipped pca-layers', () => {
  for (const [id, layers] of [['mlp', ['input', 'hidden1', 'hidden2', 'output']], ['cnn', ['input', 'conv1', 'pool1', 'conv2', 'pool2', 'hidden', 'output']]] as const) {
    it(`${id}: every layer; a test digit's live projection is its shipped point (within the 16-bit quantisation)`, async () => {
      const header = await shippedJson<PcaLayersHeader>(id, FILES.pcaHeader);
      const bin = await shippedBin(id, FILES.pcaData);
      const { labels } = readPcaLabels(header, bin);
      const test = mnistTest();
      expect(header.count).toBe(10_000);
      expect(Array.from(labels)).toEqual(Array.from(test.labels));
      expect(header.layers.map((l) => l.layer)).toEqual(layers);
      const net = await shippedNet(id, 1);
      for (const layer of layers) {
        const pca = readPcaLayer(header, bin, layer);
        expect(pca.header.explained.length).toBe(Math.min(20, pca.header.dim));
        const rep = findRepresentation(net, layer);
        for (const i of [0, 1234, 9999]) {
          net.setInput(test.images.subarray(i * 784, i * 784 + 784), 1);
          net.forward(1);
          const [x, y] = project(pca, net.arena.f32(rep.ptr, rep.dim));
          const { x: rx, y: ry } = pca.header.range;
          expect(Math.abs(x - pca.points[2 * i])).toBeLessThan((rx[1] - rx[0]) / 65535 + 1e-4 * Math.abs(x) + 1e-5);
          expect(Math.abs(y - pca.points[2 * i + 1])).toBeLessThan((ry[1] - ry[0]) / 65535 + 1e-4 * Math.abs(y) + 1e-5);
        }
      }
    }, 60_000);
  }
});
