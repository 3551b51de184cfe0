/**
 * The worker's implementation of SeeingDigitsApi, independent of how it is reached: worker/worker.ts exposes it in
 * a browser Web Worker, worker/node.ts in a Node worker thread, tests call it in-process. What differs between
 * those places (how files are read, where the wasm is) comes in as ServiceDeps.
 *
 * Calls run one at a time, in order: an analyze never sees an engine that init() is replacing.
 */
import * as Comlink from 'comlink';
import {
  MAX_HOOK_FLOATS,
  MODEL_IDS,
  isUserModelId,
  type AnalyzeResult,
  type AttributeResult,
  type CacheOptions,
  type HookRun,
  type Intervention,
  type EngineChoice,
  type EngineInfo,
  type InitOptions,
  type ModelId,
  type ModelResult,
  type ModelSource,
  type ModelSummary,
  type SeeingDigitsApi,
  type WorkerStats,
} from './api.ts';
import {
  RequestError,
  checkAnalyzeInput,
  checkAnalyzeOptions,
  checkAttributeOptions,
  checkCacheOptions,
  checkHooks,
  checkInitOptions,
  checkInputs,
  checkModel,
} from './validate.ts';
import { selectEngine, type Environment } from '../src/engines/select.ts';
import type { InferenceEngine } from '../src/engines/types.ts';
import { EngineLostError } from '../src/engines/lost.ts';
import { parseModel } from '../src/model/format.ts';
import { layerShapes } from '../src/model/shapes.ts';
import type { LoadedModel } from '../src/model/spec.ts';
import { preprocess } from '../src/preprocess/mnist.ts';
import { AttributionError, attribute, saliency } from '../src/interpret/saliency.ts';
import { HookError, HookIndex, type HookMeans } from '../src/interpret/hooks.ts';
import { decodeMeans } from '../src/interpret/means.ts';
import type { TypicalityData } from '../src/interpret/explorer-data.ts';
import { mahalanobis } from '../src/interpret/typicality.ts';
import { withHooks } from '../src/interpret/hooked-engine.ts';
import { size } from '../src/model/shapes.ts';
import { readRow, type Digit } from '../src/preprocess/row.ts';
import { argmax } from '../src/util/array.ts';
import { engineMemoryBytes, instantiateEngine, simdSupported } from '../src/wasm/wasm.ts';
import type { DigitSet } from '../src/train/session.ts';
import type { GradientPeer, PeerPlan } from '../src/train/peer.ts';
import { createTrainRunner } from './train-runner.ts';

/** Test-only misbehaviour, so the client's crash and timeout handling can be tested against a real worker. */
export interface Faults {
  /** What a call to `method` does instead of its work. */
  on: Partial<Record<keyof SeeingDigitsApi, 'crash' | 'hang'>>;
  /** Ends the worker abruptly (Node: process.exit in the thread). */
  crash: () => void;
}

export interface ServiceDeps {
  /** Reads model.json and its shards from a ModelSource url. */
  loadModel: (url: string) => Promise<LoadedModel>;
  /** Reads typicality.json + .bin beside a model.json url (undefined when there are none: no typicality). */
  loadTypicality?: (url: string) => Promise<TypicalityData | undefined>;
  /** Reads means.bin beside a model.json url (undefined when there is none: mean-ablation is then refused). */
  loadMeans?: (url: string, spec: LoadedModel['spec']) => Promise<HookMeans | undefined>;
  /**
   * The SIMD engine's module bytes; `url` is InitOptions.wasm.simd when given. For inference the relaxed-SIMD build
   * where it runs; `training`: always the baseline build, so a seed trains the same weights on every CPU.
   */
  simdWasm: (url?: string, use?: 'inference' | 'training') => Promise<BufferSource>;
  /** Resolves InitOptions.wasm.tfjs (or supplies a default); undefined lets tfjs find its files itself. */
  tfjsWasmPath?: (path?: string) => string | undefined;
  /** Models loaded when init() is called with none and none are loaded yet. */
  defaultModels?: Partial<Record<ModelId, ModelSource>>;
  /** A second training thread (browsers: worker/train-peer-client.ts) with the engine build `wasm`; absent: one thread. */
  trainPeer?: (wasm: BufferSource, plan: PeerPlan) => Promise<GradientPeer>;
  /** MNIST for training (both splits); `url` is TrainStartOptions.mnist (browsers). */
  loadDigits?: (url?: string) => Promise<{ train: DigitSet; test: DigitSet }>;
  /** Overrides the engine selector's environment checks. */
  env?: Partial<Environment>;
  faults?: Faults;
}

interface State {
  engine: InferenceEngine;
  info: EngineInfo;
  choice: EngineChoice;
  /** The wasm URLs given so far (a later init that only switches engine keeps them). */
  wasm: NonNullable<InitOptions['wasm']>;
  models: Map<ModelId, Model>;
}

/** A loaded model and, when its files have them, its mean activations (for mean-ablation) and typicality fit. */
interface Model extends LoadedModel {
  means?: HookMeans;
  typicality?: TypicalityData;
}

export function createService(deps: ServiceDeps): SeeingDigitsApi {
  let state: State | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  /** Runs calls one at a time; a failed call does not block the ones after it. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  };
  const fault = (method: keyof SeeingDigitsApi) => {
    const f = deps.faults?.on[method];
    if (f === 'crash') deps.faults!.crash();
    if (f === 'hang') for (;;); // a stuck computation: only terminating the worker ends it
  };
  /** The state, initialising with the defaults on first use. */
  const ready = async (): Promise<State> => (state ??= await init(deps));
  /** What the next analysis tells the user that is not an error: the engine was replaced after it was lost. */
  let notice: string | undefined;
  /**
   * Runs `fn` on the engine; when that engine is lost (a WebGL context gone), picks one again with the same models
   * and runs `fn` once more, so the call still answers.
   */
  const onEngine = async <T>(fn: (s: State) => Promise<T>): Promise<T> => {
    const s = await ready();
    try {
      return await fn(s);
    } catch (e) {
      if (!(e instanceof EngineLostError)) throw e;
      ({ state, notice } = await reselect(deps, s, e));
      return fn(state);
    }
  };
  /** The training runner, made on first use: it needs no models, only its own engine instance and MNIST. */
  let runner: ReturnType<typeof createTrainRunner> | undefined;
  const training = () =>
    (runner ??= createTrainRunner({
      engine: async () => {
        if (!(deps.env?.simd ?? simdSupported())) throw new RequestError('training needs WebAssembly SIMD, which this browser lacks');
        return instantiateEngine(await deps.simdWasm(state?.wasm.simd, 'training'));
      },
      loadDigits: async (url) => {
        if (!deps.loadDigits) throw new RequestError('trainStart: this worker has no MNIST data to train on');
        return deps.loadDigits(url);
      },
      ...(deps.trainPeer ? { peer: async (plan) => deps.trainPeer!(await deps.simdWasm(state?.wasm.simd, 'training'), plan) } : {}),
    }));

  return {
    init: (opts) =>
      serial(async () => {
        fault('init');
        const checked = checkInitOptions(opts);
        state = state ? await onEngine((s) => init(deps, checked, s)) : await init(deps, checked);
        return state.info;
      }),
    engine: () => serial(async () => (fault('engine'), (await ready()).info)),
    models: () => serial(async () => (fault('models'), summaries((await ready()).models))),
    analyze: (input, opts) =>
      serial(async () => {
        fault('analyze');
        const t0 = performance.now();
        const result = await onEngine((s) => hookErrors('analyze', () => analyze(s, input, opts)));
        if (result.ok) result.ms = performance.now() - t0;
        if (result.ok && notice) [result.notice, notice] = [notice, undefined];
        return Comlink.transfer(result, transferables(result));
      }),
    hookPoints: (model) =>
      serial(async () => {
        fault('hookPoints');
        const s = await ready();
        return s.engine.hookPoints(checkModel('hookPoints', model, [...s.models.keys()]));
      }),
    runWithCache: (model, inputs, opts) =>
      serial(async () => {
        fault('runWithCache');
        const r = await onEngine((s) => run('runWithCache', s, model, inputs, undefined, opts));
        return Comlink.transfer(r, runTransferables(r));
      }),
    runWithHooks: (model, inputs, hooks, opts) =>
      serial(async () => {
        fault('runWithHooks');
        const r = await onEngine((s) => run('runWithHooks', s, model, inputs, checkHooks('runWithHooks', hooks), opts));
        return Comlink.transfer(r, runTransferables(r));
      }),
    stats: () => serial(async () => (fault('stats'), stats(await ready()))),
    attribute: (model, input, opts) =>
      serial(async () => {
        fault('attribute');
        const r = await onEngine((s) => attributeCall(s, model, input, opts));
        return Comlink.transfer(r, r.ok ? [...new Set([r.input.buffer, r.map.buffer])] : []);
      }),
    trainStart: (config, opts) => serial(() => training().start(config, opts)),
    trainControl: (action) => serial(async () => training().control(action)),
    trainPoll: () => serial(async () => training().poll()),
    trainPredict: (pixels) => serial(async () => training().predict(pixels)),
    trainModel: () => serial(async () => training().model()),
  };
}

async function run(method: string, s: State, rawModel: unknown, rawInputs: unknown, hooks: Intervention[] | undefined, rawOpts: unknown): Promise<HookRun> {
  const id = checkModel(method, rawModel, [...s.models.keys()]);
  const { inputs, count } = checkInputs(method, rawInputs);
  const opts = checkCacheOptions(method, rawOpts);
  checkReplySize(method, s.models.get(id)!, count, opts, hooks ? 'none' : 'all');
  return hookErrors(method, () =>
    hooks ? s.engine.runWithHooks(id, inputs, count, hooks, opts) : s.engine.runWithCache(id, inputs, count, opts),
  );
}

/** Refuses a request whose reply would be huge (every point of the CNN for 1024 inputs is ~290 MB). */
function checkReplySize(method: string, m: Model, count: number, opts: CacheOptions, names: 'all' | 'none') {
  const index = new HookIndex(m.spec);
  const points = opts.names === undefined ? (names === 'all' ? index.points : []) : index.points.filter((p) => opts.names!.includes(p.name));
  const floats = count * points.reduce((n, p) => n + size(p.shape), 0) * (opts.grads ? 2 : 1);
  if (floats > MAX_HOOK_FLOATS) {
    throw new RequestError(
      `${method}: ${count} inputs × ${points.length} hook points${opts.grads ? ' with gradients' : ''} is ${floats} floats, more than ${MAX_HOOK_FLOATS}: ask for fewer names or inputs`,
    );
  }
}

/** Hook errors (bad names, units out of range, wrong patch lengths) are the request's fault: say which call. */
async function hookErrors<T>(method: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof HookError) throw new RequestError(`${method}: ${e.message}`);
    throw e;
  }
}

async function stats(s: State): Promise<WorkerStats> {
  const out: WorkerStats = { engine: s.info.kind, wasmBytes: engineMemoryBytes() };
  if (s.info.kind.startsWith('tfjs')) {
    const tf = await import('@tensorflow/tfjs-core'); // already loaded by the engine
    const m = tf.memory();
    // The wasm backend's module memory (Emscripten's HEAPU8), where its tensors live.
    const heap = (tf.backend() as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8;
    out.tfjs = { tensors: m.numTensors, bytes: m.numBytes, ...(heap ? { wasmBytes: heap.buffer.byteLength } : {}) };
  }
  return out;
}

async function attributeCall(s: State, rawModel: unknown, rawInput: unknown, rawOpts: unknown): Promise<AttributeResult> {
  const t0 = performance.now();
  const id = checkModel('attribute', rawModel, [...s.models.keys()]);
  const input = checkAnalyzeInput(rawInput);
  const opts = checkAttributeOptions(rawOpts);
  let pixels = input.kind === 'mnist' ? input.pixels : undefined;
  if (input.kind === 'image') {
    const p = preprocess(input.image);
    if (!p.ok) return p;
    pixels = p.pixels;
  }
  const x = pixels!;
  const target = opts.target ?? { class: argmax((await s.engine.predict(id, x)).logits) };
  try {
    const r = await attribute(s.engine, id, x, { ...opts, target });
    return { ok: true, input: x, ...r, ms: performance.now() - t0 };
  } catch (e) {
    // Options out of range, unknown layers or units: the request's fault, said with the call's name.
    if (e instanceof AttributionError || e instanceof HookError || /^(attribution|grad-cam|network|tfjs engine): /.test((e as Error).message)) {
      throw new RequestError(`attribute: ${(e as Error).message.replace(/^attribution: /, '')}`);
    }
    throw e;
  }
}

async function init(deps: ServiceDeps, opts: InitOptions = {}, prev?: State): Promise<State> {
  const sources = opts.models ?? (prev ? {} : (deps.defaultModels ?? {}));
  const models = new Map(prev?.models);
  const loaded = await Promise.all(
    Object.entries(sources).map(async ([id, src]) => [id as ModelId, await loadModel(deps, id, src!)] as const),
  );
  for (const [id, m] of loaded) models.set(id, m);
  // Shipped models first, in their order, then the user's in the order they were loaded.
  const ids = [...MODEL_IDS.filter((id) => models.has(id)), ...[...models.keys()].filter(isUserModelId)];
  const ordered = new Map(ids.map((id) => [id, models.get(id)!]));
  if (prev && opts.engine === undefined && opts.wasm === undefined) {
    // Only models changed: the running engine takes them.
    for (const [id, m] of loaded) await prev.engine.load(id, m, { means: m.means });
    return { ...prev, models: ordered };
  }
  const choice = opts.engine ?? prev?.choice ?? 'auto';
  const wasm = { ...prev?.wasm, ...opts.wasm };
  const { engine, info } = await selectEngine({
    choice,
    simdWasm: () => deps.simdWasm(wasm.simd),
    tfjsWasmPath: deps.tfjsWasmPath?.(wasm.tfjs),
    env: deps.env,
    start: async (e) => {
      for (const [id, m] of ordered) await e.load(id, m, { means: m.means });
    },
  });
  prev?.engine.dispose();
  return { engine, info, choice, wasm, models: ordered };
}

/**
 * After the engine was lost: the same choice picked again with the same models (the user's too) — the webgl engine
 * on a new context where one can be made, else the next engine — and a notice the UI can show.
 */
async function reselect(deps: ServiceDeps, s: State, lost: EngineLostError): Promise<{ state: State; notice: string }> {
  const next = await init(deps, { engine: s.choice }, s);
  const now = next.info.kind === s.info.kind ? `${s.info.kind} restarted on a new context` : `the models now run on ${next.info.kind}`;
  const notice = `${lost.message[0].toUpperCase()}${lost.message.slice(1)}; ${now}.`;
  return { state: { ...next, info: { ...next.info, reason: `${next.info.reason}; chosen again after ${lost.message}` } }, notice };
}

async function loadModel(deps: ServiceDeps, id: string, src: ModelSource): Promise<Model> {
  try {
    if ('url' in src) {
      const m = await deps.loadModel(src.url);
      const means = await deps.loadMeans?.(src.url, m.spec);
      const typicality = await deps.loadTypicality?.(src.url);
      return { ...m, ...(means ? { means } : {}), ...(typicality ? { typicality } : {}) };
    }
    const m = parseModel(src.modelJson, [src.weights]);
    return { ...m, ...(src.means === undefined ? {} : { means: decodeMeans(src.means, m.spec) }) };
  } catch (e) {
    throw new Error(`init: model ${id}: ${(e as Error).message}`);
  }
}

async function analyze(s: State, rawInput: unknown, rawOpts: unknown): Promise<AnalyzeResult> {
  const input = checkAnalyzeInput(rawInput);
  const opts = checkAnalyzeOptions(rawOpts, [...s.models.keys()]);
  let pixels: Float32Array;
  let preprocessing: Extract<AnalyzeResult, { ok: true }>['preprocessing'];
  let rest: Digit[] = [];
  if (input.kind === 'image') {
    const row = await readRow(input.image, { score: confidence(s.engine, opts.models) });
    if (!row.ok) return row;
    [preprocessing, ...rest] = row.digits;
    pixels = preprocessing.pixels;
  } else {
    pixels = input.pixels;
  }
  const models: ModelResult[] = [];
  // With hooks, the models are seen through them (predictions, activations and saliency alike).
  const hooked = new Map(Object.entries(opts.hooks ?? {}).map(([id, hooks]) => [id, { spec: s.models.get(id as ModelId)!.spec, hooks: hooks! }]));
  const engine = hooked.size ? withHooks(s.engine, hooked) : s.engine;
  for (const id of opts.models) models.push(await runModel(engine, id, pixels, opts, s.models.get(id)!.typicality));
  const result: AnalyzeResult = { ok: true, input: pixels, ...(preprocessing ? { preprocessing } : {}), models, engine: s.info.kind, ms: 0 };
  if (preprocessing && rest.length) await addDigits(s, engine, result, [preprocessing, ...rest], opts);
  return result;
}

/** How sure the models are of a 28×28 input: their mean top probability. Decides where touching digits are cut. */
function confidence(engine: InferenceEngine, ids: ModelId[]) {
  return async (x: Float32Array): Promise<number> => {
    let sum = 0;
    for (const id of ids) sum += Math.max(...(await engine.predict(id, x, { activations: false })).probs);
    return sum / ids.length;
  };
}

/** A number: every digit through every model, and the number each model reads. */
async function addDigits(s: State, engine: InferenceEngine, result: Extract<AnalyzeResult, { ok: true }>, digits: Digit[], opts: ReturnType<typeof checkAnalyzeOptions>) {
  result.digits = [];
  for (const [k, d] of digits.entries()) {
    const models = k === 0 ? result.models : [];
    for (const id of k === 0 ? [] : opts.models) models.push(await runModel(engine, id, d.pixels, opts, s.models.get(id)!.typicality));
    result.digits.push({ box: d.bbox, input: d.pixels, models });
  }
  const byModel = Object.fromEntries(opts.models.map((id) => [id, result.digits!.map((d) => d.models.find((m) => m.id === id)!.digit).join('')]));
  result.number = { byModel, agree: new Set(Object.values(byModel)).size === 1 };
}

async function runModel(
  engine: InferenceEngine,
  id: ModelId,
  x: Float32Array,
  opts: ReturnType<typeof checkAnalyzeOptions>,
  typical?: TypicalityData,
): Promise<ModelResult> {
  // Typicality needs the penultimate layer: the activations are computed for it even when not asked for.
  const p = await engine.predict(id, x, { activations: (opts.activations ?? false) || typical !== undefined });
  // A model file within every limit can still overflow float32 in deep layers: say so rather than show NaN.
  if (!p.probs.every(Number.isFinite)) throw new Error(`model ${id} computes non-finite probabilities (its weights overflow float32)`);
  const digit = argmax(p.probs);
  const result: ModelResult = { id, digit, probs: p.probs, logits: p.logits, ...(p.layers && opts.activations ? { layers: p.layers } : {}) };
  const rep = typical && p.layers?.find((l) => l.name === typical.header.layer);
  if (typical && rep) {
    const t = mahalanobis(typical, rep.out);
    result.typicality = { ...t, threshold: typical.header.threshold, typical: t.distance <= typical.header.threshold };
  }
  if (opts.saliency) {
    const { method, target = digit, steps } = opts.saliency;
    result.saliency = await saliency(engine, id, x, { method, target, steps });
  }
  return result;
}

function summaries(models: Map<ModelId, Model>): ModelSummary[] {
  return [...models].map(([id, { spec, params }]) => {
    const shapes = layerShapes(spec);
    const layers = spec.layers.map((l, i) => {
      const p = params.get(l.name);
      return {
        name: l.name,
        kind: l.kind,
        ...('activation' in l ? { activation: l.activation } : {}),
        outputShape: shapes[i].output,
        params: (p?.kernel.length ?? 0) + (p?.bias?.length ?? 0),
      };
    });
    return { id, name: spec.name, layers, params: layers.reduce((n, l) => n + l.params, 0) };
  });
}

/** Every ArrayBuffer behind the result's arrays, once each: they move to the caller instead of being copied. */
function transferables(result: AnalyzeResult): Transferable[] {
  if (!result.ok) return [];
  const arrays: (Float32Array | undefined)[] = [result.input, result.preprocessing?.pixels];
  const all = [...result.models, ...(result.digits ?? []).flatMap((d) => (arrays.push(d.input), d.models))];
  for (const m of all) {
    arrays.push(m.probs, m.logits, m.saliency?.map);
    for (const l of m.layers ?? []) arrays.push(l.pre, l.out);
  }
  const buffers = new Set<ArrayBuffer>();
  for (const a of arrays) if (a && a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  return [...buffers];
}

function runTransferables(r: HookRun): Transferable[] {
  const arrays = [r.logits, r.probs, r.objective, ...Object.values(r.acts), ...Object.values(r.grads ?? {})];
  const buffers = new Set<ArrayBuffer>();
  for (const a of arrays) if (a && a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  return [...buffers];
}
