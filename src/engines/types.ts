import type { LayerOutput, LoadedModel } from '../model/spec.ts';

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

/** What every engine implements; src/interpret builds the saliency methods on top of inputGradients. */
export interface InferenceEngine {
  readonly kind: EngineKind;
  load(id: string, model: LoadedModel): Promise<void>;
  predict(id: string, input: Float32Array, opts?: { activations?: boolean }): Promise<Prediction>;
  /** Gradients of the target class's logit (pre-softmax score) with respect to each of `count` inputs. */
  inputGradients(id: string, inputs: Float32Array, count: number, target: number): Promise<InputGradients>;
  dispose(): void;
}

export interface EngineInfo {
  kind: EngineKind;
  /** Why this engine runs ("WebAssembly SIMD available", "forced by settings", "simd failed: …"). */
  reason: string;
  /** Engines tried before this one, and why each was skipped. */
  skipped: { kind: EngineKind; reason: string }[];
}
