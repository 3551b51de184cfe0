/**
 * Layer and activation names, declared once. The AssemblyScript engine, the TensorFlow.js engine and the
 * model-file reader/writer (src/model/format.ts) all use these; the class names are Keras'/TensorFlow.js'.
 */
export const LAYER_KINDS = [
  'Dense', 'Conv2D', 'MaxPooling2D', 'AveragePooling2D', 'ZeroPadding2D', 'LeakyReLU', 'Flatten', 'Activation',
] as const;
export type LayerKind = (typeof LAYER_KINDS)[number];

/** Limits that keep a hostile or broken model file from asking for absurd amounts of memory. */
export const LIMITS = { maxLayers: 64, maxDim: 4096, maxUnits: 1 << 16, maxParams: 32 << 20 };

export const ACTIVATIONS = ['linear', 'tanh', 'relu', 'sigmoid', 'softmax', 'elu'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export interface DenseSpec {
  kind: 'Dense';
  name: string;
  units: number;
  activation: ActivationName;
  useBias: boolean;
}

export interface Conv2DSpec {
  kind: 'Conv2D';
  name: string;
  filters: number;
  kernelSize: [number, number];
  /** The same both ways; any s ≥ 1 (the kernels are written for any stride; PyTorch CNNs use 1 and 2). */
  strides: number;
  padding: 'valid' | 'same';
  activation: ActivationName;
  useBias: boolean;
}

/**
 * Pooling over poolSize windows every `strides` pixels, 'valid' padding with TensorFlow's and PyTorch's floor rule:
 * oh = floor((h − ph) / sh) + 1. Without poolSize and strides: 2×2 windows, stride 2 (the shipped CNN's).
 */
export interface MaxPooling2DSpec {
  kind: 'MaxPooling2D';
  name: string;
  poolSize?: [number, number];
  strides?: [number, number];
}

/** Mean over each window, same geometry as MaxPooling2DSpec ('valid' windows hold no padding to count). */
export interface AveragePooling2DSpec {
  kind: 'AveragePooling2D';
  name: string;
  poolSize?: [number, number];
  strides?: [number, number];
}

/** Zeros around the image: [[top, bottom], [left, right]] rows and columns (Keras' ZeroPadding2D). */
export interface ZeroPadding2DSpec {
  kind: 'ZeroPadding2D';
  name: string;
  padding: [[number, number], [number, number]];
}

/** y = x > 0 ? x : alpha·x, a layer of its own as in Keras (there is no leaky-relu activation string). */
export interface LeakyReLUSpec {
  kind: 'LeakyReLU';
  name: string;
  alpha: number;
}

export interface FlattenSpec {
  kind: 'Flatten';
  name: string;
}

export interface ActivationSpec {
  kind: 'Activation';
  name: string;
  activation: ActivationName;
}

export type LayerSpec =
  | DenseSpec
  | Conv2DSpec
  | MaxPooling2DSpec
  | AveragePooling2DSpec
  | ZeroPadding2DSpec
  | LeakyReLUSpec
  | FlattenSpec
  | ActivationSpec;

export type PoolingSpec = MaxPooling2DSpec | AveragePooling2DSpec;

/** A Sequential model: input shape without the batch dimension ([28, 28, 1] for ours), then its layers. */
export interface ModelSpec {
  name: string;
  inputShape: number[];
  layers: LayerSpec[];
}

/** Parameters of a Dense or Conv2D layer in TensorFlow.js layout: kernel [nIn, nOut] or [kh, kw, c, co]. */
export interface LayerParams {
  kernel: Float32Array;
  bias?: Float32Array;
}

/** A model ready to run: its spec and, for each layer with parameters, those parameters (by layer name). */
export interface LoadedModel {
  spec: ModelSpec;
  params: Map<string, LayerParams>;
}

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
