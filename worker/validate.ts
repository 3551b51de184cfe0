/**
 * Checks of everything that crosses into the worker. Requests come from other scripts (popup, content pages via
 * the background, the CLI): a malformed one is refused with an Error that says what is wrong, before any engine
 * sees it.
 */
import {
  INTERVENTION_MODES,
  MAX_HOOK_INPUTS,
  MODEL_IDS,
  SALIENCY_METHODS,
  ATTRIBUTION_METHODS,
  BASELINES,
  type AnalyzeInput,
  type AnalyzeOptions,
  type AttributeOptions,
  type CacheOptions,
  type InitOptions,
  type Intervention,
  type ModelId,
} from './api.ts';
import { ENGINE_KINDS } from '../src/engines/types.ts';
import { MAX_STEPS } from '../src/interpret/saliency.ts';
import { isObj } from '../src/util/guards.ts';
import { INPUT_SIZE, isUserModelId } from '../src/model/shipped.ts';

export { INPUT_SIZE };

export class RequestError extends Error {
  override name = 'RequestError';
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : String(v));

/** A shipped model's id or a user model's ('user:NAME'). */
export function isWorkerModelId(id: unknown): id is ModelId {
  return (MODEL_IDS as readonly unknown[]).includes(id) || isUserModelId(id);
}

const KNOWN_IDS = `${MODEL_IDS.join(', ')} or user:NAME`;

function fail(msg: string): never {
  throw new RequestError(msg);
}

export function checkInitOptions(opts: unknown): InitOptions {
  if (opts === undefined) return {};
  if (!isObj(opts)) fail(`init: options must be an object, not ${show(opts)}`);
  const { engine, models, wasm } = opts;
  if (engine !== undefined && engine !== 'auto' && !(ENGINE_KINDS as readonly unknown[]).includes(engine)) {
    fail(`init: engine must be one of auto, ${ENGINE_KINDS.join(', ')}; not ${show(engine)}`);
  }
  if (models !== undefined) {
    if (!isObj(models)) fail('init: models must be an object like { mlp: { url } }');
    for (const [id, src] of Object.entries(models)) {
      if (!isWorkerModelId(id)) fail(`init: unknown model ${show(id)} (${KNOWN_IDS})`);
      const ok =
        isObj(src) &&
        ((typeof src.url === 'string' && src.url !== '') || (isObj(src.modelJson) && src.weights instanceof ArrayBuffer));
      if (!ok) fail(`init: model ${id} needs { url } or { modelJson, weights: ArrayBuffer }`);
      if (isObj(src) && src.means !== undefined && !(src.means instanceof ArrayBuffer)) fail(`init: model ${id}: means must be the bytes of means.bin (an ArrayBuffer)`);
    }
  }
  if (wasm !== undefined) {
    if (!isObj(wasm)) fail('init: wasm must be an object like { simd: url, tfjs: folder url }');
    for (const k of ['simd', 'tfjs'] as const) {
      if (wasm[k] !== undefined && typeof wasm[k] !== 'string') fail(`init: wasm.${k} must be a URL string`);
    }
  }
  return opts as InitOptions;
}

/** The 28×28 pixels of an 'mnist' input: a Float32Array of 784 finite values in [0, 1]. */
export function checkPixels(pixels: unknown): Float32Array {
  if (!(pixels instanceof Float32Array)) {
    fail(`analyze: input.pixels must be a Float32Array of ${INPUT_SIZE} values, not ${pixels?.constructor?.name ?? show(pixels)}`);
  }
  if (pixels.length !== INPUT_SIZE) fail(`analyze: input.pixels has ${pixels.length} values; a 28×28 input has ${INPUT_SIZE}`);
  const bad = pixels.findIndex((v) => !(v >= 0 && v <= 1));
  if (bad >= 0) fail(`analyze: input.pixels[${bad}] is ${pixels[bad]}; pixels must be finite and in [0, 1]`);
  return pixels;
}

export function checkAnalyzeInput(input: unknown): AnalyzeInput {
  if (!isObj(input)) fail(`analyze: input must be { kind: 'mnist', pixels } or { kind: 'image', image }, not ${show(input)}`);
  if (input.kind === 'mnist') return { kind: 'mnist', pixels: checkPixels(input.pixels) };
  if (input.kind === 'image') {
    const img = input.image;
    if (!isObj(img) || !(img.data instanceof Uint8ClampedArray || img.data instanceof Uint8Array)) {
      fail('analyze: input.image must be { width, height, data: Uint8ClampedArray } (RGBA, as ImageData holds it)');
    }
    return input as AnalyzeInput; // sizes are checked by preprocess(), which answers { ok: false, reason: 'invalid' }
  }
  return fail(`analyze: input.kind must be 'mnist' or 'image', not ${show(input.kind)}`);
}

export function checkAnalyzeOptions(opts: unknown, loaded: ModelId[]): Required<Pick<AnalyzeOptions, 'models'>> & AnalyzeOptions {
  if (opts === undefined) opts = {};
  if (!isObj(opts)) fail(`analyze: options must be an object, not ${show(opts)}`);
  const { models = loaded, activations, saliency, hooks } = opts;
  if (!Array.isArray(models)) fail('analyze: options.models must be a list like ["mlp", "cnn"]');
  for (const id of models) {
    if (!isWorkerModelId(id)) fail(`analyze: unknown model ${show(id)} (${KNOWN_IDS})`);
    if (!loaded.includes(id)) fail(`analyze: model ${id} is not loaded (loaded: ${loaded.join(', ') || 'none'}); pass it to init()`);
  }
  if (models.length === 0) fail('analyze: no models to run; load some with init({ models })');
  if (activations !== undefined && typeof activations !== 'boolean') fail('analyze: options.activations must be true or false');
  if (saliency !== undefined) {
    if (!isObj(saliency)) fail('analyze: options.saliency must be { method, target?, steps? }');
    const { method, target, steps } = saliency;
    if (!(SALIENCY_METHODS as readonly unknown[]).includes(method)) {
      fail(`analyze: saliency method must be one of ${SALIENCY_METHODS.join(', ')}; not ${show(method)}`);
    }
    if (target !== undefined && !(Number.isInteger(target) && (target as number) >= 0 && (target as number) <= 9)) {
      fail(`analyze: saliency target must be a digit 0 to 9, not ${show(target)}`);
    }
    if (steps !== undefined && !(Number.isInteger(steps) && (steps as number) >= 1 && (steps as number) <= MAX_STEPS)) {
      fail(`analyze: saliency steps must be a whole number from 1 to ${MAX_STEPS}, not ${show(steps)}`);
    }
  }
  if (hooks !== undefined) {
    if (!isObj(hooks)) fail('analyze: options.hooks must be an object like { mlp: [{ at, mode, units? }] }');
    for (const [id, list] of Object.entries(hooks)) {
      if (!(models as unknown[]).includes(id)) fail(`analyze: options.hooks names model ${show(id)}, which this call does not run`);
      checkHooks('analyze', list, `options.hooks.${id}`);
    }
  }
  return { ...(opts as AnalyzeOptions), models: [...new Set(models as ModelId[])] };
}

export function checkModel(method: string, id: unknown, loaded: ModelId[]): ModelId {
  if (!isWorkerModelId(id)) fail(`${method}: unknown model ${show(id)} (${KNOWN_IDS})`);
  if (!loaded.includes(id as ModelId)) fail(`${method}: model ${id} is not loaded (loaded: ${loaded.join(', ') || 'none'}); pass it to init()`);
  return id as ModelId;
}

/** A batch of 28×28 inputs: count × 784 finite values in [0, 1], 1 ≤ count ≤ MAX_HOOK_INPUTS. */
export function checkInputs(method: string, inputs: unknown): { inputs: Float32Array; count: number } {
  if (!(inputs instanceof Float32Array)) {
    fail(`${method}: inputs must be a Float32Array of count × ${INPUT_SIZE} values, not ${inputs?.constructor?.name ?? show(inputs)}`);
  }
  const count = inputs.length / INPUT_SIZE;
  if (!Number.isInteger(count) || count < 1 || count > MAX_HOOK_INPUTS) {
    fail(`${method}: inputs has ${inputs.length} values; it must hold 1 to ${MAX_HOOK_INPUTS} 28×28 inputs (a multiple of ${INPUT_SIZE})`);
  }
  const bad = inputs.findIndex((v) => !(v >= 0 && v <= 1));
  if (bad >= 0) fail(`${method}: inputs[${bad}] is ${inputs[bad]}; pixels must be finite and in [0, 1]`);
  return { inputs, count };
}

/**
 * The form of a list of interventions. Whether the names, units and patch lengths fit the model is checked
 * against it by src/interpret/hooks.ts (the same messages on every engine) before anything runs.
 */
export function checkHooks(method: string, hooks: unknown, where = 'hooks'): Intervention[] {
  if (!Array.isArray(hooks)) fail(`${method}: ${where} must be a list of interventions { at, mode, units?, channels?, factor?, values? }`);
  hooks.forEach((h, k) => {
    const w = `${method}: ${where}[${k}]`;
    if (!isObj(h)) fail(`${w} must be an object { at, mode, … }`);
    if (typeof h.at !== 'string') fail(`${w}.at must be a hook point name like "hidden1.out"`);
    if (!(INTERVENTION_MODES as readonly unknown[]).includes(h.mode)) fail(`${w}.mode must be one of ${INTERVENTION_MODES.join(', ')}, not ${show(h.mode)}`);
    for (const key of ['units', 'channels'] as const) {
      const v = h[key];
      if (v !== undefined && !(Array.isArray(v) && v.every((u) => Number.isInteger(u)))) fail(`${w}.${key} must be a list of whole numbers`);
    }
    if (h.factor !== undefined && !(typeof h.factor === 'number' && Number.isFinite(h.factor))) fail(`${w}.factor must be a finite number`);
    if (h.values !== undefined && !(h.values instanceof Float32Array)) fail(`${w}.values must be a Float32Array`);
    const known = new Set(['at', 'mode', 'units', 'channels', 'factor', 'values']);
    const extra = Object.keys(h).find((key) => !known.has(key));
    if (extra) fail(`${w} has an unknown field ${show(extra)}`);
  });
  return hooks as Intervention[];
}

export function checkCacheOptions(method: string, opts: unknown): CacheOptions {
  if (opts === undefined) return {};
  if (!isObj(opts)) fail(`${method}: options must be an object { names?, grads? }, not ${show(opts)}`);
  const { names, grads } = opts;
  if (names !== undefined && !(Array.isArray(names) && names.every((n) => typeof n === 'string'))) {
    fail(`${method}: options.names must be a list of hook point names like ["hidden1.out"]`);
  }
  if (grads !== undefined) {
    const o = isObj(grads) ? grads.objective : undefined;
    const ok =
      isObj(o) &&
      (Number.isInteger(o.class) || (typeof o.layer === 'string' && (Number.isInteger(o.unit) || Number.isInteger(o.channel))));
    if (!ok) fail(`${method}: options.grads must be { objective: { class } | { layer, unit } | { layer, channel } }`);
  }
  return opts as CacheOptions;
}

/** The shape of an attribute request; the numbers' ranges are checked by attribute() itself (same messages). */
export function checkAttributeOptions(opts: unknown): AttributeOptions {
  if (!isObj(opts)) fail(`attribute: options must be an object { method, target?, … }, not ${show(opts)}`);
  if (!(ATTRIBUTION_METHODS as readonly unknown[]).includes(opts.method)) {
    fail(`attribute: method must be one of ${ATTRIBUTION_METHODS.join(', ')}; not ${show(opts.method)}`);
  }
  const t = opts.target;
  if (t !== undefined) {
    const ok =
      isObj(t) &&
      (('class' in t && Number.isInteger(t.class)) ||
        (typeof t.layer === 'string' && (Number.isInteger(t.unit) || Number.isInteger(t.channel))));
    if (!ok) fail(`attribute: target must be { class }, { layer, unit } or { layer, channel }, not ${JSON.stringify(t)?.slice(0, 80)}`);
  }
  for (const k of ['steps', 'samples', 'sigma', 'seed', 'patch', 'stride'] as const) {
    if (opts[k] !== undefined && typeof opts[k] !== 'number') fail(`attribute: ${k} must be a number, not ${show(opts[k])}`);
  }
  if (opts.baseline !== undefined && !(BASELINES as readonly unknown[]).includes(opts.baseline)) {
    fail(`attribute: baseline must be one of ${BASELINES.join(', ')}; not ${show(opts.baseline)}`);
  }
  if (opts.layer !== undefined && typeof opts.layer !== 'string') fail('attribute: layer must be a layer name');
  if (opts.hooks !== undefined) checkHooks('attribute', opts.hooks);
  return opts as unknown as AttributeOptions;
}
