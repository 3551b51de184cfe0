// Typicality: the Mahalanobis score against a direct computation (covariance in float64, solved rather than
// inverted), AUROC against a hand-checked case, and the shipped fit separating MNIST test digits from printed letters
// and shapes (measured 0.88 for both models; the bound leaves room for a retrained model).
import { describe, expect, it } from 'vitest';
import { lusolve } from './solve.ts';
import { auroc, fitTypicality, mahalanobis, quantile, scoreAll, typicality } from '../../src/interpret/typicality.ts';
import { FILES, readTypicality, type TypicalityHeader } from '../../src/interpret/explorer-data.ts';
import { nonDigitInputs } from '../../src/cli/explore-typicality.ts';
import { loadMnist } from '../../src/data/mnist-node.ts';
import { activations, mnistTest, shippedBin, shippedJson, shippedNet } from './shipped-net.ts';

export const AUROC_BOUND = 0.85;

describe('auroc', () => {
  it('by hand: perfect, reversed, ties count half', () => {
    expect(auroc([1, 2, 3], [4, 5])).toBe(1);
    expect(auroc([4, 5], [1, 2, 3])).toBe(0);
    expect(auroc([1, 2], [2, 3])).toBe((1 + 1 + 0.5 + 1) / 4);
    expect(quantile([0, 10], 0.99)).toBeCloseTo(9.9);
  });
});

describe('typicality', () => {
  it('MLP, fitted on 3000 training digits: the score equals a direct Mahalanobis computation', async () => {
    const net = await shippedNet('mlp');
    const train = loadMnist('train');
    const n = 3000;
    const fit = fitTypicality(net, train.images, train.labels, n);
    expect(fit.layer).toBe('hidden2');
    const x = activations(net, 'hidden2', train.images, n);
    const d = 64;
    const mu = Array.from({ length: 10 }, () => new Float64Array(d));
    const cnt = new Float64Array(10);
    for (let i = 0; i < n; i++) { cnt[train.labels[i]]++; for (let j = 0; j < d; j++) mu[train.labels[i]][j] += x[i * d + j]; }
    mu.forEach((m, c) => m.forEach((v, j) => (m[j] = v / cnt[c])));
    const cov = Array.from({ length: d }, () => new Float64Array(d));
    for (let i = 0; i < n; i++) {
      const m = mu[train.labels[i]];
      for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) cov[p][q] += ((x[i * d + p] - m[p]) * (x[i * d + q] - m[q])) / n;
    }
    for (let p = 0; p < d; p++) cov[p][p] += fit.ridge;
    const test = mnistTest();
    const t = { means: fit.means, precision: fit.precision, header: { dim: d, classes: 10 } };
    const a = activations(net, 'hidden2', test.images, 20);
    for (let i = 0; i < 20; i++) {
      const v = a.subarray(i * d, (i + 1) * d);
      const direct = mu.map((m) => {
        const diff = Array.from(v, (y, j) => y - m[j]);
        const sol = lusolve(cov, diff);
        return diff.reduce((s, y, j) => s + y * sol[j], 0);
      });
      const best = Math.min(...direct);
      const s = mahalanobis(t, v);
      expect(s.distance).toBeCloseTo(Math.sqrt(best), 2);
      expect(s.closest).toBe(direct.indexOf(best));
    }
  }, 60_000);

  for (const id of ['mlp', 'cnn'] as const) {
    it(`shipped ${id} fit: typicality() of a test digit = its score; AUROC test digits vs non-digits > ${AUROC_BOUND}`, async () => {
      const header = await shippedJson<TypicalityHeader>(id, FILES.typicalityHeader);
      const t = readTypicality(header, await shippedBin(id, FILES.typicalityData));
      const net = await shippedNet(id);
      const test = mnistTest();
      const digits = scoreAll(net, t, test.images, test.count);
      const nd = nonDigitInputs();
      const others = scoreAll(net, t, nd.pixels, nd.kinds.length);
      const a = auroc(digits, others);
      expect(a).toBeGreaterThan(AUROC_BOUND);
      expect(a).toBeCloseTo(header.evaluation.auroc, 3);
      // The threshold came from held-out training digits: about 1 % of test digits lie beyond it, many non-digits do.
      const flagged = Array.from(digits).filter((s) => s > header.threshold).length / test.count;
      expect(flagged).toBeLessThan(0.03);
      expect(Array.from(others).filter((s) => s > header.threshold).length / others.length).toBeGreaterThan(0.2);
      const one = typicality(net, t, test.images.subarray(784 * 7, 784 * 8));
      expect(one.distance).toBeCloseTo(digits[7], 4);
      expect(one.typical).toBe(digits[7] <= header.threshold);
    }, 120_000);
  }
});
