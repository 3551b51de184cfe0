// Test-set metrics and the comparison of both shipped models, against direct counts and train/evaluate.ts.
import { describe, expect, it } from 'vitest';
import { compareModels, predictAll, testMetrics, type Predictions } from '../../src/interpret/metrics.ts';
import { evaluate } from '../../src/train/evaluate.ts';
import { FILES, type TestMetricsFile } from '../../src/interpret/explorer-data.ts';
import { PNG } from 'pngjs';
import { ATLAS_COLUMNS } from '../../src/interpret/explorer-data.ts';
import { mnistTest, shippedBin, shippedJson, shippedNet } from './shipped-net.ts';

const preds: Record<string, Predictions> = {};

describe('testMetrics', () => {
  for (const id of ['mlp', 'cnn'] as const) {
    it(`${id}: confusion sums to 10 000, its diagonal is the accuracy of train/evaluate and of the shipped metrics.json`, async () => {
      const net = await shippedNet(id);
      const test = mnistTest();
      const p = (preds[id] = predictAll(net, test.images, test.labels));
      const m = testMetrics(p);
      expect(m.confusion.flat().reduce((a, b) => a + b, 0)).toBe(10_000);
      const diag = m.confusion.reduce((s, row, i) => s + row[i], 0);
      expect(m.accuracy).toBe(diag / 10_000);
      const direct = evaluate(net, test.images, test.labels);
      expect(m.accuracy).toBe(direct.accuracy);
      expect(m.confusion).toEqual(direct.confusion);
      expect((await shippedJson<{ accuracy: number }>(id, 'metrics.json')).accuracy).toBeCloseTo(m.accuracy, 4);
      // Every mistake is listed once, with its true label and the prediction, most confident first.
      expect(m.misclassified.length).toBe(10_000 - diag);
      for (const e of m.misclassified) {
        expect(test.labels[e.index]).toBe(e.label);
        expect(e.pred).not.toBe(e.label);
        expect(m.confusion[e.label][e.pred]).toBeGreaterThan(0);
      }
      expect(m.misclassified.map((e) => e.confidence)).toEqual([...m.misclassified.map((e) => e.confidence)].sort((a, b) => b - a));
      expect(m.confidentlyWrong).toBe(m.misclassified.filter((e) => e.confidence >= 0.9).length);
      m.perClass.forEach((a, d) => expect(a).toBeCloseTo(m.confusion[d][d] / m.confusion[d].reduce((x, y) => x + y, 0), 5));
      // The shipped file says the same, and its digit atlas holds every mistake.
      const shipped = await shippedJson<TestMetricsFile>(id, FILES.testMetrics);
      expect(shipped.confusion).toEqual(m.confusion);
      expect(shipped.misclassified.map((e) => e.index).sort()).toEqual(m.misclassified.map((e) => e.index).sort());
      for (const e of shipped.misclassified) expect(shipped.atlas).toContain(e.index);
      // digits.png: atlas entry k is test digit atlas[k] (gray, 8 bits, ATLAS_COLUMNS a row).
      const png = PNG.sync.read(Buffer.from(await shippedBin(id, FILES.digitsAtlas)));
      expect(png.width).toBe(28 * ATLAS_COLUMNS);
      for (const k of [0, shipped.atlas.indexOf(shipped.misclassified[0].index), shipped.atlas.length - 1]) {
        const idx = shipped.atlas[k];
        const x0 = (k % ATLAS_COLUMNS) * 28, y0 = Math.floor(k / ATLAS_COLUMNS) * 28;
        for (let p = 0; p < 784; p += 13) {
          const v = png.data[((y0 + Math.floor(p / 28)) * png.width + x0 + (p % 28)) * 4];
          expect(v).toBe(Math.round(test.images[idx * 784 + p] * 255));
        }
      }
    }, 60_000);
  }

  it('compareModels: every disagreement has at least one model wrong; counts match a direct count; as shipped', async () => {
    const c = compareModels(preds);
    for (const id of ['mlp', 'cnn'] as const) expect(await shippedJson(id, FILES.compare)).toEqual(c);
    const test = mnistTest();
    let disagree = 0, both = 0;
    for (let i = 0; i < 10_000; i++) {
      if (preds.mlp.pred[i] !== preds.cnn.pred[i]) disagree++;
      if (preds.mlp.pred[i] !== test.labels[i] && preds.cnn.pred[i] !== test.labels[i]) both++;
    }
    expect(c.disagreements.length).toBe(disagree);
    expect(c.bothWrong).toBe(both);
    expect(disagree).toBeGreaterThan(0);
    for (const d of c.disagreements) {
      expect(d.preds.mlp).not.toBe(d.preds.cnn);
      expect(d.preds.mlp === d.label && d.preds.cnn === d.label).toBe(false);
    }
    expect(c.accuracy.mlp).toBe(testMetrics(preds.mlp).accuracy);
  });
});
