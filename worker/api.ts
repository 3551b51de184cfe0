/**
 * The one typed API of the Seeing Digits worker, shared by the worker (worker/worker.ts, worker/node.ts) and its
 * callers (popup, explorer, background, CLI, tests), which hold a Comlink `Remote<SeeingDigitsApi>`.
 * Large arrays in results cross as transferables.
 */
import type { EngineInfo, EngineKind, LayerOutput } from '../src/engines/types.ts';
import type { Preprocessed, RgbaImage } from '../src/preprocess/types.ts';
import type { SaliencyMethod } from '../src/interpret/saliency.ts';

export type ModelId = 'mlp' | 'cnn';
export const MODEL_IDS: readonly ModelId[] = ['mlp', 'cnn'];

export type EngineChoice = 'auto' | EngineKind;

// Declared in the library (src/engines/types.ts), which selects engines without knowing the worker.
export type { EngineInfo } from '../src/engines/types.ts';

// Defined beside their implementation (src/interpret/saliency.ts: every map is signed, see there).
export { SALIENCY_METHODS, type SaliencyMethod } from '../src/interpret/saliency.ts';

/** Where a model's files are: a model.json URL (its shards beside it), or the files themselves. */
export type ModelSource = { url: string } | { modelJson: unknown; weights: ArrayBuffer };

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
}

export interface ModelResult {
  id: ModelId;
  digit: number;
  probs: Float32Array;
  logits: Float32Array;
  layers?: LayerOutput[];
  saliency?: { method: SaliencyMethod; target: number; map: Float32Array };
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

export interface SeeingDigitsApi {
  /** Loads the models and starts the best engine (or the one asked for). Safe to call again to switch engine. */
  init(opts?: InitOptions): Promise<EngineInfo>;
  engine(): Promise<EngineInfo>;
  models(): Promise<ModelSummary[]>;
  analyze(input: AnalyzeInput, opts?: AnalyzeOptions): Promise<AnalyzeResult>;
}
