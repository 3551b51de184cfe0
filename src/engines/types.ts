import type { ActivationName, LayerKind, LoadedModel } from '../model/spec.ts';

/** The engines, best first: the AssemblyScript SIMD engine, then TensorFlow.js on WebGL (GPU), wasm, cpu. */
export const ENGINE_KINDS = ['simd', 'tfjs-webgl', 'tfjs-wasm', 'tfjs-cpu'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];

/** One layer's output for one input (shape without the batch dimension). */
export interface LayerOutput {
  name: string;
  kind: LayerKind;
  activation?: ActivationName;
  shape: number[];
  /** Before the activation, for Dense/Conv2D layers whose activation is not linear. */
  pre?: Float32Array;
  out: Float32Array;
}

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
