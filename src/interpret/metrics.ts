/** A model over the test digits: accuracy, per class, confusion, its mistakes; and two models compared. */
import type { Network } from '../model/network.ts';
import { argmax } from '../util/array.ts';
import { DATA_VERSION, type CompareFile, type Mistake, type TestMetricsFile } from './explorer-data.ts';
import { sweep } from './layers.ts';

/** "Confidently wrong": a mistake made with at least this probability. */
export const CONFIDENT = 0.9;

export interface Predictions {
  model: string;
  labels: Uint8Array;
  pred: Uint8Array;
  /** Probability of the predicted class. */
  confidence: Float32Array;
}

export function predictAll(net: Network, images: Float32Array, labels: Uint8Array): Predictions {
  const count = labels.length;
  const pred = new Uint8Array(count);
  const confidence = new Float32Array(count);
  const k = net.classes;
  sweep(net, images, count, (start, n, _view, probs) => {
    const p = probs();
    for (let i = 0; i < n; i++) {
      const c = argmax(p, i * k, k);
      pred[start + i] = c;
      confidence[start + i] = p[i * k + c];
    }
  });
  return { model: net.spec.name, labels, pred, confidence };
}

export function confusionOf(p: Predictions, classes = 10): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  p.labels.forEach((l, i) => m[l][p.pred[i]]++);
  return m;
}

const round = (v: number, digits = 6) => Math.round(v * 10 ** digits) / 10 ** digits;

export function testMetrics(p: Predictions, atlas: number[] = []): TestMetricsFile {
  const confusion = confusionOf(p);
  const count = p.labels.length;
  const correct = confusion.reduce((s, row, i) => s + row[i], 0);
  const misclassified: Mistake[] = [];
  p.labels.forEach((label, index) => {
    if (p.pred[index] !== label) misclassified.push({ index, label, pred: p.pred[index], confidence: round(p.confidence[index], 4) });
  });
  misclassified.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  return {
    version: DATA_VERSION,
    model: p.model,
    count,
    accuracy: correct / count,
    perClass: confusion.map((row, i) => round(row[i] / Math.max(1, row.reduce((a, b) => a + b, 0)))),
    confusion,
    misclassified,
    confidentThreshold: CONFIDENT,
    confidentlyWrong: misclassified.filter((m) => m.confidence >= CONFIDENT).length,
    atlas,
  };
}

/** Two (or more) models on the same digits: accuracies, confusions and where they disagree. */
export function compareModels(byId: Record<string, Predictions>): CompareFile {
  const ids = Object.keys(byId);
  const [a, b] = ids.map((id) => byId[id]);
  if (ids.length !== 2) throw new Error(`compare: needs two models, got ${ids.length}`);
  if (a.labels.length !== b.labels.length) throw new Error('compare: the models saw different digit sets');
  const metrics = Object.fromEntries(ids.map((id) => [id, testMetrics(byId[id])]));
  const disagreements: CompareFile['disagreements'] = [];
  let bothWrong = 0;
  for (let i = 0; i < a.labels.length; i++) {
    if (a.pred[i] !== a.labels[i] && b.pred[i] !== b.labels[i]) bothWrong++;
    if (a.pred[i] === b.pred[i]) continue;
    disagreements.push({
      index: i,
      label: a.labels[i],
      preds: { [ids[0]]: a.pred[i], [ids[1]]: b.pred[i] },
      confidence: { [ids[0]]: round(a.confidence[i], 4), [ids[1]]: round(b.confidence[i], 4) },
    });
  }
  return {
    version: DATA_VERSION,
    models: ids,
    count: a.labels.length,
    accuracy: Object.fromEntries(ids.map((id) => [id, metrics[id].accuracy])),
    perClass: Object.fromEntries(ids.map((id) => [id, metrics[id].perClass])),
    confusion: Object.fromEntries(ids.map((id) => [id, metrics[id].confusion])),
    disagreements,
    bothWrong,
  };
}
