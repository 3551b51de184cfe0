/** Accuracy, per-class accuracy and the confusion matrix of a Network on a labelled set. */
import type { InferenceEngine } from '../engines/types.ts';
import type { Network } from '../model/network.ts';
import { argmax } from '../util/array.ts';
import { CLASSES, INPUT_SIZE } from '../model/shipped.ts';

export interface Metrics {
  count: number;
  accuracy: number;
  loss: number;
  perClass: number[];
  /** confusion[true][predicted] */
  confusion: number[][];
}

export function evaluate(net: Network, images: Float32Array, labels: Uint8Array, count = labels.length): Metrics {
  const classes = net.classes;
  const inSize = net.input.size;
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let lossSum = 0;
  for (let start = 0; start < count; start += net.capacity) {
    const n = Math.min(net.capacity, count - start);
    net.setInput(images.subarray(start * inSize, (start + n) * inSize), n);
    net.forward(n);
    lossSum += net.loss(labels.subarray(start, start + n), n) * n;
    const probs = net.arena.f32(net.probs.ptr, n * classes);
    for (let i = 0; i < n; i++) confusion[labels[start + i]][argmax(probs, i * classes, classes)]++;
  }
  return metricsOf(confusion, lossSum / count);
}

/** The same metrics from logits computed elsewhere (InferencePool): the loss as log-sum-exp − the label's logit. */
export function evaluateLogits(logits: Float32Array, labels: Uint8Array, classes: number): Metrics {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let lossSum = 0;
  for (let i = 0; i < labels.length; i++) {
    const z = logits.subarray(i * classes, (i + 1) * classes);
    const top = argmax(z);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(z[k] - z[top]);
    lossSum += Math.log(sum) + z[top] - z[labels[i]];
    confusion[labels[i]][top]++;
  }
  return metricsOf(confusion, lossSum / labels.length);
}

/** The same metrics through any engine, one image at a time (the TensorFlow.js engines). */
export async function evaluateEngine(engine: InferenceEngine, id: string, images: Float32Array, labels: Uint8Array): Promise<Metrics> {
  const confusion = Array.from({ length: CLASSES }, () => new Array<number>(CLASSES).fill(0));
  let lossSum = 0;
  for (let i = 0; i < labels.length; i++) {
    const { probs } = await engine.predict(id, images.subarray(i * INPUT_SIZE, (i + 1) * INPUT_SIZE));
    lossSum -= Math.log(Math.max(probs[labels[i]], 1e-30));
    confusion[labels[i]][argmax(probs)]++;
  }
  return metricsOf(confusion, lossSum / labels.length);
}

function metricsOf(confusion: number[][], loss: number): Metrics {
  const count = confusion.flat().reduce((a, b) => a + b, 0);
  const correct = confusion.reduce((s, row, i) => s + row[i], 0);
  return {
    count,
    accuracy: correct / count,
    loss,
    perClass: confusion.map((row, i) => row[i] / Math.max(1, row.reduce((a, b) => a + b, 0))),
    confusion,
  };
}
