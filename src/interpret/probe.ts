/**
 * Linear probes (Alain & Bengio 2016): at every layer, a multinomial logistic regression on the layer's flattened
 * output, trained on training digits and scored on the test digits. How early do the digits become linearly
 * separable?
 *
 * Each probe is a Dense softmax layer on our engine (a Network of one layer, trained with Adam and the engine's
 * cross-entropy), fed features standardised with the training subset's mean and deviation. All layers' probes train
 * together: one forward pass of the model per batch feeds every probe. A closed-form ridge classifier would need a
 * dim × dim solve, 12 544² for the CNN's first conv layer; the softmax probe streams and never holds the features.
 */
import { Network } from '../model/network.ts';
import type { ModelSpec } from '../model/spec.ts';
import { Optimizer } from '../train/optimizer.ts';
import { mulberry32 } from '../util/random.ts';
import { DATA_VERSION, type ProbeFile } from './explorer-data.ts';
import { representations, sweep, type Representation } from './layers.ts';

export interface ProbeOptions {
  /** Training digits used (the first ones: the trainer's held-out validation digits are the last 5 000). */
  trainCount?: number;
  epochs?: number;
  lr?: number;
  seed?: number;
  layers?: string[];
  onEpoch?(epoch: number): void;
}

export const PROBE_DEFAULTS = { trainCount: 20_000, epochs: 4, lr: 0.1, seed: 1 };

/**
 * Adam moves every weight by about the learning rate per step, whatever the gradient's scale: a probe on 10 logits
 * needs weights of several units, one on 12 544 conv outputs many small ones. So the rate is lr / √dim (capped).
 */
export const probeRate = (lr: number, dim: number) => Math.min(0.03, lr / Math.sqrt(dim));

interface Probe {
  rep: Representation;
  net: Network;
  opt: Optimizer;
  mean: Float32Array;
  inv: Float32Array;
  x: Float32Array;
  correct: number;
}

interface Digits {
  images: Float32Array;
  labels: Uint8Array;
}

function standardiser(net: Network, reps: Representation[], data: Digits, count: number) {
  const sums = reps.map((r) => ({ s: new Float64Array(r.dim), q: new Float64Array(r.dim) }));
  sweep(net, data.images, count, (_start, n, view) => {
    reps.forEach((r, k) => {
      const a = view(r);
      const { s, q } = sums[k];
      for (let i = 0; i < n * r.dim; i++) {
        const j = i % r.dim;
        s[j] += a[i];
        q[j] += a[i] * a[i];
      }
    });
  });
  return sums.map(({ s, q }) => {
    const mean = Float32Array.from(s, (v) => v / count);
    // Constant features (a relu that never fires, a border pixel) get unit scale, not a division by zero.
    const inv = Float32Array.from(q, (v, j) => {
      const sd = Math.sqrt(Math.max(0, v / count - mean[j] ** 2));
      return sd > 1e-6 ? 1 / sd : 1;
    });
    return { mean, inv };
  });
}

/** Copies sample rows of a representation, standardised, into the probe's scratch and its input. */
function feed(p: Probe, a: Float32Array, n: number): void {
  const d = p.rep.dim;
  for (let i = 0; i < n * d; i++) {
    const j = i % d;
    p.x[i] = (a[i] - p.mean[j]) * p.inv[j];
  }
  p.net.setInput(p.x, n);
}

export function linearProbes(net: Network, train: Digits, test: Digits, opts: ProbeOptions = {}): ProbeFile {
  const o = { ...PROBE_DEFAULTS, ...opts };
  const trainCount = Math.min(o.trainCount, train.labels.length);
  const reps = representations(net).filter((r) => !o.layers || o.layers.includes(r.name));
  if (!reps.length) throw new Error(`probe: no layer of ${net.spec.name} is called ${o.layers?.join(', ')}`);
  const stats = standardiser(net, reps, train, trainCount);
  const probes: Probe[] = reps.map((rep, k) => {
    const spec: ModelSpec = {
      name: `probe-${rep.name}`,
      inputShape: [rep.dim],
      layers: [{ kind: 'Dense', name: 'probe', units: net.classes, activation: 'softmax', useBias: true }],
    };
    const params = new Map([['probe', { kernel: new Float32Array(rep.dim * net.classes), bias: new Float32Array(net.classes) }]]);
    const pnet = new Network(net.arena, { spec, params }, net.capacity);
    return { rep, net: pnet, opt: new Optimizer(pnet, 'adam'), ...stats[k], x: new Float32Array(net.capacity * rep.dim), correct: 0 };
  });

  const rand = mulberry32(o.seed);
  const order = Uint32Array.from({ length: trainCount }, (_, i) => i);
  const batch = new Float32Array(net.capacity * 784);
  const labels = new Uint8Array(net.capacity);
  const steps = o.epochs * Math.ceil(trainCount / net.capacity);
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const p of probes) p.correct = 0;
    for (let start = 0; start < trainCount; start += net.capacity) {
      const n = Math.min(net.capacity, trainCount - start);
      for (let i = 0; i < n; i++) {
        const idx = order[start + i];
        batch.set(train.images.subarray(idx * 784, idx * 784 + 784), i * 784);
        labels[i] = train.labels[idx];
      }
      net.setInput(batch, n);
      net.forward(n);
      // Cosine decay of the learning rate over all steps.
      const decay = (1 + Math.cos((Math.PI * step++) / steps)) / 2;
      for (const p of probes) {
        feed(p, net.arena.f32(p.rep.ptr, n * p.rep.dim), n);
        p.net.forward(n);
        p.net.loss(labels, n);
        p.correct += p.net.correct(labels, n);
        p.net.backward(n, { params: true });
        p.opt.apply(probeRate(o.lr, p.rep.dim) * decay);
      }
    }
    o.onEpoch?.(epoch + 1);
  }
  const trainAccuracy = probes.map((p) => p.correct / trainCount);
  for (const p of probes) p.correct = 0;
  sweep(net, test.images, test.labels.length, (start, n, view) => {
    for (const p of probes) {
      feed(p, view(p.rep), n);
      p.net.forward(n);
      p.correct += p.net.correct(test.labels.subarray(start, start + n), n);
    }
  });
  return {
    version: DATA_VERSION,
    model: net.spec.name,
    method: `softmax regression on standardised features, Adam (lr min(0.03, ${o.lr}/√dim), cosine decay), batch ${net.capacity}, seed ${o.seed}`,
    trainCount,
    testCount: test.labels.length,
    epochs: o.epochs,
    layers: probes.map((p, k) => ({ layer: p.rep.name, dim: p.rep.dim, trainAccuracy: trainAccuracy[k], testAccuracy: p.correct / test.labels.length })),
  };
}
