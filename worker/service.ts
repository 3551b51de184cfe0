/**
 * The worker's implementation of SeeingDigitsApi, independent of how it is reached: worker/worker.ts exposes it in
 * a browser Web Worker, worker/node.ts in a Node worker thread, tests call it in-process. What differs between
 * those places (how files are read, where the wasm is) comes in as ServiceDeps.
 *
 * Calls run one at a time, in order: an analyze never sees an engine that init() is replacing.
 */
import * as Comlink from 'comlink';
import {
  MODEL_IDS,
  type AnalyzeResult,
  type EngineChoice,
  type EngineInfo,
  type InitOptions,
  type ModelId,
  type ModelResult,
  type ModelSource,
  type ModelSummary,
  type SeeingDigitsApi,
} from './api.ts';
import { checkAnalyzeInput, checkAnalyzeOptions, checkInitOptions } from './validate.ts';
import { selectEngine, type Environment } from '../src/engines/select.ts';
import type { InferenceEngine } from '../src/engines/types.ts';
import { parseModel } from '../src/model/format.ts';
import { layerShapes } from '../src/model/shapes.ts';
import type { LoadedModel } from '../src/model/spec.ts';
import { readRow, type Digit } from '../src/preprocess/row.ts';
import { saliency } from '../src/interpret/saliency.ts';
import { argmax } from '../src/util/array.ts';

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
  /** The SIMD engine's module bytes; `url` is InitOptions.wasm.simd when given. */
  simdWasm: (url?: string) => Promise<BufferSource>;
  /** Resolves InitOptions.wasm.tfjs (or supplies a default); undefined lets tfjs find its files itself. */
  tfjsWasmPath?: (path?: string) => string | undefined;
  /** Models loaded when init() is called with none and none are loaded yet. */
  defaultModels?: Partial<Record<ModelId, ModelSource>>;
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
  models: Map<ModelId, LoadedModel>;
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

  return {
    init: (opts) =>
      serial(async () => {
        fault('init');
        const next = await init(deps, checkInitOptions(opts), state);
        state = next;
        return next.info;
      }),
    engine: () => serial(async () => (fault('engine'), (await ready()).info)),
    models: () => serial(async () => (fault('models'), summaries((await ready()).models))),
    analyze: (input, opts) =>
      serial(async () => {
        fault('analyze');
        const s = await ready();
        const t0 = performance.now();
        const result = await analyze(s, input, opts);
        if (result.ok) result.ms = performance.now() - t0;
        return Comlink.transfer(result, transferables(result));
      }),
  };
}

async function init(deps: ServiceDeps, opts: InitOptions = {}, prev?: State): Promise<State> {
  const sources = opts.models ?? (prev ? {} : (deps.defaultModels ?? {}));
  const models = new Map(prev?.models);
  const loaded = await Promise.all(
    Object.entries(sources).map(async ([id, src]) => [id as ModelId, await loadModel(deps, id, src)] as const),
  );
  for (const [id, m] of loaded) models.set(id, m);
  const ordered = new Map(MODEL_IDS.filter((id) => models.has(id)).map((id) => [id, models.get(id)!]));
  if (prev && opts.engine === undefined && opts.wasm === undefined) {
    // Only models changed: the running engine takes them.
    for (const [id, m] of loaded) await prev.engine.load(id, m);
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
      for (const [id, m] of ordered) await e.load(id, m);
    },
  });
  prev?.engine.dispose();
  return { engine, info, choice, wasm, models: ordered };
}

async function loadModel(deps: ServiceDeps, id: string, src: ModelSource): Promise<LoadedModel> {
  try {
    return 'url' in src ? await deps.loadModel(src.url) : parseModel(src.modelJson, [src.weights]);
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
  for (const id of opts.models) models.push(await runModel(s.engine, id, pixels, opts));
  const result: AnalyzeResult = { ok: true, input: pixels, ...(preprocessing ? { preprocessing } : {}), models, engine: s.info.kind, ms: 0 };
  if (preprocessing && rest.length) await addDigits(s, result, [preprocessing, ...rest], opts);
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
async function addDigits(s: State, result: Extract<AnalyzeResult, { ok: true }>, digits: Digit[], opts: ReturnType<typeof checkAnalyzeOptions>) {
  result.digits = [];
  for (const [k, d] of digits.entries()) {
    const models = k === 0 ? result.models : [];
    for (const id of k === 0 ? [] : opts.models) models.push(await runModel(s.engine, id, d.pixels, opts));
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
): Promise<ModelResult> {
  const p = await engine.predict(id, x, { activations: opts.activations ?? false });
  const digit = argmax(p.probs);
  const result: ModelResult = { id, digit, probs: p.probs, logits: p.logits, ...(p.layers ? { layers: p.layers } : {}) };
  if (opts.saliency) {
    const { method, target = digit, steps } = opts.saliency;
    result.saliency = await saliency(engine, id, x, { method, target, steps });
  }
  return result;
}

function summaries(models: Map<ModelId, LoadedModel>): ModelSummary[] {
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
