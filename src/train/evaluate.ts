/** Accuracy, per-class accuracy and the confusion matrix of a Network on a labelled set. */
import type { Network } from '../model/network.ts';

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
  const correct = confusion.reduce((s, row, i) => s + row[i], 0);
  return {
    count,
    accuracy: correct / count,
    loss: lossSum / count,
    perClass: confusion.map((row, i) => row[i] / Math.max(1, row.reduce((a, b) => a + b, 0))),
    confusion,
  };
}

export function argmax(a: ArrayLike<number>, offset = 0, len = a.length - offset): number {
  let best = 0;
  for (let i = 1; i < len; i++) if (a[offset + i] > a[offset + best]) best = i;
  return best;
}
