/**
 * The explorer's precomputed data files, declared once: written beside each model by src/interpret/explore.ts
 * (`seeing-digits explore`), read by the extension's explorer (extension/models/<id>/pca.json and neurons.json).
 * Optional fields are ones a reader must do without (files written by hand or by older versions).
 */

export const PCA_FILE = 'pca.json';
export const NEURONS_FILE = 'neurons.json';

/**
 * pca.json: a 2-D PCA of one hidden layer's activations over MNIST test digits.
 * x, y of each point = components · (activation − mean), so the page can place any new input on the same map.
 */
export interface PcaFile {
  /** The model's name (informational; the path says which model). */
  model?: string;
  /** Name of the layer whose output (post-activation, flattened) is projected. */
  layer: string;
  /** 2 × d: the first two principal axes (unit vectors). */
  components: number[][];
  /** d: the mean activation that was subtracted. */
  mean: number[];
  /** Fraction of variance along each component (optional, shown in axis titles). */
  explained?: number[];
  points: PcaPoint[];
}

export interface PcaPoint {
  x: number;
  y: number;
  /** True digit 0–9. */
  label: number;
  /** The model's prediction, when different points should be highlighted (optional). */
  pred?: number;
  /** Index into the MNIST test set (optional). */
  index?: number;
}

/**
 * neurons.json: per hidden unit (Dense neuron or Conv2D channel), the MNIST test digits that excite it most.
 * Images are stored once and referenced by test index, since the same digits top many units.
 */
export interface NeuronsFile {
  model?: string;
  /** MNIST test index → base64 of 784 bytes (28×28 row-major, 0–255, ink bright on dark as the models see it). */
  images: Record<string, string>;
  layers: NeuronLayer[];
}

export interface NeuronLayer {
  name: string;
  kind: 'Dense' | 'Conv2D';
  /** Neurons (Dense) or channels (Conv2D). */
  units: number;
  /** top[u]: the digits exciting unit u most, strongest first. A Conv2D channel's activation is its spatial max. */
  top: NeuronTop[][];
}

export interface NeuronTop {
  /** Index into the MNIST test set. */
  index: number;
  label: number;
  activation: number;
}
