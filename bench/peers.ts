/**
 * The shipped models on every engine, side by side and interleaved (bench/rows.ts): single-input latency with and
 * without every layer, saliency, integrated gradients, batch throughput and training throughput. Every engine gets the
 * same weights (the shipped model files; ONNX from our exporter; PyTorch rebuilt from the same files) and the same
 * inputs (real MNIST digits), and the outputs are checked against ours before anything is timed.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { loadMnist } from '../src/data/mnist-node.ts';
import { createSimdEngineNode } from '../src/engines/simd-node.ts';
import { SimdEngine } from '../src/engines/simd.ts';
import { TfjsEngine } from '../src/engines/tfjs.ts';
import { tfBackend } from '../src/engines/tfjs-node.ts';
import type { InferenceEngine } from '../src/engines/types.ts';
import { attribute, saliency } from '../src/interpret/saliency.ts';
import { loadModelFromDir } from '../src/model/format-node.ts';
import { Network } from '../src/model/network.ts';
import { serializeOnnx } from '../src/model/onnx-write.ts';
import { INPUT_SHAPE, INPUT_SIZE, MODEL_IDS, CLASSES, type ModelId } from '../src/model/shipped.ts';
import type { LoadedModel } from '../src/model/spec.ts';
import { Optimizer } from '../src/train/optimizer.ts';
import { loadEngineNode } from '../src/wasm/node.ts';
import { Arena } from '../src/wasm/wasm.ts';
import { shippedModelDir } from '../src/cli/models.ts';
import { addRow, interleave, note, timed, type Contender } from './rows.ts';
import { TorchPeer, torchMissing } from './pytorch.ts';
import { relaxedBytes } from './relaxed.ts';

const MODELS_DIR = fileURLToPath(new URL('../extension/models/', import.meta.url));
const INPUTS_FILE = fileURLToPath(new URL('../build/bench-inputs.bin', import.meta.url));
const TRAIN_BATCH = 64;

export interface Inputs {
  /** One MNIST test digit, its label the saliency target. */
  x1: Float32Array;
  target: number;
  b256: Float32Array;
  train: Float32Array;
  labels: Uint8Array;
}

export function benchInputs(): Inputs {
  const test = loadMnist('test');
  const train = loadMnist('train');
  return {
    x1: test.images.slice(0, INPUT_SIZE),
    target: test.labels[0],
    b256: test.images.slice(0, 256 * INPUT_SIZE),
    train: train.images.slice(0, TRAIN_BATCH * INPUT_SIZE),
    labels: train.labels.slice(0, TRAIN_BATCH),
  };
}

type Case = 'forward-1' | 'forward-1-acts' | 'saliency-1' | 'ig64-1' | 'occlusion-1' | 'batch256' | 'train';
const CASES: Case[] = ['forward-1', 'forward-1-acts', 'saliency-1', 'ig64-1', 'occlusion-1', 'batch256', 'train'];

/** Calls per timed unit → the row's unit: latency in µs, or images per second. */
const PER_CALL_IMAGES: Partial<Record<Case, number>> = { batch256: 256, train: TRAIN_BATCH };

/** One engine's call for a case, or the reason it has none. */
type Maker = (c: Case, id: ModelId) => (() => unknown) | string;

function engineCalls(e: InferenceEngine, inp: Inputs): Maker {
  return (c, id) => {
    switch (c) {
      case 'forward-1': return () => e.predict(id, inp.x1);
      case 'forward-1-acts': return () => e.predict(id, inp.x1, { activations: true });
      case 'saliency-1': return () => e.inputGradients(id, inp.x1, 1, inp.target);
      case 'ig64-1': return () => saliency(e, id, inp.x1, { method: 'integrated-gradients', target: inp.target, steps: 64 });
      // 4×4 patch, stride 2: the 169 occluded inputs and the input itself as one batched engine call.
      case 'occlusion-1': return () => attribute(e, id, inp.x1, { method: 'occlusion', target: { class: inp.target }, patch: 4, stride: 2 });
      case 'batch256': return () => e.runWithHooks(id, inp.b256, 256, []);
      case 'train': return 'training is not part of the InferenceEngine';
    }
  };
}

/** One Adam step of batch 64 on our engine (a Network of its own, the shipped weights as the start). */
async function simdTrainer(model: LoadedModel, inp: Inputs): Promise<() => void> {
  const net = new Network(new Arena(await loadEngineNode()), model, TRAIN_BATCH);
  const opt = new Optimizer(net, 'adam');
  return () => {
    net.setInput(inp.train, TRAIN_BATCH);
    net.forward(TRAIN_BATCH);
    net.loss(inp.labels, TRAIN_BATCH);
    net.backward(TRAIN_BATCH);
    opt.apply(1e-4);
  };
}

/** One Adam step of batch 64 in TensorFlow.js Layers on `backend`, the same architecture and weights. */
async function tfjsTrainer(backend: 'wasm' | 'cpu', model: LoadedModel, inp: Inputs): Promise<() => Promise<unknown>> {
  const tf = await tfBackend(backend);
  const { serializeModel } = await import('../src/model/format.ts');
  const { modelJson, weightData } = serializeModel(model);
  const m = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData,
  }));
  m.compile({ optimizer: tf.train.adam(1e-4), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor4d(inp.train, [TRAIN_BATCH, ...INPUT_SHAPE]);
  const ys = tf.oneHot(tf.tensor1d(inp.labels, 'int32'), CLASSES);
  return async () => {
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
    return m.trainOnBatch(xs, ys);
  };
}

async function ortCalls(models: Record<ModelId, LoadedModel>, inp: Inputs): Promise<Maker> {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.simd = true;
  const sessions = new Map<ModelId, { s: ort.InferenceSession; dims: (n: number) => number[] }>();
  for (const id of MODEL_IDS) {
    const s = await ort.InferenceSession.create(serializeOnnx(models[id]), { executionProviders: ['wasm'] });
    const image = models[id].spec.inputShape.length === 3; // our export: NCHW [N,1,28,28] for 28×28×1 inputs
    sessions.set(id, { s, dims: (n) => (image ? [n, 1, 28, 28] : [n, INPUT_SIZE]) });
  }
  return (c, id) => {
    const { s, dims } = sessions.get(id)!;
    const run = (x: Float32Array, n: number) => () => s.run({ input: new ort.Tensor('float32', x, dims(n)) });
    if (c === 'forward-1') return run(inp.x1, 1);
    if (c === 'batch256') return run(inp.b256, 256);
    return 'onnxruntime-web runs inference only (no gradients, no intermediate outputs in our export)';
  };
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** The PyTorch peer on the bench's inputs, or undefined (noted) when torch cannot be imported here. */
export function openTorch(inp: Inputs): TorchPeer | undefined {
  const missing = torchMissing();
  if (missing) {
    note(`pytorch rows skipped: ${missing}`);
    return undefined;
  }
  writeFileSync(INPUTS_FILE, new Uint8Array(concat(inp.x1, inp.b256, inp.train, Float32Array.from(inp.labels)).buffer));
  return new TorchPeer(MODELS_DIR, INPUTS_FILE);
}

export async function benchPeers(inp: Inputs, torch?: TorchPeer): Promise<void> {
  const models = {} as Record<ModelId, LoadedModel>;
  for (const id of MODEL_IDS) models[id] = await loadModelFromDir(shippedModelDir(id));

  const engines: [string, InferenceEngine][] = [];
  const simd = await createSimdEngineNode();
  engines.push(['simd', simd]);
  const rbytes = await relaxedBytes();
  if (rbytes) engines.push(['relaxed-simd', await SimdEngine.create(rbytes)]);
  else note('relaxed-simd: this V8 cannot validate build/engine-relaxed.wasm');
  await tfBackend('wasm'); // one thread, SIMD binary (XNNPACK)
  engines.push(['tfjs-wasm', await TfjsEngine.create({ backend: 'wasm' })]);
  engines.push(['tfjs-cpu', await TfjsEngine.create({ backend: 'cpu' })]);
  for (const [, e] of engines) for (const id of MODEL_IDS) await e.load(id, models[id]);

  const makers: [string, Maker][] = engines.map(([name, e]) => [name, engineCalls(e, inp)]);
  const ortMaker = await ortCalls(models, inp);
  makers.push(['onnxruntime-web', ortMaker]);

  // Same function everywhere: every engine's logits for the bench input against ours.
  const ours = new Map<ModelId, Float32Array>();
  for (const id of MODEL_IDS) ours.set(id, (await simd.predict(id, inp.x1)).logits);
  for (const [name, e] of engines.slice(1)) {
    for (const id of MODEL_IDS) console.log(`parity ${id} ${name}: max |Δlogit| ${maxDiff((await e.predict(id, inp.x1)).logits, ours.get(id)!).toExponential(1)}`);
  }

  for (const id of MODEL_IDS) {
    const run = ortMaker('forward-1', id) as () => Promise<Record<string, { data: unknown }>>;
    const out = (await run()).output.data as Float32Array; // the export's output: probabilities
    console.log(`parity ${id} onnxruntime-web: max |Δprob| ${maxDiff(out, (await simd.predict(id, inp.x1)).probs).toExponential(1)}`);
  }

  if (torch) for (const id of MODEL_IDS) console.log(`parity ${id} pytorch: max |Δlogit| ${maxDiff(await torch.logits(id), ours.get(id)!).toExponential(1)}`);

  try {
    for (const c of CASES) {
      for (const id of MODEL_IDS) {
        const contenders: Contender[] = [];
        for (const [engine, make] of makers) {
          const call = make(c, id);
          if (typeof call === 'string') continue;
          contenders.push({ engine, run: timed(call) });
        }
        if (c === 'train') {
          contenders.push({ engine: 'simd', run: timed(await simdTrainer(models[id], inp)) });
          for (const be of ['wasm', 'cpu'] as const) {
            if (id === 'cnn') continue; // noted below
            contenders.push({ engine: `tfjs-${be}`, run: timed(await tfjsTrainer(be, models[id], inp)) });
          }
        }
        const t = torch;
        if (t && c !== 'occlusion-1') contenders.push({ engine: 'pytorch', run: (n) => t.time(c, id, n, inp.target) });
        const ms = await interleave(contenders);
        for (const [engine, perCall] of ms) {
          const images = PER_CALL_IMAGES[c];
          addRow(images
            ? { case: c, model: id, engine, median: images / (perCall / 1000), unit: 'images/s' }
            : { case: c, model: id, engine, median: perCall * 1000, unit: 'µs' });
        }
      }
    }
    note('onnxruntime-web: forward-1 and batch256 only (an inference runtime: no gradients; our export has one output)');
    note('occlusion-1: our engines only (the PyTorch peer has no occlusion; onnxruntime-web would need 170 inputs per call, as batch256 shows its throughput)');
    note('tfjs-wasm train cnn: skipped, tfjs-backend-wasm has no Conv2DBackpropFilter; tfjs-cpu train cnn: skipped here (tens of seconds per batch; `npm run bench -- train-epoch` times it: ~1000× slower than simd)');
    note('relaxed-simd train: skipped, training stays on the deterministic baseline build');
  } finally {
    for (const [, e] of engines) e.dispose();
  }
}

function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
