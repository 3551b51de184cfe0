/** The two shipped architectures and their seeded initialisation. */
import { paramShapes } from '../model/shapes.ts';
import type { Conv2DSpec, LayerParams, LoadedModel, ModelSpec } from '../model/spec.ts';
import { mulberry32 } from '../util/random.ts';
import { CLASSES, INPUT_SHAPE, type ModelId } from '../model/shipped.ts';

/** The shipped models' architectures, by model id. */
export type Architecture = ModelId;

/** The notebook's MLP: 784 → 128 (tanh) → 64 (tanh) → 10. */
export function mlpSpec(): ModelSpec {
  return {
    name: 'seeing-digits-mlp',
    inputShape: [...INPUT_SHAPE],
    layers: [
      { kind: 'Flatten', name: 'flatten' },
      { kind: 'Dense', name: 'hidden1', units: 128, activation: 'tanh', useBias: true },
      { kind: 'Dense', name: 'hidden2', units: 64, activation: 'tanh', useBias: true },
      { kind: 'Dense', name: 'output', units: CLASSES, activation: 'softmax', useBias: true },
    ],
  };
}

/** Two conv blocks (16 and 32 channels, so every channel fits in the popup) and a dense head. */
export function cnnSpec([c1, c2, hidden] = [16, 32, 128]): ModelSpec {
  const conv = (name: string, filters: number): Conv2DSpec => ({
    kind: 'Conv2D', name, filters, kernelSize: [3, 3], strides: 1, padding: 'same', activation: 'relu', useBias: true,
  });
  return {
    name: 'seeing-digits-cnn',
    inputShape: [...INPUT_SHAPE],
    layers: [
      conv('conv1', c1),
      { kind: 'MaxPooling2D', name: 'pool1' },
      conv('conv2', c2),
      { kind: 'MaxPooling2D', name: 'pool2' },
      { kind: 'Flatten', name: 'flatten' },
      { kind: 'Dense', name: 'hidden', units: hidden, activation: 'relu', useBias: true },
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
