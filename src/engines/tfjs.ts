/**
 * TensorFlow.js as an InferenceEngine, on its webgl, wasm or cpu backend: the fallback when WebAssembly SIMD is
 * missing, and the reference the SIMD engine is checked against.
 *
 * Models are loaded the way any TensorFlow.js user would (serializeModel → tf.io.fromMemory → tf.loadLayersModel),
 * with one change to the topology: every Dense/Conv2D with a non-linear activation is split into the same layer
 * with activation 'linear' followed by an Activation layer. The weights are untouched, the function is the same,
 * and the pre-activations (and so the logits, the last layer's pre-softmax) become ordinary layer outputs.
 *
 * The packages are imported as ESM (tfjs-core, tfjs-layers) and backends are imported on first use: the prebuilt
 * tf.min.js bundle trips `eval` under the extension's CSP, and a page that only needs cpu should not load webgl.
 * Only functional ops (tf.cast(x)), never chained ones (x.cast()): those are registered by the @tensorflow/tfjs
 * union package, which the worker does not load.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { EngineKind, InferenceEngine, InputGradients, LayerOutput, ModelExtras, Prediction } from './types.ts';
import { HookIndex, type CacheOptions, type HookPoint, type HookRun, type Intervention } from '../interpret/hooks.ts';
import { allocateRun, isAfter, planRun, type ResolvedObjective, type RunPlan } from '../interpret/hook-plan.ts';
import type { ActivationName, LayerSpec, LoadedModel } from '../model/spec.ts';
import { serializeModel } from '../model/format.ts';
import { layerShapes, size } from '../model/shapes.ts';
import { EngineLostError } from './lost.ts';

export const TFJS_BACKENDS = ['webgl', 'wasm', 'cpu'] as const;
export type TfjsBackend = (typeof TFJS_BACKENDS)[number];

export interface TfjsEngineOptions {
  backend: TfjsBackend;
  /**
   * Where the tfjs-backend-wasm .wasm files are (a URL prefix ending in '/', e.g. the extension's
   * `chrome.runtime.getURL('tfjs/')`). Node finds them beside the package without it.
   */
  wasmPath?: string;
}

/** One loaded model: a LayersModel that outputs every (split) layer, and one that outputs only the logits. */
interface Loaded {
  model: LoadedModel;
  layers: tfl.LayersModel;
  all: tfl.LayersModel;
  logits: tfl.LayersModel;
  /** For each spec layer: index of its output in `all`'s outputs, and of its pre-activation when split. */
  map: { out: number; pre?: number }[];
  /** Index of the logits in `all`'s outputs. */
  logitsOut: number;
  /** The spec layers up to the logits, with their weights, for gradients (see forwardToLogits). */
  logitsPath: { spec: LayerSpec; kernel?: tf.Tensor; bias?: tf.Tensor; linear: boolean }[];
  /** Every spec layer with its weights, for runs with hooks (see forwardHooked). */
  path: { spec: LayerSpec; kernel?: tf.Tensor; bias?: tf.Tensor }[];
  index: HookIndex;
  extras: ModelExtras;
  /** Where the logits are, as a tensor key of HookIndex. */
  logitsAt: { layer: number; site: 'pre' | 'out' };
  shapes: number[][];
  inputSize: number;
  classes: number;
}

export class TfjsEngine implements InferenceEngine {
  readonly kind: EngineKind;
  private readonly models = new Map<string, Loaded>();

  private constructor(readonly backend: TfjsBackend) {
    this.kind = `tfjs-${backend}`;
  }

  /** Starts the backend (throws with the reason when it cannot, e.g. no WebGL context). */
  static async create(opts: TfjsEngineOptions): Promise<TfjsEngine> {
    if (!(TFJS_BACKENDS as readonly string[]).includes(opts.backend)) {
      throw new Error(`tfjs engine: unknown backend ${JSON.stringify(opts.backend)} (${TFJS_BACKENDS.join(', ')})`);
    }
    if (opts.backend === 'webgl') replaceLostWebgl();
    await registerBackend(opts.backend, opts.wasmPath);
    const engine = new TfjsEngine(opts.backend);
    await exclusive(opts.backend, async () => {
      tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync()); // proves the backend can run a kernel
    });
    return engine;
  }

  async load(id: string, model: LoadedModel, extras: ModelExtras = {}): Promise<void> {
    const { modelJson, weightData } = serializeModel(model);
    const split = splitActivations(modelJson.modelTopology.config.layers, model.spec.layers);
    const topology = { ...modelJson.modelTopology, config: { ...modelJson.modelTopology.config, layers: split.layers } };
    const shapes = layerShapes(model.spec).map((s) => s.output);
    const logitsShape = shapes[split.logitsLayer] ?? model.spec.inputShape;
    if (logitsShape.length !== 1) {
      throw new Error(`tfjs engine: model ${id} must end in a flat layer of class scores, not [${logitsShape}]`);
    }
    await exclusive(this.backend, async () => {
      const artifacts = { modelTopology: topology, weightSpecs: modelJson.weightsManifest[0].weights, weightData };
      const layers = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
      const outputs = layers.layers.map((l) => l.output as tfl.SymbolicTensor);
      const all = tfl.model({ inputs: layers.inputs, outputs });
      const logits = tfl.model({ inputs: layers.inputs, outputs: outputs[split.logitsOutput] });
      this.drop(id);
      this.models.set(id, {
        model,
        layers,
        all,
        logits,
        map: split.map,
        logitsOut: split.logitsOutput,
        logitsPath: logitsPath(layers, model.spec.layers, split),
        path: logitsPath(layers, model.spec.layers, { logitsLayer: model.spec.layers.length - 1, pre: false }),
        index: new HookIndex(model.spec),
        extras,
        logitsAt: split.pre ? { layer: split.logitsLayer, site: 'pre' } : { layer: split.logitsLayer, site: 'out' },
        shapes,
        inputSize: size(model.spec.inputShape),
        classes: logitsShape[0],
      });
    });
  }

  async predict(id: string, input: Float32Array, opts: { activations?: boolean } = {}): Promise<Prediction> {
    const m = this.get(id);
    checkInput(input, m.inputSize, 1, id);
    return exclusive(this.backend, async () => {
      if (!opts.activations) {
        const [logits, probs] = tf.tidy(() => {
          const l = m.logits.predict(tf.tensor(input, [1, ...m.model.spec.inputShape])) as tf.Tensor;
          return [l, tf.softmax(l)];
        });
        const [l, p] = await readAll([logits, probs]);
        return { logits: l, probs: p };
      }
      const outs = tf.tidy(() => {
        const x = tf.tensor(input, [1, ...m.model.spec.inputShape]);
        const ys = m.all.predict(x) as tf.Tensor[];
        return [...ys, tf.softmax(ys[m.logitsOut])];
      });
      const data = await readAll(outs);
      const probs = data.pop()!;
      const layers = m.model.spec.layers.map((l, i): LayerOutput => ({
        name: l.name,
        kind: l.kind,
        ...('activation' in l ? { activation: l.activation } : {}),
        shape: m.shapes[i],
        ...(m.map[i].pre === undefined ? {} : { pre: data[m.map[i].pre!] }),
        out: data[m.map[i].out],
      }));
      return { logits: data[m.logitsOut].slice(), probs, layers };
    });
  }

  async inputGradients(id: string, inputs: Float32Array, count: number, target: number): Promise<InputGradients> {
    const m = this.get(id);
    checkInput(inputs, m.inputSize, count, id);
    if (!Number.isInteger(target) || target < 0 || target >= m.classes) {
      throw new Error(`tfjs engine: target ${target} is not a class of model ${id} (0 to ${m.classes - 1})`);
    }
    return exclusive(this.backend, async () => {
      const [logits, grads] = tf.tidy(() => {
        const x = tf.tensor(inputs, [count, ...m.model.spec.inputShape]);
        // d Σ_b logits[b, target] / dx with dy = one-hot(target): one backward pass gives every input's gradient,
        // since the inputs of a batch do not interact.
        const dy = tf.cast(tf.oneHot(tf.fill([count], target, 'int32') as tf.Tensor1D, m.classes), 'float32');
        const f = (t: tf.Tensor) => forwardToLogits(m, t);
        const { value, grad } = tf.valueAndGrad(f)(x, dy);
        return [value, grad];
      });
      const [l, g] = await readAll([logits, grads]);
      return { logits: l, grads: g };
    });
  }

  hookPoints(id: string): HookPoint[] {
    return this.get(id).index.points.map((p) => ({ ...p, shape: [...p.shape] }));
  }

  async runWithCache(id: string, inputs: Float32Array, count: number, opts?: CacheOptions): Promise<HookRun> {
    return this.run(id, inputs, count, [], opts, 'all');
  }

  async runWithHooks(id: string, inputs: Float32Array, count: number, hooks: readonly Intervention[], opts?: CacheOptions): Promise<HookRun> {
    return this.run(id, inputs, count, hooks, opts, 'none');
  }

  /**
   * The layers one by one with core ops, each edit applied as x ↦ keep ⊙ x + fill. Gradients at hook points are
   * taken through zero "probes" added to those tensors: d objective / d probe is the gradient at the (edited)
   * value, and tf.grads gives every probe's gradient in one backward pass.
   */
  private async run(id: string, inputs: unknown, count: unknown, hooks: unknown, opts: CacheOptions | undefined, names: 'all' | 'none') {
    const m = this.get(id);
    const plan = planRun(m.index, { inputs, count, inputSize: m.inputSize, classes: m.classes, means: m.extras.means }, hooks, opts, names);
    const n = plan.count;
    const o = plan.objective;
    const from = o ? (o.kind === 'class' ? m.logitsAt : o.tensor) : undefined;
    // Probes only where the objective depends on the value (tf.grads refuses inputs with no path to it).
    const probed = o ? [...plan.wanted.keys()].filter((k) => !isAfter(parseKey(k), from!)) : [];
    return exclusive(this.backend, async () => {
      const kept: tf.Tensor[] = [];
      const keep = (t: tf.Tensor) => (kept.push(tf.keep(t)), t);
      const acts = new Map<string, tf.Tensor>();
      let logits!: tf.Tensor;
      let probs!: tf.Tensor;
      let objective: tf.Tensor | undefined;
      try {
        const grads = tf.tidy(() => {
          const x = tf.tensor(inputs as Float32Array, [n, ...m.model.spec.inputShape]);
          const edits = editTensors(plan);
          const f = (...probes: tf.Tensor[]) => {
            const probeAt = new Map(probed.map((k, i) => [k, probes[i]]));
            const r = forwardHooked(m, x, edits, probeAt, (key, t) => {
              if (plan.wanted.has(key)) acts.set(key, keep(t));
            });
            logits = keep(r.logits);
            probs = keep(r.probs);
            if (!o) return r.logits;
            objective = keep(objectiveValues(o, o.kind === 'class' ? r.logits : r.at.get(HookIndex.key(o.tensor))!));
            return tf.sum(objective);
          };
          if (!o || probed.length === 0) {
            f();
            return [];
          }
          const zeros = probed.map((k) => tf.zeros([n, ...m.index.tensor(plan.wanted.get(k)![0]).point.shape]));
          return tf.grads(f)(zeros);
        });
        kept.push(...grads);
        const out = allocateRun(plan, m.classes);
        out.logits.set(await logits.data<'float32'>());
        out.probs.set(await probs.data<'float32'>());
        if (objective) out.objective!.set(await objective.data<'float32'>());
        for (const [key, ps] of plan.wanted) {
          const v = await acts.get(key)!.data<'float32'>();
          for (const p of ps) out.acts[p]!.set(v);
          const gi = probed.indexOf(key);
          if (gi < 0) continue;
          const g = await grads[gi].data<'float32'>();
          for (const p of ps) out.grads![p]!.set(g);
        }
        return out;
      } finally {
        tf.dispose(kept);
      }
    });
  }

  dispose(): void {
    try {
      for (const id of [...this.models.keys()]) this.drop(id);
    } catch (e) {
      // With its context lost, the webgl backend's textures are gone already; freeing them may throw.
      if (!(this.backend === 'webgl' && webglLost())) throw e;
      this.models.clear();
    }
  }

  /** Frees a model's weights (`all` and `logits` share its layers and hold no reference count of their own). */
  private drop(id: string) {
    const m = this.models.get(id);
    if (!m) return;
    this.models.delete(id);
    m.layers.dispose();
  }

  private get(id: string): Loaded {
    const m = this.models.get(id);
    if (!m) throw new Error(`tfjs engine: model ${JSON.stringify(id)} is not loaded`);
    return m;
  }
}

interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

/**
 * Splits "Dense(act)" into "Dense(linear) → Activation(act)" (same for Conv2D). Returns the new layer list, for
 * each spec layer where its output and pre-activation are among the new layers, and which output the logits are.
 */
export function splitActivations(json: LayerJson[], spec: LayerSpec[]) {
  const names = new Set(json.map((l) => String(l.config.name)));
  const layers: LayerJson[] = [];
  const map: { out: number; pre?: number }[] = [];
  json.forEach((l, i) => {
    const s = spec[i];
    const act = (s.kind === 'Dense' || s.kind === 'Conv2D') && s.activation !== 'linear' ? s.activation : undefined;
    if (!act) {
      map.push({ out: layers.push(l) - 1 });
      return;
    }
    const pre = layers.push({ ...l, config: { ...l.config, activation: 'linear' } }) - 1;
    const out = layers.push({ class_name: 'Activation', config: { name: unique(names, `${s.name}_${act}`), activation: act, trainable: true } }) - 1;
    map.push({ out, pre });
  });
  return { layers, map, ...logitsOf(spec, map) };
}

/** The logits: what enters the final softmax (the last layer's pre-activation), or the final output. */
function logitsOf(spec: LayerSpec[], map: { out: number; pre?: number }[]) {
  const last = spec.length - 1;
  const l = spec[last];
  const act: ActivationName | undefined = 'activation' in l ? l.activation : undefined;
  if (act === 'softmax' && l.kind !== 'Activation') return { logitsLayer: last, logitsOutput: map[last].pre!, pre: true };
  if (act === 'softmax' && last > 0) return { logitsLayer: last - 1, logitsOutput: map[last - 1].out, pre: false };
  return { logitsLayer: last, logitsOutput: map[last].out, pre: false };
}

/** The layers up to the logits, with references to the LayersModel's weight tensors. */
function logitsPath(model: tfl.LayersModel, spec: LayerSpec[], split: { logitsLayer: number; pre: boolean }) {
  return spec.slice(0, split.logitsLayer + 1).map((s, i) => {
    const [kernel, bias] = s.kind === 'Dense' || s.kind === 'Conv2D' ? model.getLayer(s.name).weights.map((w) => w.read()) : [];
    return { spec: s, kernel, bias, linear: i === split.logitsLayer && split.pre };
  });
}

/**
 * The logits from core ops rather than the LayersModel, for gradients only: tfjs-layers runs Conv2D as a fused
 * op whose gradient always computes the filter's gradient too, a kernel the wasm backend lacks. Unfused ops
 * compute only what the input's gradient needs. The tests check these logits against the LayersModel's.
 */
function forwardToLogits(m: Loaded, x: tf.Tensor): tf.Tensor {
  let y = x;
  for (const { spec: s, kernel, bias, linear } of m.logitsPath) {
    y = coreLayer(s, y, kernel);
    if (bias) y = tf.add(y, bias);
    if ('activation' in s && !linear) y = activate(y, s.activation);
  }
  return y;
}

/** One layer with core ops, before its bias and activation (forwardToLogits and forwardHooked). */
function coreLayer(s: LayerSpec, y: tf.Tensor, kernel: tf.Tensor | undefined): tf.Tensor {
  switch (s.kind) {
    case 'Dense':
      return tf.matMul(y as tf.Tensor2D, kernel as tf.Tensor2D);
    case 'Conv2D':
      return tf.conv2d(y as tf.Tensor4D, kernel as tf.Tensor4D, s.strides, s.padding);
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const pool = s.poolSize ?? [2, 2];
      const strides = s.strides ?? [2, 2];
      const pooling = s.kind === 'MaxPooling2D' ? tf.maxPool : tf.avgPool;
      return pooling(y as tf.Tensor4D, pool, strides, 'valid');
    }
    case 'ZeroPadding2D':
      return tf.pad(y, [[0, 0], ...s.padding, [0, 0]]);
    case 'LeakyReLU':
      return tf.leakyRelu(y, s.alpha);
    case 'Flatten':
      return tf.reshape(y, [y.shape[0], -1]);
    case 'Activation':
      return y;
  }
}

type At = { layer: number; site: 'pre' | 'out' };

function parseKey(key: string): At {
  const [layer, site] = key.split('.');
  return { layer: Number(layer), site: site as At['site'] };
}

/** Each edit's keep and fill as tensors shaped to broadcast over the batch ([1 or count, ...shape]). */
function editTensors(plan: RunPlan): Map<string, { keep: tf.Tensor; fill: tf.Tensor }> {
  const out = new Map<string, { keep: tf.Tensor; fill: tf.Tensor }>();
  for (const [key, e] of plan.edits) {
    const shape = e.tensor.point.shape;
    out.set(key, { keep: tf.tensor(e.keep, [1, ...shape]), fill: tf.tensor(e.fill, [e.perItem ? plan.count : 1, ...shape]) });
  }
  return out;
}

/**
 * Every layer with core ops (as forwardToLogits), calling `seen` with each tensor after its edit (and probe).
 * Returns the logits, the probabilities and every tensor by key.
 */
function forwardHooked(
  m: Loaded,
  x: tf.Tensor,
  edits: Map<string, { keep: tf.Tensor; fill: tf.Tensor }>,
  probes: Map<string, tf.Tensor>,
  seen: (key: string, t: tf.Tensor) => void,
) {
  const at = new Map<string, tf.Tensor>();
  const hook = (layer: number, site: At['site'], t: tf.Tensor) => {
    const key = HookIndex.key({ layer, site });
    const e = edits.get(key);
    if (e) t = tf.add(tf.mul(t, e.keep), e.fill);
    const p = probes.get(key);
    if (p) t = tf.add(t, p);
    seen(key, t);
    at.set(key, t);
    return t;
  };
  let y = hook(-1, 'out', x);
  m.path.forEach(({ spec: s, kernel, bias }, i) => {
    y = coreLayer(s, y, kernel);
    if (bias) y = tf.add(y, bias);
    const act = 'activation' in s ? s.activation : 'linear';
    if (s.kind !== 'Activation' && act !== 'linear') y = hook(i, 'pre', y);
    y = hook(i, 'out', activate(y, act));
  });
  const logits = at.get(HookIndex.key(m.logitsAt))!;
  const last = m.path[m.path.length - 1].spec;
  const probs = 'activation' in last && last.activation === 'softmax' ? y : tf.softmax(logits);
  return { logits, probs, at };
}

/** Each input's objective: its class logit, or Σ seed ⊙ its activation. */
function objectiveValues(o: ResolvedObjective, t: tf.Tensor): tf.Tensor {
  const n = t.shape[0];
  const flat = tf.reshape(t, [n, -1]);
  if (o.kind === 'class') return tf.reshape(tf.slice(flat, [0, o.target], [n, 1]), [n]);
  return tf.sum(tf.mul(flat, tf.tensor(o.seed, [1, o.seed.length])), 1);
}

function activate(y: tf.Tensor, a: ActivationName): tf.Tensor {
  switch (a) {
    case 'linear':
      return y;
    case 'tanh':
      return tf.tanh(y);
    case 'relu':
      return tf.relu(y);
    case 'sigmoid':
      return tf.sigmoid(y);
    case 'elu':
      return tf.elu(y);
    case 'softmax':
      return tf.softmax(y);
  }
}

function unique(names: Set<string>, base: string): string {
  let name = base;
  for (let k = 1; names.has(name); k++) name = `${base}_${k}`;
  names.add(name);
  return name;
}

function checkInput(input: Float32Array, n: number, count: number, id: string) {
  if (!Number.isInteger(count) || count < 1) throw new Error(`tfjs engine: count must be a positive integer, not ${count}`);
  if (!(input instanceof Float32Array) || input.length !== n * count) {
    const got = input instanceof Float32Array ? `${input.length} floats` : typeof input;
    throw new Error(`tfjs engine: model ${id} takes ${count} × ${n} floats, got ${got}`);
  }
}

async function readAll(ts: tf.Tensor[]): Promise<Float32Array[]> {
  try {
    // Each result gets its own buffer (slice) so it can be transferred to another thread on its own.
    return (await Promise.all(ts.map((t) => t.data<'float32'>()))).map((d) => d.slice());
  } finally {
    tf.dispose(ts);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Backends. TensorFlow.js has one current backend per process, so every engine call runs inside `exclusive`,
// which makes its backend current and keeps other engines' calls out until it is done.

let queue: Promise<unknown> = Promise.resolve();

function exclusive<T>(backend: TfjsBackend, fn: () => Promise<T>): Promise<T> {
  const run = queue.then(async () => {
    if (backend === 'webgl' && webglLost()) throw new EngineLostError(LOST);
    if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) {
      throw new Error(`tfjs engine: the ${backend} backend stopped working`);
    }
    let result: T;
    try {
      // A read in flight when the context goes waits forever on its fence: the loss event ends the call instead.
      result = backend === 'webgl' ? await Promise.race([fn(), webglLoss()]) : await fn();
    } catch (e) {
      if (backend === 'webgl' && webglLost()) throw new EngineLostError(LOST);
      throw e;
    }
    // NOTE: a context lost during the call leaves no error, only reads of zeros: checked after, not only before.
    if (backend === 'webgl' && webglLost()) throw new EngineLostError(LOST);
    return result;
  });
  queue = run.catch(() => undefined);
  return run;
}

const LOST = 'the WebGL context was lost (the GPU was reset or the browser reclaimed it)';

/** The started webgl backend's GPGPU context (tfjs-backend-webgl internals, as of 4.22), if any. */
function webglGpgpu(): { gl: WebGLRenderingContext; itemsToPoll: unknown[] } | undefined {
  // The registry, not tf.findBackend: that would start a backend not started yet.
  return (tf.engine().registry.webgl as { gpgpu?: { gl: WebGLRenderingContext; itemsToPoll: unknown[] } } | undefined)?.gpgpu;
}

/** Whether the webgl backend (once started) has lost its context: checked before and after every call. */
function webglLost(): boolean {
  return webglGpgpu()?.gl.isContextLost() ?? false;
}

const losses = new WeakMap<object, Promise<never>>();

/** Rejects with EngineLostError when the webgl backend's canvas fires `webglcontextlost`. */
function webglLoss(): Promise<never> {
  const gl = webglGpgpu()?.gl;
  if (!gl) return new Promise<never>(() => undefined);
  let lost = losses.get(gl);
  if (!lost) {
    lost = new Promise<never>((_, reject) => {
      gl.canvas.addEventListener('webglcontextlost', () => reject(new EngineLostError(LOST)), { once: true });
    });
    lost.catch(() => undefined); // raced per call; nobody may be waiting when it fires
    losses.set(gl, lost);
  }
  return lost;
}

/**
 * A webgl backend with a lost context never works again: it is replaced by a fresh one (registered under the same
 * name, so it makes a new canvas and context when first used); whether that works is the new engine's start.
 */
function replaceLostWebgl(): void {
  if (!webglLost()) return;
  // Fences on a lost context never pass: without this the backend's poll loop would run for as long as the page.
  webglGpgpu()!.itemsToPoll.length = 0;
  const factory = tf.findBackendFactory('webgl');
  try {
    tf.removeBackend('webgl'); // disposes the old backend: calls into a lost context do nothing
  } catch {
    // its device is gone: nothing left to free
  }
  tf.registerBackend('webgl', factory, 2); // 2: tfjs-backend-webgl's own priority
}

const registering = new Map<TfjsBackend, Promise<void>>();

function registerBackend(backend: TfjsBackend, wasmPath?: string): Promise<void> {
  let p = registering.get(backend);
  if (!p) {
    p = importBackend(backend, wasmPath);
    registering.set(backend, p);
    p.catch(() => registering.delete(backend));
  }
  return p;
}

async function importBackend(backend: TfjsBackend, wasmPath?: string): Promise<void> {
  if (!tf.findBackendFactory(backend)) {
    if (backend === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
    if (backend === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
    if (backend === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (wasmPath) wasm.setWasmPaths(wasmPath);
      // NOTE: Chrome extension pages and Node have SharedArrayBuffer without cross-origin isolation, so
      // tfjs-backend-wasm would pick its threaded build, whose thread workers cannot start there. One thread, like
      // the SIMD engine.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    }
  }
  // setBackend initialises the backend (compiles the wasm, makes the WebGL context) and reports failure as false.
  const ok = await exclusive(backend, async () => true).catch((e: Error) => {
    throw new Error(`tfjs engine: the ${backend} backend cannot start (${e.message})`);
  });
  if (!ok) throw new Error(`tfjs engine: the ${backend} backend cannot start`);
}
