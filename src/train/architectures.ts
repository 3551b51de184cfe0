/** The shipped architectures, the families users build theirs from, and their seeded initialisation. */
import { paramShapes } from '../model/shapes.ts';
import type { Conv2DSpec, DenseSpec, LayerParams, LayerSpec, LoadedModel, ModelSpec } from '../model/spec.ts';
import { mulberry32 } from '../util/random.ts';
import { CLASSES, INPUT_SHAPE, type ModelId } from '../model/shipped.ts';

/** Activations a hidden layer may have in the networks users build (the notebook's MLP uses tanh). */
export const HIDDEN_ACTIVATIONS = ['tanh', 'relu', 'sigmoid'] as const;
export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];

/** The shipped models' architectures, by model id. */
export type Architecture = ModelId;

/**
 * An MLP: flatten, then one Dense layer per hidden size (hidden1, hidden2, …), then the softmax output.
 * The default is the notebook's MLP: 784 → 128 (tanh) → 64 (tanh) → 10.
 */
export function mlpSpec(hidden: readonly number[] = [128, 64], activation: HiddenActivation = 'tanh'): ModelSpec {
  return {
    name: 'seeing-digits-mlp',
    inputShape: [...INPUT_SHAPE],
    layers: [
      { kind: 'Flatten', name: 'flatten' },
      ...hidden.map((units, i): DenseSpec => ({ kind: 'Dense', name: `hidden${i + 1}`, units, activation, useBias: true })),
      { kind: 'Dense', name: 'output', units: CLASSES, activation: 'softmax', useBias: true },
    ],
  };
}

/**
 * Conv blocks (3×3 'same' relu conv, then 2×2 max-pool: conv1, pool1, conv2, …), a relu Dense head of `dense` units
 * (none when 0) and the softmax output. The default is the shipped CNN: 16 and 32 channels, so every channel fits
 * in the popup, and 128 dense units.
 */
export function cnnSpec(channels: readonly number[] = [16, 32], dense = 128): ModelSpec {
  const conv = (name: string, filters: number): Conv2DSpec => ({
    kind: 'Conv2D', name, filters, kernelSize: [3, 3], strides: 1, padding: 'same', activation: 'relu', useBias: true,
  });
  return {
    name: 'seeing-digits-cnn',
    inputShape: [...INPUT_SHAPE],
    layers: [
      ...channels.flatMap((c, i): LayerSpec[] => [conv(`conv${i + 1}`, c), { kind: 'MaxPooling2D', name: `pool${i + 1}` }]),
      { kind: 'Flatten', name: 'flatten' },
      ...(dense > 0 ? [{ kind: 'Dense', name: 'hidden', units: dense, activation: 'relu', useBias: true } as const] : []),
      { kind: 'Dense', name: 'output', units: CLASSES, activation: 'softmax', useBias: true },
    ],
  };
}

export function architecture(name: Architecture): ModelSpec {
  return name === 'mlp' ? mlpSpec() : cnnSpec();
}

/**
 * Glorot-uniform kernels (Glorot & Bengio 2010: U(±√(6 / (fanIn + fanOut)))), as Keras/TensorFlow.js default,
 * scaled by √2 for relu layers (He et al. 2015); zero biases.
 */
export function initModel(spec: ModelSpec, seed: number): LoadedModel {
  const rand = mulberry32(seed);
  const params = new Map<string, LayerParams>();
  const shapes = paramShapes(spec);
  for (const layer of spec.layers) {
    const s = shapes.get(layer.name);
    if (!s) continue;
    const receptive = s.kernel.length === 4 ? s.kernel[0] * s.kernel[1] : 1;
    const fanIn = receptive * s.kernel[s.kernel.length - 2];
    const fanOut = receptive * s.kernel[s.kernel.length - 1];
    const gain = 'activation' in layer && layer.activation === 'relu' ? Math.SQRT2 : 1;
    const limit = gain * Math.sqrt(6 / (fanIn + fanOut));
    const kernel = new Float32Array(s.kernel.reduce((a, b) => a * b, 1));
    for (let i = 0; i < kernel.length; i++) kernel[i] = (rand() * 2 - 1) * limit;
    params.set(layer.name, { kernel, bias: s.bias ? new Float32Array(s.bias[0]) : undefined });
  }
  return { spec, params };
}
