/**
 * Model files in the TensorFlow.js Layers format: model.json (modelTopology + weightsManifest) and float32 weight
 * shards. What we write opens with `tf.loadLayersModel`; Sequential models written by TensorFlow.js or converted
 * from Keras, made only of the layers in spec.ts, open here. Anything else is refused with a message that names
 * the problem: the file is untrusted input.
 */
import {
  ACTIVATIONS,
  LAYER_KINDS,
  LIMITS,
  type ActivationName,
  type LayerParams,
  type LayerSpec,
  type LoadedModel,
  type ModelSpec,
} from './spec.ts';
import { layerShapes, paramShapes } from './shapes.ts';
import { isObj } from '../util/guards.ts';
import { fetchOk } from '../util/fetch.ts';
import { concatF32 } from '../util/array.ts';

export { LIMITS };

export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string | null;
  modelTopology: {
    class_name: 'Sequential';
    config: { name: string; layers: { class_name: string; config: Record<string, unknown> }[] };
    keras_version: string;
    backend: string;
  };
  weightsManifest: { paths: string[]; weights: WeightEntry[] }[];
}

export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}

/** Larger weights are refused: trained models stay far below, and beyond it a few layers overflow float32 to ±Inf. */
export const MAX_ABS_WEIGHT = 1e6;

const fail = (msg: string): never => {
  throw new ModelFormatError(`model file: ${msg}`);
};

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------------------
// Reading

/** Parses model.json and its weight shards (in manifest order: groups, then paths) into a LoadedModel. */
export function parseModel(modelJson: unknown, shards: ArrayBuffer[]): LoadedModel {
  const spec = parseTopology(modelJson);
  const manifest = parseManifest((modelJson as Json).weightsManifest);
  // Match weights to layers first: a wrong shape is a clearer message than the byte count it causes.
  const wanted = new Map<string, { layer: string; kind: 'kernel' | 'bias'; size: number }>();
  const unused = new Set(manifest.map((w) => w.name));
  for (const [layer, shapes] of paramShapes(spec)) {
    for (const kind of ['kernel', 'bias'] as const) {
      const shape = shapes[kind];
      if (!shape) continue;
      // TensorFlow.js names weights `${layer}/kernel`; Keras conversions may add a scope ("model/dense/kernel").
      const suffix = `${layer}/${kind}`;
      const entry = manifest.find((w) => unused.has(w.name) && (w.name === suffix || w.name.endsWith(`/${suffix}`)));
      if (!entry) return fail(`layer ${layer} has no ${kind} in the weights manifest`);
      if (!sameShape(entry.shape, shape)) fail(`${entry.name} has shape [${entry.shape}] but layer ${layer} needs [${shape}]`);
      unused.delete(entry.name);
      wanted.set(entry.name, { layer, kind, size: shape.reduce((a, b) => a * b, 1) });
    }
  }
  if (unused.size) fail(`weights ${[...unused].join(', ')} belong to no layer`);

  const expected = manifest.reduce((n, w) => n + w.size * 4, 0);
  const total = shards.reduce((n, s) => n + s.byteLength, 0);
  if (total < expected) fail(`weights are truncated: the manifest needs ${expected} bytes, the shards hold ${total}`);
  if (total > expected) fail(`weight shards hold ${total} bytes but the manifest describes only ${expected}`);
  const data = concat(shards);
  const params = new Map<string, LayerParams>();
  let offset = 0;
  for (const w of manifest) {
    const values = new Float32Array(data.slice(offset, offset + w.size * 4));
    offset += w.size * 4;
    const bad = values.findIndex((v) => !(Math.abs(v) <= MAX_ABS_WEIGHT));
    if (bad >= 0) {
      const why = Number.isFinite(values[bad]) ? `; weights beyond ±${MAX_ABS_WEIGHT} overflow float32 in a few layers` : '';
      fail(`weight ${w.name} holds ${values[bad]} at index ${bad}${why}`);
    }
    const { layer, kind, size } = wanted.get(w.name)!;
    // The engine trusts these lengths (kernels never validate): a short array would make it read past the weights.
    if (values.length !== size) fail(`weight ${w.name} holds ${values.length} values but layer ${layer} needs ${size}`);
    params.set(layer, { ...params.get(layer)!, [kind]: values });
  }
  return { spec, params };
}

function parseManifest(raw: unknown): (WeightEntry & { size: number })[] {
  if (!Array.isArray(raw)) return fail('weightsManifest is missing or not a list');
  const out: (WeightEntry & { size: number })[] = [];
  const names = new Set<string>();
  for (const group of raw) {
    if (!isObj(group) || !Array.isArray(group.weights)) fail('a weightsManifest group has no weights list');
    for (const w of (group as Json).weights as unknown[]) {
      if (!isObj(w) || typeof w.name !== 'string' || !Array.isArray(w.shape)) fail('a weights entry lacks name or shape');
      const { name, shape, dtype } = w as { name: string; shape: unknown[]; dtype?: unknown };
      // A second entry of the same name would bypass the shape check of the first (matching is by name).
      if (names.has(name)) fail(`weight ${name} appears twice in the weights manifest`);
      names.add(name);
      if (isObj((w as Json).quantization)) fail(`weight ${name} is quantized; only float32 weights are supported`);
      if ((dtype ?? 'float32') !== 'float32') fail(`weight ${name} is ${String(dtype)}; only float32 is supported`);
      const dims = shape.map((d) => checkDim(d, `weight ${name}`));
      const size = dims.reduce((a, b) => a * b, 1);
      if (size > LIMITS.maxParams) fail(`weight ${name} has ${size} values, more than the ${LIMITS.maxParams} allowed`);
      out.push({ name, shape: dims, dtype: 'float32', size });
    }
  }
  return out;
}

/** The Sequential topology → ModelSpec, with every attribute checked against what the engine supports. */
export function parseTopology(modelJson: unknown): ModelSpec {
  if (!isObj(modelJson)) return fail('model.json is not a JSON object');
  let topo = modelJson.modelTopology;
  if (isObj(topo) && isObj(topo.model_config)) topo = topo.model_config; // Keras conversions wrap it
  if (!isObj(topo)) return fail('modelTopology is missing');
  if (topo.class_name !== 'Sequential') fail(`only Sequential models are supported, not ${String(topo.class_name)}`);
  const config = topo.config;
  // Keras 2.2 wrote the layer list as the config itself.
  const rawLayers = Array.isArray(config) ? config : isObj(config) ? config.layers : undefined;
  if (!Array.isArray(rawLayers) || rawLayers.length === 0) return fail('the model has no layers');
  if (rawLayers.length > LIMITS.maxLayers) fail(`the model has ${rawLayers.length} layers, more than ${LIMITS.maxLayers}`);
  const name = isObj(config) && typeof config.name === 'string' ? config.name : 'sequential';

  let inputShape: number[] | undefined;
  const layers: LayerSpec[] = [];
  for (const [i, raw] of rawLayers.entries()) {
    if (!isObj(raw) || typeof raw.class_name !== 'string' || !isObj(raw.config)) fail(`layer ${i} is malformed`);
    const cls = (raw as Json).class_name as string;
    const cfg = (raw as Json).config as Json;
    const batchShape = cfg.batch_input_shape ?? cfg.batch_shape;
    if (inputShape === undefined && Array.isArray(batchShape)) {
      inputShape = batchShape.slice(1).map((d) => checkDim(d, 'input shape'));
    }
    if (cls === 'InputLayer') continue;
    const layer = parseLayer(cls, cfg, i);
    if (layers.some((l) => l.name === layer.name)) fail(`two layers are named ${layer.name}`);
    layers.push(layer);
  }
  if (!inputShape) return fail('the first layer does not declare batch_input_shape');
  if (inputShape.length === 0) fail('the input shape is empty');
  const spec = { name, inputShape, layers };
  layerShapes(spec); // throws on shapes that do not chain
  return spec;
}

function parseLayer(cls: string, cfg: Json, i: number): LayerSpec {
  const name = typeof cfg.name === 'string' && cfg.name ? cfg.name : `layer_${i}`;
  const where = `layer ${name} (${cls})`;
  const format = cfg.data_format ?? 'channels_last';
  if (format !== 'channels_last') fail(`${where}: data_format ${String(format)} is not supported (channels_last only)`);
  switch (cls) {
    case 'Dense': {
      const units = checkDim(cfg.units, `${where} units`, LIMITS.maxUnits);
      return { kind: 'Dense', name, units, activation: activation(cfg.activation, where), useBias: bool(cfg.use_bias, true) };
    }
    case 'Conv2D': {
      const kernelSize = pair(cfg.kernel_size, `${where} kernel_size`);
      const strides = pair(cfg.strides ?? [1, 1], `${where} strides`);
      if (strides[0] !== strides[1]) fail(`${where}: strides [${strides}] are not supported (the same both ways)`);
      const dilation = pair(cfg.dilation_rate ?? [1, 1], `${where} dilation_rate`);
      if (dilation[0] !== 1 || dilation[1] !== 1) fail(`${where}: dilation_rate [${dilation}] is not supported`);
      if ((cfg.groups ?? 1) !== 1) fail(`${where}: grouped convolutions are not supported`);
      return {
        kind: 'Conv2D',
        name,
        filters: checkDim(cfg.filters, `${where} filters`),
        kernelSize,
        strides: strides[0],
        padding: padding(cfg.padding, where),
        activation: activation(cfg.activation, where),
        useBias: bool(cfg.use_bias, true),
      };
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const pool = pair(cfg.pool_size ?? [2, 2], `${where} pool_size`);
      const strides = cfg.strides == null ? pool : pair(cfg.strides, `${where} strides`);
      if (padding(cfg.padding, where) !== 'valid') fail(`${where}: only 'valid' pooling is supported (no padding)`);
      // The shipped CNN's 2×2 stride 2 stays a bare { kind, name }: its spec reads as it always did.
      const plain = pool.join() === '2,2' && strides.join() === '2,2';
      return { kind: cls, name, ...(plain ? {} : { poolSize: pool, strides }) };
    }
    case 'ZeroPadding2D':
      return { kind: 'ZeroPadding2D', name, padding: zeroPadding(cfg.padding ?? 1, where) };
    case 'LeakyReLU': {
      // tfjs and Keras 2 call the slope alpha (default 0.3); Keras 3 calls it negative_slope.
      const alpha = cfg.alpha ?? cfg.negative_slope ?? 0.3;
      if (typeof alpha !== 'number' || !Number.isFinite(alpha)) fail(`${where}: alpha ${JSON.stringify(alpha)} is not a number`);
      return { kind: 'LeakyReLU', name, alpha: alpha as number };
    }
    case 'Flatten':
      return { kind: 'Flatten', name };
    case 'Activation':
      return { kind: 'Activation', name, activation: activation(cfg.activation, where) };
    default:
      return fail(`${where}: unsupported layer type ${cls} (supported: ${LAYER_KINDS.join(', ')})`);
  }
}

function activation(v: unknown, where: string): ActivationName {
  const a = v ?? 'linear';
  if (typeof a !== 'string' || !(ACTIVATIONS as readonly string[]).includes(a)) {
    return fail(`${where}: activation ${JSON.stringify(a)} is not supported (${ACTIVATIONS.join(', ')})`);
  }
  return a as ActivationName;
}

function padding(v: unknown, where: string): 'valid' | 'same' {
  const p = v ?? 'valid';
  if (p !== 'valid' && p !== 'same') return fail(`${where}: padding ${JSON.stringify(p)} is not supported`);
  return p;
}

/** Keras' ZeroPadding2D padding: p (all sides), [ph, pw] (symmetric) or [[top, bottom], [left, right]]. */
function zeroPadding(v: unknown, where: string): [[number, number], [number, number]] {
  const n = (x: unknown) => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > LIMITS.maxDim) {
      return fail(`${where}: padding ${JSON.stringify(v)} must hold sizes from 0 to ${LIMITS.maxDim}`);
    }
    return x;
  };
  if (typeof v === 'number') return [[n(v), n(v)], [n(v), n(v)]];
  if (Array.isArray(v) && v.length === 2 && v.every((d) => typeof d === 'number')) return [[n(v[0]), n(v[0])], [n(v[1]), n(v[1])]];
  if (Array.isArray(v) && v.length === 2 && v.every((d) => Array.isArray(d) && d.length === 2)) {
    return [[n(v[0][0]), n(v[0][1])], [n(v[1][0]), n(v[1][1])]];
  }
  return fail(`${where}: padding ${JSON.stringify(v)} is not p, [ph, pw] or [[top, bottom], [left, right]]`);
}

function pair(v: unknown, what: string): [number, number] {
  const a = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(a) || a.length !== 2) return fail(`${what} must be two numbers`);
  return [checkDim(a[0], what), checkDim(a[1], what)];
}

function bool(v: unknown, dflt: boolean): boolean {
  return typeof v === 'boolean' ? v : dflt;
}

function checkDim(v: unknown, what: string, max = LIMITS.maxDim): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    return fail(`${what}: ${JSON.stringify(v)} is not a size from 1 to ${max}`);
  }
  return v;
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

function concat(buffers: ArrayBuffer[]): ArrayBuffer {
  if (buffers.length === 1) return buffers[0];
  const out = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let o = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), o);
    o += b.byteLength;
  }
  return out.buffer;
}

/** Fetches model.json and its shards (paths relative to it). */
export async function loadModelFromUrl(url: string, fetchFn: typeof fetch = fetch): Promise<LoadedModel> {
  const get = (u: string) => fetchOk(u, (m) => new ModelFormatError(`model file: ${m}`), fetchFn);
  let json: unknown;
  try {
    json = await (await get(url)).json();
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    return fail(`${url} is not valid JSON`);
  }
  const paths = manifestPaths(json);
  const shards = await Promise.all(paths.map(async (p) => (await get(new URL(p, url).href)).arrayBuffer()));
  return parseModel(json, shards);
}

/** The shard paths of a model.json, in order; refuses paths that leave the model's folder. */
export function manifestPaths(modelJson: unknown): string[] {
  const m = isObj(modelJson) ? modelJson.weightsManifest : undefined;
  if (!Array.isArray(m)) return fail('weightsManifest is missing or not a list');
  const paths = m.flatMap((g) => (isObj(g) && Array.isArray(g.paths) ? g.paths : fail('a manifest group has no paths')));
  for (const p of paths) {
    if (typeof p !== 'string' || p === '' || p.includes('..') || p.startsWith('/') || p.includes(':')) {
      fail(`weight path ${JSON.stringify(p)} is not a plain file name beside model.json`);
    }
  }
  return paths as string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

export const SHARD_NAME = 'group1-shard1of1.bin';

/** A LoadedModel → model.json (as TensorFlow.js writes it) and one float32 shard. */
export function serializeModel(model: LoadedModel): { modelJson: ModelJson; weightData: ArrayBuffer } {
  const { spec, params } = model;
  const weights: WeightEntry[] = [];
  const arrays: Float32Array[] = [];
  for (const [layer, shapes] of paramShapes(spec)) {
    const p = params.get(layer);
    if (!p) throw new Error(`serializeModel: no parameters for layer ${layer}`);
    weights.push({ name: `${layer}/kernel`, shape: shapes.kernel, dtype: 'float32' });
    arrays.push(p.kernel);
    if (shapes.bias) {
      weights.push({ name: `${layer}/bias`, shape: shapes.bias, dtype: 'float32' });
      arrays.push(p.bias!);
    }
  }
  const weightData = concatF32(arrays);
  const layers = spec.layers.map((l, i) => ({
    class_name: l.kind,
    config: { ...layerConfig(l), ...(i === 0 ? { batch_input_shape: [null, ...spec.inputShape], dtype: 'float32' } : {}) },
  }));
  const modelJson: ModelJson = {
    format: 'layers-model',
    generatedBy: 'Seeing Digits',
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: { name: spec.name, layers },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    weightsManifest: [{ paths: [SHARD_NAME], weights }],
  };
  return { modelJson, weightData: weightData.buffer };
}

function layerConfig(l: LayerSpec): Record<string, unknown> {
  const base = { name: l.name, trainable: true };
  switch (l.kind) {
    case 'Dense':
      return { ...base, units: l.units, activation: l.activation, use_bias: l.useBias };
    case 'Conv2D':
      return {
        ...base,
        filters: l.filters,
        kernel_size: l.kernelSize,
        strides: [l.strides, l.strides],
        padding: l.padding,
        data_format: 'channels_last',
        dilation_rate: [1, 1],
        activation: l.activation,
        use_bias: l.useBias,
      };
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const pool = l.poolSize ?? [2, 2];
      return { ...base, pool_size: pool, strides: l.strides ?? [2, 2], padding: 'valid', data_format: 'channels_last' };
    }
    case 'ZeroPadding2D':
      return { ...base, padding: l.padding, data_format: 'channels_last' };
    case 'LeakyReLU':
      return { ...base, alpha: l.alpha };
    case 'Flatten':
      return base;
    case 'Activation':
      return { ...base, activation: l.activation };
  }
}
