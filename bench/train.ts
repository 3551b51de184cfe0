// Training speed, seconds per epoch of 60k images, side by side with TensorFlow.js: wasm backend for the MLP,
// cpu backend for the CNN (tfjs wasm cannot train convolutions: it has no Conv2DBackpropFilter). Each engine runs
// the same architecture, batch 64, Adam, on real MNIST batches; slow engines run a few batches and are extrapolated.
import { loadMnist } from '../src/data/mnist-node.ts';
import { loadEngineNode } from '../src/wasm/node.ts';
import { Arena } from '../src/wasm/wasm.ts';
import { Network } from '../src/model/network.ts';
import type { ModelSpec } from '../src/model/spec.ts';
import { cnnSpec, initModel, mlpSpec } from '../src/train/architectures.ts';
import { Optimizer } from '../src/train/optimizer.ts';
import { tfBackend } from '../src/engines/tfjs-node.ts';
import { CLASSES, INPUT_SHAPE, INPUT_SIZE } from '../src/model/shipped.ts';

const BATCH = 64;
const EPOCH = 60000;
const BATCHES_PER_EPOCH = Math.floor(EPOCH / BATCH);

interface Result {
  model: string;
  impl: string;
  secondsPerEpoch: number;
  batches: number;
}

async function ours(spec: ModelSpec, images: Float32Array, labels: Uint8Array, batches: number): Promise<number> {
  const net = new Network(new Arena(await loadEngineNode()), initModel(spec, 1), BATCH);
  const opt = new Optimizer(net, 'adam');
  const step = (b: number) => {
    const o = (b % 900) * BATCH;
    net.setInput(images.subarray(o * INPUT_SIZE, (o + BATCH) * INPUT_SIZE), BATCH);
    net.forward(BATCH);
    net.loss(labels.subarray(o, o + BATCH), BATCH);
    net.backward(BATCH);
    opt.apply(1e-3);
  };
  for (let b = 0; b < 5; b++) step(b); // warm-up
  const t0 = performance.now();
  for (let b = 0; b < batches; b++) step(b);
  return (performance.now() - t0) / 1000 / batches;
}

async function tfjs(backend: 'wasm' | 'cpu', spec: ModelSpec, images: Float32Array, labels: Uint8Array, batches: number) {
  const tf = await tfBackend(backend);
  const layers = spec.layers.map((l, i) => {
    const first = i === 0 ? { inputShape: spec.inputShape } : {};
    switch (l.kind) {
      case 'Dense':
        return tf.layers.dense({ units: l.units, activation: l.activation, ...first });
      case 'Conv2D':
        return tf.layers.conv2d({ filters: l.filters, kernelSize: l.kernelSize, padding: l.padding, activation: l.activation, ...first });
      case 'MaxPooling2D':
        return tf.layers.maxPooling2d({ poolSize: 2, strides: 2, ...first });
      case 'Flatten':
        return tf.layers.flatten(first);
      case 'Activation':
        return tf.layers.activation({ activation: l.activation, ...first });
      default:
        throw new Error(`bench: layer kind ${l.kind} is not in the benchmarked architectures`);
    }
  });
  const model = tf.sequential({ layers });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const xs = Array.from({ length: 4 }, (_, b) => tf.tensor4d(images.subarray(b * BATCH * INPUT_SIZE, (b + 1) * BATCH * INPUT_SIZE), [BATCH, ...INPUT_SHAPE]));
  const ys = Array.from({ length: 4 }, (_, b) => tf.oneHot(tf.tensor1d(labels.subarray(b * BATCH, (b + 1) * BATCH), 'int32'), CLASSES));
  await model.trainOnBatch(xs[0], ys[0]); // warm-up
  const t0 = performance.now();
  for (let b = 0; b < batches; b++) await model.trainOnBatch(xs[b % 4], ys[b % 4]);
  const s = (performance.now() - t0) / 1000 / batches;
  model.dispose();
  tf.dispose([...xs, ...ys]);
  return s;
}

export async function benchTrain(): Promise<void> {
  const { images, labels } = loadMnist('train');
  const reference = cnnSpec([8, 16], 128);
  const results: Result[] = [];
  const run = async (model: string, impl: string, batches: number, f: () => Promise<number>) => {
    const perBatch = await f();
    results.push({ model, impl, secondsPerEpoch: perBatch * BATCHES_PER_EPOCH, batches });
  };
  await run('MLP 784-128-64-10 (tanh)', 'simd (ours)', BATCHES_PER_EPOCH, () => ours(mlpSpec(), images, labels, BATCHES_PER_EPOCH));
  await run('MLP 784-128-64-10 (tanh)', 'tfjs-wasm', 150, () => tfjs('wasm', mlpSpec(), images, labels, 150));
  await run('CNN 8/16 ch (reference)', 'simd (ours)', 300, () => ours(reference, images, labels, 300));
  await run('CNN 8/16 ch (reference)', 'tfjs-cpu', 3, () => tfjs('cpu', reference, images, labels, 3));
  await run('CNN 16/32 ch (shipped)', 'simd (ours)', 200, () => ours(cnnSpec(), images, labels, 200));
  console.log('\n## Training: seconds per epoch of 60k images (batch 64, Adam, one thread)\n');
  console.log('| model | impl | s / epoch | batches timed | vs ours |');
  console.log('|---|---|---:|---:|---:|');
  for (const r of results) {
    const base = results.find((x) => x.model === r.model)!;
    const ratio = r === base ? '1×' : `${(r.secondsPerEpoch / base.secondsPerEpoch).toFixed(1)}× slower`;
    console.log(`| ${r.model} | ${r.impl} | ${r.secondsPerEpoch.toFixed(2)} | ${r.batches} | ${ratio} |`);
  }
}
