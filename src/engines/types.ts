import type { LayerOutput, LoadedModel } from '../model/spec.ts';
import type { CacheOptions, HookMeans, HookPoint, HookRun, Intervention } from '../interpret/hooks.ts';

export type { LayerOutput } from '../model/spec.ts';

/** The engines, best first: the AssemblyScript SIMD engine, then TensorFlow.js on WebGL (GPU), wasm, cpu. */
export const ENGINE_KINDS = ['simd', 'tfjs-webgl', 'tfjs-wasm', 'tfjs-cpu'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];


export interface Prediction {
  logits: Float32Array;
  probs: Float32Array;
  /** Every layer's output, in order (only when asked for). */
  layers?: LayerOutput[];
}

export interface InputGradients {
  /** d logit[target] / d input for each input: count × inputSize. */
  grads: Float32Array;
  /** The logits of each input: count × classes. */
  logits: Float32Array;
}

/** What a model may come with besides its weights. */
export interface ModelExtras {
  /** Mean activations over the MNIST test set, for mean-ablation (means.bin beside model.json). */
  means?: HookMeans;
}

/**
 * What every engine implements; src/interpret builds the saliency methods on top of inputGradients and the
 * hooks (src/interpret/hooks.ts: names, interventions, objectives) on runWithCache / runWithHooks.
 */
export interface InferenceEngine {
  readonly kind: EngineKind;
  load(id: string, model: LoadedModel, extras?: ModelExtras): Promise<void>;
  predict(id: string, input: Float32Array, opts?: { activations?: boolean }): Promise<Prediction>;
  /** Gradients of the target class's logit (pre-softmax score) with respect to each of `count` inputs. */
  inputGradients(id: string, inputs: Float32Array, count: number, target: number): Promise<InputGradients>;
  /** The model's hook points with their shapes (without the batch). */
  hookPoints(id: string): HookPoint[];
  /**
   * Runs `count` inputs (count × input size floats) and returns the activations at `opts.names` (default: every
   * hook point) and, with `opts.grads`, each input's gradient of its objective there.
   */
  runWithCache(id: string, inputs: Float32Array, count: number, opts?: CacheOptions): Promise<HookRun>;
  /**
   * The same with interventions applied in forward and backward. Hooks belong to this call only. Activations are
   * returned only at `opts.names` (default none: logits and probabilities).
   */
  runWithHooks(id: string, inputs: Float32Array, count: number, hooks: readonly Intervention[], opts?: CacheOptions): Promise<HookRun>;
  dispose(): void;
}

export interface EngineInfo {
  kind: EngineKind;
  /** Why this engine runs ("WebAssembly SIMD available", "forced by settings", "simd failed: …"). */
  reason: string;
  /** Engines tried before this one, and why each was skipped. */
  skipped: { kind: EngineKind; reason: string }[];
}
