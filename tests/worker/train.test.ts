// Training through the worker API on real MNIST: the service in-process (as tests/worker/api.test.ts does) and in a
// real worker_threads worker. Runs use the first few thousand digits (limit) so they take seconds.
import { afterAll, describe, expect, it } from 'vitest';
import { createService, type ServiceDeps } from '../../worker/service.ts';
import { Network } from '../../src/model/network.ts';
import { Arena, instantiateEngine } from '../../src/wasm/wasm.ts';
import { initModel } from '../../src/train/architectures.ts';
import { peerStep } from '../../src/train/peer.ts';
import { nodeDeps } from '../../worker/node-deps.ts';
import { createNodeClient } from '../../worker/client-node.ts';
import type { SeeingDigitsApi, TrainConfig, TrainEvent, TrainUpdate } from '../../worker/api.ts';
import { parseModel } from '../../src/model/format.ts';
import { loadMnist } from '../../src/data/mnist-node.ts';

const CONFIG: TrainConfig = {
  arch: { kind: 'mlp', hidden: [64, 32], activation: 'tanh' },
  optimizer: 'adam',
  lr: 2e-3,
  batch: 32,
  epochs: 2,
  augment: false,
  seed: 7,
  limit: { train: 3000, test: 500 },
};

/** Polls until the run leaves 'running'/'paused'; returns every event and the last status. */
async function finish(api: SeeingDigitsApi): Promise<{ events: TrainEvent[]; last: TrainUpdate }> {
  const events: TrainEvent[] = [];
  for (;;) {
    const u = await api.trainPoll();
    events.push(...u.events);
    if (u.status.state !== 'running' && u.status.state !== 'paused') return { events, last: u };
    await new Promise((r) => setTimeout(r, 20));
  }
}

const epochs = (events: TrainEvent[]) => events.filter((e): e is Extract<TrainEvent, { kind: 'epoch' }> => e.kind === 'epoch');

async function weights(api: SeeingDigitsApi): Promise<Float32Array[]> {
  const { modelJson, weights } = await api.trainModel();
  return [...parseModel(modelJson, [weights]).params.values()].flatMap((p) => [p.kernel, p.bias!]);
}

describe('training in the service', () => {
  const api = createService(nodeDeps({ defaultModels: {} }));

  it('an MLP learns: loss and speed reported, per epoch accuracy, confusion, first layer, PCA map and a checkpoint', async () => {
    const plan = await api.trainStart(CONFIG);
    expect(plan).toMatchObject({ trainCount: 3000 - 250, validationCount: 250, testCount: 500, epoch: 1, engine: 'simd' });
    expect(plan.params).toBe(784 * 64 + 64 + 64 * 32 + 32 + 32 * 10 + 10);
    expect(plan.batchesPerEpoch).toBe(Math.floor(2750 / 32));
    const { events, last } = await finish(api);
    expect(last.status).toMatchObject({ state: 'done', epoch: 2, epochs: 2 });
    const batches = events.filter((e) => e.kind === 'batch');
    expect(batches.length).toBeGreaterThan(0);
    for (const b of batches) {
      expect(b.loss).toBeGreaterThan(0);
      expect(b.imagesPerSecond).toBeGreaterThan(0);
    }
    const [e1, e2] = epochs(events);
    expect([e1.log.epoch, e2.log.epoch]).toEqual([1, 2]);
    expect(e2.log.trainLoss).toBeLessThan(e1.log.trainLoss);
    expect(e2.log.valAccuracy).toBeGreaterThan(0.85);
    expect(e2.confusion.flat().reduce((a, b) => a + b, 0)).toBe(500);
    const correct = e2.confusion.reduce((s, row, i) => s + row[i], 0);
    expect(correct / 500).toBeCloseTo(e2.log.testAccuracy, 10);
    expect(e2.firstLayer).toMatchObject({ name: 'hidden1', shape: [784, 64] });
    expect(e2.firstLayer.weights).toHaveLength(784 * 64);
    expect(e2.firstLayer.weights).not.toEqual(e1.firstLayer.weights); // the weights move
    expect(e2.pca!.layer).toBe('hidden2');
    expect(e2.pca!.x).toHaveLength(500);
    expect(Array.from(e2.pca!.labels.slice(0, 20))).toEqual(Array.from(loadMnist('test').labels.slice(0, 20)));
    expect(e2.checkpoint).toMatchObject({ config: CONFIG, epoch: 2 });

    // The sketch's prediction from the model as it is now, and the model as TensorFlow.js files.
    const seven = loadMnist('test').images.slice(0, 784); // test digit 0 is a 7
    const p = await api.trainPredict(seven);
    expect(p.digit).toBe(7);
    const files = await api.trainModel();
    expect(parseModel(files.modelJson, [files.weights]).spec.layers.map((l) => l.name)).toEqual(['flatten', 'hidden1', 'hidden2', 'output']);
  });

  it('resuming from the epoch-1 checkpoint ends with the same weights as a run never stopped', async () => {
    await api.trainStart(CONFIG);
    const { events } = await finish(api);
    const straight = await weights(api);
    await api.trainStart(CONFIG, { resume: epochs(events)[0].checkpoint });
    const resumed = await finish(api);
    expect(epochs(resumed.events).map((e) => e.log.epoch)).toEqual([2]);
    expect(await weights(api)).toEqual(straight);
  });

  it('pause holds the run, resume continues it, stop ends it', async () => {
    await api.trainStart({ ...CONFIG, epochs: 20 });
    expect((await api.trainControl('pause')).state).toBe('paused');
    const at = (await api.trainPoll()).status;
    await new Promise((r) => setTimeout(r, 150));
    expect((await api.trainPoll()).status).toMatchObject({ state: 'paused', epoch: at.epoch, batch: at.batch });
    expect((await api.trainControl('resume')).state).toBe('running');
    await new Promise((r) => setTimeout(r, 150));
    const moved = (await api.trainPoll()).status;
    expect(moved.epoch * 1000 + moved.batch).toBeGreaterThan(at.epoch * 1000 + at.batch);
    expect((await api.trainControl('stop')).state).toBe('stopped');
    expect((await finish(api)).last.status.state).toBe('stopped');
  });

  const refused: [string, unknown, RegExp][] = [
    ['zero units', { ...CONFIG, arch: { kind: 'mlp', hidden: [128, 0], activation: 'tanh' } }, /hidden layer 2 has 0 units/],
    ['lr NaN', { ...CONFIG, lr: NaN }, /learning rate must be a number above 0.*not NaN/],
    ['lr 0', { ...CONFIG, lr: 0 }, /learning rate/],
    ['batch 0', { ...CONFIG, batch: 0 }, /batch size must be a whole number from 1 to 1024/],
    ['batch larger than the training set', { ...CONFIG, batch: 1000, limit: { train: 600 } }, /batch size .* from 1 to 550 \(550 training digits\)/],
    ['too many parameters', { ...CONFIG, arch: { kind: 'mlp', hidden: [4096, 4096], activation: 'relu' } }, /20,037,642 parameters, too many to train here/],
    ['too large for memory at this batch', { ...CONFIG, arch: { kind: 'cnn', channels: [128, 128, 128] }, batch: 1024 }, /too large for the engine: it needs .* MiB of memory at batch 1024/],
    ['unknown activation', { ...CONFIG, arch: { kind: 'mlp', hidden: [8], activation: 'gelu' } }, /activation must be tanh, relu, sigmoid/],
    ['four conv blocks', { ...CONFIG, arch: { kind: 'cnn', channels: [8, 8, 8, 8] } }, /1 to 3 conv blocks/],
    ['resume of other settings', CONFIG, /checkpoint to resume is of a run with other settings/],
  ];
  it.each(refused)('refuses %s with a clear message, before anything runs', async (_name, config, message) => {
    const before = (await api.trainPoll()).status;
    const resume = _name.startsWith('resume') ? { config: { ...CONFIG, seed: 8 }, epoch: 1, session: {} as never } : undefined;
    await expect(api.trainStart(config as TrainConfig, { resume })).rejects.toThrow(message);
    expect((await api.trainPoll()).status).toEqual(before);
  });

  it('a CNN trains through the same calls (first layer 3×3×1×c, PCA of its dense layer)', async () => {
    await api.trainStart({ ...CONFIG, arch: { kind: 'cnn', channels: [4, 8], dense: 32 }, epochs: 1, limit: { train: 1200, test: 300 } });
    const { events, last } = await finish(api);
    expect(last.status.state).toBe('done');
    const [e] = epochs(events);
    expect(e.firstLayer).toMatchObject({ name: 'conv1', shape: [3, 3, 1, 4] });
    expect(e.pca!.layer).toBe('hidden');
    expect(e.log.testAccuracy).toBeGreaterThan(0.3);
  });
});

describe('training in a worker thread through the restarting client', () => {
  const client = createNodeClient({ timeoutMs: 30_000 });
  afterAll(() => client.close());

  it('runs, reports and returns a model that reads a test digit', async () => {
    await client.trainStart({ ...CONFIG, epochs: 1 });
    const { events, last } = await finish(client);
    expect(last.status.state).toBe('done');
    expect(epochs(events)[0].log.testAccuracy).toBeGreaterThan(0.8);
    expect((await client.trainPredict(loadMnist('test').images.slice(784, 2 * 784))).digit).toBe(2); // test digit 1 is a 2
  });

  it('a worker that dies mid-run leaves its last checkpoint usable: a new worker resumes to the same weights', async () => {
    const straight = createService(nodeDeps({ defaultModels: {} }));
    await straight.trainStart(CONFIG);
    await finish(straight);
    const want = await weights(straight);

    const first = createNodeClient({ timeoutMs: 30_000 });
    await first.trainStart(CONFIG);
    let checkpoint;
    while (!checkpoint) {
      checkpoint = epochs((await first.trainPoll()).events)[0]?.checkpoint;
      await new Promise((r) => setTimeout(r, 10));
    }
    first.close(); // the worker is terminated while epoch 2 runs
    const second = createNodeClient({ timeoutMs: 30_000 });
    try {
      expect((await second.trainPoll()).status.state).toBe('idle');
      await second.trainStart(CONFIG, { resume: checkpoint });
      expect((await finish(second)).last.status.state).toBe('done');
      expect(await weights(second)).toEqual(want);
    } finally {
      second.close();
    }
  });
});

describe('the training engine', () => {
  it('is the baseline build even where the relaxed-SIMD build would run inference (same weights on every CPU)', async () => {
    const deps = nodeDeps({ defaultModels: {} });
    const uses: (string | undefined)[] = [];
    const api = createService({ ...deps, simdWasm: (url, use) => (uses.push(use), deps.simdWasm(url, use)) });
    await api.init({ engine: 'simd' });
    await api.trainStart({ ...CONFIG, epochs: 1, limit: { train: 600, test: 100 } });
    await finish(api);
    expect(uses).toEqual([undefined, 'training']); // the inference engine chose its build; training asked for the baseline
  });
});

describe('training on two threads', () => {
  /** The browser's second thread, in-process: its own engine instance running peerStep, answering a task later. */
  const inProcessPeer: NonNullable<ServiceDeps['trainPeer']> = async (wasm, plan) => {
    const net = new Network(new Arena(await instantiateEngine(wasm)), initModel(plan.spec, 0), plan.capacity);
    return { step: (s) => new Promise((resolve) => setTimeout(() => resolve(peerStep(net, s)))), close: () => undefined };
  };

  it('runs each batch’s second half on the second thread, and trains what one thread trains (within float rounding)', async () => {
    const two = createService(nodeDeps({ defaultModels: {}, trainPeer: inProcessPeer }));
    const one = createService(nodeDeps({ defaultModels: {} }));
    // Wide enough for a second thread to pay (src/train/peer.ts: ≥ 100 MFLOP a half batch; this is ~205).
    const config: TrainConfig = { ...CONFIG, arch: { kind: 'mlp', hidden: [1024, 256], activation: 'tanh' }, batch: 64, epochs: 1 };
    const plan2 = await two.trainStart(config, { threads: 2 });
    expect(plan2).toMatchObject({ threads: 2 });
    expect(plan2.threadsNote).toBeUndefined();
    const plan1 = await one.trainStart(config);
    expect(plan1).toMatchObject({ threads: 1 });
    const [r2, r1] = [await finish(two), await finish(one)];
    expect(r2.last.status.state).toBe('done');
    const [e2] = epochs(r2.events);
    const [e1] = epochs(r1.events);
    expect(e2.log.valAccuracy).toBeGreaterThan(0.8);
    expect(Math.abs(e2.log.trainLoss - e1.log.trainLoss)).toBeLessThan(1e-4);
    const [w2, w1] = [await weights(two), await weights(one)];
    let diff = 0;
    for (let t = 0; t < w1.length; t++) for (let i = 0; i < w1[t].length; i++) diff = Math.max(diff, Math.abs(w1[t][i] - w2[t][i]));
    expect(diff).toBeLessThan(1e-4);
  });

  it('says why it runs on one thread: no second thread here, an odd batch; refuses a bad thread count', async () => {
    const api = createService(nodeDeps({ defaultModels: {} }));
    expect(await api.trainStart({ ...CONFIG, epochs: 1 }, { threads: 2 })).toMatchObject({ threads: 1, threadsNote: 'this worker cannot start a second thread' });
    await api.trainControl('stop');
    const odd = createService(nodeDeps({ defaultModels: {}, trainPeer: inProcessPeer }));
    expect(await odd.trainStart({ ...CONFIG, batch: 33, epochs: 1 }, { threads: 2 })).toMatchObject({ threads: 1, threadsNote: 'a batch of 33 does not split over two threads' });
    await odd.trainControl('stop');
    // The notebook MLP's steps are too small to gain from a second thread (slower on two in both browsers).
    const small = await odd.trainStart({ ...CONFIG, arch: { kind: 'mlp', hidden: [128, 64], activation: 'tanh' }, batch: 64, epochs: 1 }, { threads: 2 });
    expect(small).toMatchObject({ threads: 1 });
    expect(small.threadsNote).toMatch(/too small to gain from a second thread \(21 MFLOP a half batch\)/);
    await odd.trainControl('stop');
    await expect(api.trainStart(CONFIG, { threads: 3 })).rejects.toThrow('trainStart: threads must be 1 or 2, not 3');
  });

  it('a second thread that fails ends the run with its message', async () => {
    const api = createService(
      nodeDeps({ defaultModels: {}, trainPeer: async () => ({ step: () => Promise.reject(new Error('the second training thread stopped: out of memory')), close: () => undefined }) }),
    );
    await api.trainStart({ ...CONFIG, arch: { kind: 'mlp', hidden: [1024, 256], activation: 'tanh' }, batch: 64, epochs: 1 }, { threads: 2 });
    const { last } = await finish(api);
    expect(last.status).toMatchObject({ state: 'failed', error: 'the second training thread stopped: out of memory' });
  });
});
