/** What the user reads for each model and engine, in every context. */
import type { EngineKind } from '../../src/engines/types.ts';
import type { ModelId } from '../../worker/api.ts';

export const ENGINE_LABELS: Record<EngineKind, string> = {
  simd: 'SIMD (WebAssembly)',
  'tfjs-webgl': 'WebGL (TensorFlow.js)',
  'tfjs-wasm': 'WebAssembly (TensorFlow.js)',
  'tfjs-cpu': 'CPU (TensorFlow.js)',
};

export const MODEL_NAMES: Record<ModelId, string> = { mlp: 'MLP', cnn: 'CNN' };
