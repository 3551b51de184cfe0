/**
 * The worker's training run: one TrainSession (src/train/session.ts) on its own SIMD engine instance, run in
 * slices of about SLICE_MS so the worker keeps answering other calls (analyze, polls, pause) in between. What
 * happens is queued as TrainEvents for trainPoll(); after every epoch a checkpoint goes out with them for the caller
 * to store, so a worker that dies mid-run leaves the last finished epoch usable.
 */
import * as Comlink from 'comlink';
import type { EngineExports } from '../src/wasm/abi.ts';
import { checkTrainConfig, MNIST_COUNTS, TrainConfigError, validationCount } from '../src/train/config.ts';
import { firstDigits, TrainSession, type DigitSet } from '../src/train/session.ts';
import { pcaMap } from '../src/interpret/explore.ts';
import { serializeModel } from '../src/model/format.ts';
import { argmax } from '../src/util/array.ts';
import { errorText } from '../src/util/guards.ts';
import type { TrainConfig } from '../src/train/config.ts';
import type { TrainAction, TrainCheckpoint, TrainEvent, TrainPlan, TrainStartOptions, TrainStatus, TrainUpdate } from './api.ts';
import { RequestError, checkInputs } from './validate.ts';
import { INPUT_SIZE } from '../src/model/shipped.ts';
import { secondThreadProblem, type GradientPeer, type PeerPlan } from '../src/train/peer.ts';

/** Training time between yields to the worker's message queue. */
const SLICE_MS = 40;
/** How often a 'batch' event reports the loss and speed. */
const REPORT_MS = 250;
/** Test digits projected on the PCA map each epoch. */
export const PCA_POINTS = 1000;

export interface TrainDeps {
  /** A fresh SIMD engine instance (its own memory: training never touches the inference engine's). */
  engine: () => Promise<EngineExports>;
  /** MNIST, both splits; `url` is TrainStartOptions.mnist. */
  loadDigits: (url?: string) => Promise<{ train: DigitSet; test: DigitSet }>;
  /** A second training thread planned for `plan` (browsers); absent: runs use one thread. */
  peer?: (plan: PeerPlan) => Promise<GradientPeer>;
}

interface Run {
  session: TrainSession;
  /** The second thread, when the run uses two. */
  peer?: GradientPeer;
  config: TrainConfig;
  state: TrainStatus['state'];
  error?: string;
  /** Bumped by every start/stop: a slice loop whose generation is stale ends. */
  generation: number;
  /** Since the last 'batch' report. */
  window: { loss: number; correct: number; seen: number; ms: number; t: number };
  /** Over the epoch's batches. */
  epochImages: number;
  epochMs: number;
}

export function createTrainRunner(deps: TrainDeps) {
  let data: Promise<{ train: DigitSet; test: DigitSet }> | undefined;
  let run: Run | undefined;
  let generation = 0;
  let events: TrainEvent[] = [];

  const status = (): TrainStatus =>
    run
      ? {
          state: run.state,
          epoch: run.session.epoch > run.session.opts.epochs ? run.session.opts.epochs : run.session.epoch,
          batch: run.session.batchInEpoch,
          batchesPerEpoch: run.session.batches,
          epochs: run.session.opts.epochs,
          ...(run.error ? { error: run.error } : {}),
        }
      : { state: 'idle', epoch: 0, batch: 0, batchesPerEpoch: 0, epochs: 0 };

  const digits = (url?: string) => {
    data ??= deps.loadDigits(url).catch((e) => {
      data = undefined; // a failed download may be retried
      throw e;
    });
    return data;
  };

  async function start(rawConfig: unknown, opts: TrainStartOptions = {}): Promise<TrainPlan> {
    const checked = check(rawConfig, MNIST_COUNTS);
    const resume = opts.resume;
    if (resume !== undefined && JSON.stringify(resume?.config) !== JSON.stringify(checked.config)) {
      throw new RequestError('trainStart: the checkpoint to resume is of a run with other settings');
    }
    const all = await digits(opts.mnist);
    const { config } = check(rawConfig, { train: all.train.count, test: all.test.count });
    const trainAll = config.limit?.train ?? all.train.count;
    const test = config.limit?.test ?? all.test.count;
    const opts2 = {
      spec: checked.spec,
      epochs: config.epochs,
      batch: config.batch,
      lr: config.lr,
      optimizer: config.optimizer,
      seed: config.seed,
      augment: config.augment,
      validation: validationCount(trainAll),
    };
    let session: TrainSession;
    try {
      session = new TrainSession(await deps.engine(), opts2, { train: firstDigits(all.train, trainAll), test: firstDigits(all.test, test) });
      if (resume) session.restore(resume.session);
    } catch (e) {
      // Too large for the engine's memory, a checkpoint that does not fit: the request's fault, said plainly.
      throw new RequestError(`trainStart: ${errorText(e)}`);
    }
    const threads = await secondThread(opts.threads, session, checked.spec);
    stop();
    events = [];
    const gen = ++generation;
    run = {
      session,
      peer: threads.peer,
      config,
      state: 'running',
      generation: gen,
      window: { loss: 0, correct: 0, seen: 0, ms: 0, t: performance.now() },
      epochImages: 0,
      epochMs: 0,
    };
    // Read before the loop starts: its first slice runs before this returns and may finish an epoch.
    const firstEpoch = session.epoch;
    void loop(run);
    return {
      params: checked.params,
      trainCount: session.trainCount,
      validationCount: opts2.validation,
      testCount: test,
      batchesPerEpoch: session.batches,
      epoch: firstEpoch,
      engine: 'simd',
      threads: threads.peer ? 2 : 1,
      ...(threads.note ? { threadsNote: threads.note } : {}),
    };
  }

  /** The second thread asked for, or why there is none (the run then uses one: never fails for it). */
  async function secondThread(asked: unknown, session: TrainSession, spec: PeerPlan['spec']): Promise<{ peer?: GradientPeer; note?: string }> {
    if (asked === undefined || asked === 1) return {};
    if (asked !== 2) throw new RequestError(`trainStart: threads must be 1 or 2, not ${JSON.stringify(asked)}`);
    if (!deps.peer) return { note: 'this worker cannot start a second thread' };
    const problem = secondThreadProblem(spec, session.opts.batch);
    if (problem) return { note: problem };
    try {
      return { peer: await deps.peer({ spec, capacity: session.opts.batch / 2 }) };
    } catch (e) {
      return { note: errorText(e) };
    }
  }

  function stop() {
    if (run && (run.state === 'running' || run.state === 'paused')) run.state = 'stopped';
    generation++;
    run?.peer?.close();
  }

  async function loop(r: Run): Promise<void> {
    const { session } = r;
    const batch = session.opts.batch;
    try {
      while (r.generation === generation && !session.done) {
        if (r.state === 'paused') {
          await pause();
          continue;
        }
        const t0 = performance.now();
        while (performance.now() - t0 < SLICE_MS && !session.epochTrained) {
          const before = performance.now();
          const onBatch = (b: { batchLoss: number; batchCorrect: number }) => {
            r.window.loss += b.batchLoss;
            r.window.correct += b.batchCorrect;
            r.window.seen += 1;
          };
          if (r.peer) await session.runBatchesWith(r.peer, 1, onBatch);
          else session.runBatches(1, onBatch);
          if (r.generation !== generation) return; // stopped or replaced while the second thread worked
          const ms = performance.now() - before;
          r.window.ms += ms;
          r.epochMs += ms;
          r.epochImages += batch;
        }
        report(r);
        if (session.epochTrained) endEpoch(r);
        await yieldToMessages();
      }
      if (r.generation === generation && session.done) r.state = 'done';
    } catch (e) {
      r.state = 'failed';
      r.error = errorText(e);
    } finally {
      if (r.state !== 'running' && r.state !== 'paused') r.peer?.close();
    }
  }

  function report(r: Run, force = false) {
    const w = r.window;
    const now = performance.now();
    if (w.seen === 0 || (!force && now - w.t < REPORT_MS)) return;
    events.push({
      kind: 'batch',
      epoch: r.session.epoch,
      batch: r.session.batchInEpoch,
      step: r.session.optimizer.step,
      loss: w.loss / w.seen,
      accuracy: w.correct / (w.seen * r.session.opts.batch),
      imagesPerSecond: (w.seen * r.session.opts.batch) / (w.ms / 1000),
    });
    r.window = { loss: 0, correct: 0, seen: 0, ms: 0, t: now };
  }

  function endEpoch(r: Run) {
    const { session } = r;
    report(r, true);
    const { log, test } = session.endEpoch();
    const first = session.net.params[0];
    const firstSpec = session.net.steps.find((s) => s.param === first)!;
    const firstLayer = {
      name: first.layer,
      shape: firstSpec.spec.kind === 'Dense' ? [INPUT_SIZE, first.kernelLen / INPUT_SIZE] : [3, 3, 1, first.kernelLen / 9],
      weights: session.net.arena.f32(first.kernel, first.kernelLen).slice(),
    };
    const pca = projection(session);
    const checkpoint: TrainCheckpoint = { config: r.config, epoch: log.epoch, session: session.checkpoint() };
    events.push({
      kind: 'epoch',
      log,
      confusion: test.confusion,
      firstLayer,
      ...(pca ? { pca } : {}),
      imagesPerSecond: r.epochImages / (r.epochMs / 1000),
      checkpoint,
    });
    r.epochImages = 0;
    r.epochMs = 0;
  }

  function projection(session: TrainSession) {
    const hasHidden = session.net.steps.filter((s) => s.spec.kind === 'Dense').length > 1;
    if (!hasHidden) return undefined; // no hidden Dense layer to project (an MLP without hidden layers)
    const { test } = session.data;
    const m = pcaMap(session.net, test.images, test.labels, { points: PCA_POINTS });
    return {
      layer: m.layer,
      x: Float32Array.from(m.points, (p) => p.x),
      y: Float32Array.from(m.points, (p) => p.y),
      labels: Uint8Array.from(m.points, (p) => p.label),
      explained: m.explained,
    };
  }

  let resumeWaiter: (() => void) | undefined;
  const pause = () => new Promise<void>((resolve) => (resumeWaiter = resolve));

  return {
    start,
    control(action: TrainAction): TrainStatus {
      if (!['pause', 'resume', 'stop'].includes(action)) throw new RequestError(`trainControl: action must be pause, resume or stop, not ${JSON.stringify(action)}`);
      if (!run) throw new RequestError('trainControl: no training run; start one with trainStart');
      if (action === 'pause' && run.state === 'running') run.state = 'paused';
      else if (action === 'resume' && run.state === 'paused') run.state = 'running';
      else if (action === 'stop') stop();
      if (run.state !== 'paused') {
        resumeWaiter?.();
        resumeWaiter = undefined;
      }
      return status();
    },
    poll(): TrainUpdate {
      const out = events;
      events = [];
      return Comlink.transfer({ status: status(), events: out }, transferables(out));
    },
    predict(pixels: Float32Array): { digit: number; probs: Float32Array } {
      if (!run) throw new RequestError('trainPredict: no training run; start one with trainStart');
      checkInputs('trainPredict', pixels);
      if (pixels.length !== INPUT_SIZE) throw new RequestError(`trainPredict: one 28×28 input (${INPUT_SIZE} values), not ${pixels.length}`);
      const { net } = run.session;
      net.setInput(pixels, 1);
      net.forward(1);
      const probs = net.arena.f32(net.probs.ptr, net.classes).slice();
      return { digit: argmax(probs), probs };
    },
    model(): { modelJson: unknown; weights: ArrayBuffer } {
      if (!run) throw new RequestError('trainModel: no training run; start one with trainStart');
      const { modelJson, weightData } = serializeModel(run.session.model());
      return Comlink.transfer({ modelJson, weights: weightData }, [weightData]);
    },
  };
}

function check(raw: unknown, counts: { train: number; test: number }) {
  try {
    return checkTrainConfig(raw, counts);
  } catch (e) {
    if (e instanceof TrainConfigError) throw new RequestError(`trainStart: ${e.message}`);
    throw e;
  }
}

/** The big arrays of the events, moved rather than copied (the checkpoint's too: the runner keeps none). */
function transferables(events: TrainEvent[]): Transferable[] {
  const out: Transferable[] = [];
  for (const e of events) {
    if (e.kind !== 'epoch') continue;
    out.push(e.firstLayer.weights.buffer);
    if (e.pca) out.push(e.pca.x.buffer, e.pca.y.buffer, e.pca.labels.buffer);
  }
  return out;
}

/**
 * Lets queued messages (polls, pause) run: a MessageChannel task, not setTimeout, which browsers clamp to 4 ms
 * after a few nested calls (10 % of a 40 ms slice).
 */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(0);
  });
}
