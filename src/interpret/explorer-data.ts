/**
 * The whole-network data precomputed beside each shipped model (extension/models/<id>/, written by
 * `seeing-digits explore --model ID` and `seeing-digits compare --write`): schemas declared once, used by the writers
 * (src/interpret/*.ts, src/cli/explore.ts) and the readers (the explorer, the CLI, the tests). Pure: no Node APIs.
 *
 * Large arrays live in one little-endian binary file per kind, described by a JSON header with byte offsets
 * (offsets are multiples of 4, so Float32Array views need no copy).
 */

export const FILES = {
  testMetrics: 'test-metrics.json',
  probe: 'probe.json',
  pcaHeader: 'pca-layers.json',
  pcaData: 'pca-layers.bin',
  units: 'units.json',
  typicalityHeader: 'typicality.json',
  typicalityData: 'typicality.bin',
  compare: 'compare.json',
  digitsAtlas: 'digits.png',
} as const;

export const DATA_VERSION = 1;

/** A test digit the model gets wrong. */
export interface Mistake {
  index: number;
  label: number;
  pred: number;
  /** The predicted class's probability. */
  confidence: number;
}

/** test-metrics.json */
export interface TestMetricsFile {
  version: number;
  model: string;
  count: number;
  accuracy: number;
  perClass: number[];
  /** confusion[true][predicted]; sums to count. */
  confusion: number[][];
  /** Every misclassified test digit, most confident first. */
  misclassified: Mistake[];
  /** Mistakes made with at least this confidence are "confidently wrong". */
  confidentThreshold: number;
  confidentlyWrong: number;
  /** digits.png holds these test digits, in this order, ATLAS_COLUMNS a row. */
  atlas: number[];
}

export const ATLAS_COLUMNS = 32;

/** probe.json: a linear probe's test accuracy at every layer (see src/interpret/probe.ts). */
export interface ProbeFile {
  version: number;
  model: string;
  method: string;
  trainCount: number;
  testCount: number;
  epochs: number;
  layers: { layer: string; dim: number; trainAccuracy: number; testAccuracy: number }[];
}

/** Offsets and lengths in the binary file. */
export interface Span {
  offset: number;
  length: number;
}

/** pca-layers.json (+ pca-layers.bin): PCA of every layer over the test digits. */
export interface PcaLayersHeader {
  version: number;
  model: string;
  count: number;
  /** Uint8 count: true labels; the model's predictions. */
  labels: Span;
  predictions: Span;
  layers: PcaLayerHeader[];
}

export interface PcaLayerHeader {
  layer: string;
  shape: number[];
  dim: number;
  method: 'exact' | 'subspace';
  /** The first eigenvalues of the covariance, their share of the total variance, the total. */
  eigenvalues: number[];
  explained: number[];
  totalVariance: number;
  /** Float32 dim; Float32 2 × dim (axis 0, then axis 1). */
  mean: Span;
  components: Span;
  /** Uint16 count × 2 (x, y): value = min + q / 65535 · (max − min), per axis. */
  points: Span;
  range: { x: [number, number]; y: [number, number] };
}

export interface PcaLayerData {
  header: PcaLayerHeader;
  mean: Float32Array;
  components: [Float32Array, Float32Array];
  /** count × 2, dequantised. */
  points: Float32Array;
}

export const QUANT = 65535;

/** units.json: per hidden unit (Dense neuron, Conv2D channel) over the test digits. */
export interface UnitsFile {
  version: number;
  model: string;
  baseAccuracy: number;
  /** Test digits kept per unit, at each end. */
  top: number;
  layers: UnitsLayer[];
}

export interface UnitsLayer {
  layer: string;
  kind: 'Dense' | 'Conv2D';
  activation: string;
  units: number;
  /** Histogram of the unit's output (conv: every position of every digit): `bins` equal bins over [lo, hi]. */
  histogram: { lo: number; hi: number; bins: number; counts: number[][] };
  /** tanh only: per unit, the share of outputs with |a| > 0.99. */
  saturated?: number[];
  /** Per unit: test digits ranked by pre-activation (conv: its maximum over positions), highest / lowest first. */
  topDigits: number[][];
  topValues: number[][];
  bottomDigits: number[][];
  bottomValues: number[][];
  /** Per unit: test accuracy lost when the unit's output is held at zero. */
  ablationDrop: number[];
}

/** typicality.json (+ typicality.bin): Mahalanobis distance to class-conditional Gaussians (Lee et al. 2018). */
export interface TypicalityHeader {
  version: number;
  model: string;
  layer: string;
  dim: number;
  classes: number;
  fitCount: number;
  /** Added to the shared covariance's diagonal before inverting (relu units that never fire have zero variance). */
  ridge: number;
  /** Float32 classes × dim; Float32 dim × dim. */
  means: Span;
  precision: Span;
  /** Distances above this are "not like the digits I know": the 99th percentile of held-out training digits. */
  threshold: number;
  thresholdFrom: string;
  /** Measured on the MNIST test digits against non-digits (see src/data/nondigits-node.ts). */
  evaluation: { testDigits: number; nonDigits: number; auroc: number; aurocLetters: number; aurocShapes: number; testAboveThreshold: number; nonDigitsAboveThreshold: number };
}

export interface TypicalityData {
  header: TypicalityHeader;
  means: Float32Array;
  precision: Float32Array;
}

/** compare.json: both shipped models over the test digits (written into each model's folder). */
export interface CompareFile {
  version: number;
  models: string[];
  count: number;
  accuracy: Record<string, number>;
  perClass: Record<string, number[]>;
  confusion: Record<string, number[][]>;
  /** Digits where the models' predictions differ (at least one of them is wrong). */
  disagreements: { index: number; label: number; preds: Record<string, number>; confidence: Record<string, number> }[];
  bothWrong: number;
}

export class DataFormatError extends Error {}

function check(ok: unknown, file: string, what: string): asserts ok {
  if (!ok) throw new DataFormatError(`${file}: ${what}`);
}

function view<T extends Float32Array | Uint16Array | Uint8Array>(
  make: new (b: ArrayBuffer, o: number, l: number) => T,
  buf: ArrayBuffer,
  s: Span,
  file: string,
): T {
  const bytes = make === (Uint8Array as unknown) ? 1 : make === (Uint16Array as unknown) ? 2 : 4;
  check(Number.isInteger(s?.offset) && Number.isInteger(s?.length) && s.offset % bytes === 0, file, 'bad span');
  check(s.offset + s.length * bytes <= buf.byteLength, file, `span ${s.offset}+${s.length} is past the end (${buf.byteLength} bytes)`);
  return new make(buf, s.offset, s.length);
}

/** One layer of pca-layers.bin, dequantised. */
export function readPcaLayer(header: PcaLayersHeader, bin: ArrayBuffer, layer: string, file = FILES.pcaData): PcaLayerData {
  check(header?.version === DATA_VERSION, file, `version ${header?.version}, expected ${DATA_VERSION}`);
  const h = header.layers.find((l) => l.layer === layer);
  check(h, file, `no layer "${layer}" (has ${header.layers.map((l) => l.layer).join(', ')})`);
  const mean = view(Float32Array, bin, h.mean, file);
  const comps = view(Float32Array, bin, h.components, file);
  check(mean.length === h.dim && comps.length === 2 * h.dim, file, `layer ${layer}: sizes do not match dim ${h.dim}`);
  const q = view(Uint16Array, bin, h.points, file);
  check(q.length === header.count * 2, file, `layer ${layer}: ${q.length / 2} points, expected ${header.count}`);
  const points = new Float32Array(q.length);
  const [x0, x1] = h.range.x, [y0, y1] = h.range.y;
  for (let i = 0; i < q.length; i += 2) {
    points[i] = x0 + (q[i] / QUANT) * (x1 - x0);
    points[i + 1] = y0 + (q[i + 1] / QUANT) * (y1 - y0);
  }
  return { header: h, mean, components: [comps.subarray(0, h.dim), comps.subarray(h.dim)], points };
}

export function readPcaLabels(header: PcaLayersHeader, bin: ArrayBuffer): { labels: Uint8Array; predictions: Uint8Array } {
  return { labels: view(Uint8Array, bin, header.labels, FILES.pcaData), predictions: view(Uint8Array, bin, header.predictions, FILES.pcaData) };
}

export function readTypicality(header: TypicalityHeader, bin: ArrayBuffer, file = FILES.typicalityData): TypicalityData {
  check(header?.version === DATA_VERSION, file, `version ${header?.version}, expected ${DATA_VERSION}`);
  const means = view(Float32Array, bin, header.means, file);
  const precision = view(Float32Array, bin, header.precision, file);
  check(means.length === header.classes * header.dim && precision.length === header.dim ** 2, file, 'sizes do not match the header');
  return { header, means, precision };
}

/** Lays out typed arrays one after another (4-byte aligned) and returns the spans and the bytes. */
export function packBinary(parts: (Float32Array | Uint16Array | Uint8Array)[]): { spans: Span[]; bytes: Uint8Array } {
  const spans: Span[] = [];
  let offset = 0;
  for (const p of parts) {
    spans.push({ offset, length: p.length });
    offset += Math.ceil(p.byteLength / 4) * 4;
  }
  const bytes = new Uint8Array(offset);
  parts.forEach((p, i) => bytes.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), spans[i].offset));
  return { spans, bytes };
}
