/**
 * Picks the engine: the SIMD engine where WebAssembly SIMD validates, else TensorFlow.js on WebGL (browsers that
 * can make a WebGL context), else on wasm, else on cpu. A setting can force one; an engine that fails to start
 * (or to load the models, via `start`) hands over to the next, and the answer says what was skipped and why.
 */
import type { EngineInfo } from './types.ts';
import { simdSupported } from '../wasm/wasm.ts';
import { SimdEngine } from './simd.ts';
import { ENGINE_KINDS, type EngineKind, type InferenceEngine } from './types.ts';
import { errorText } from '../util/guards.ts';

export interface SelectOptions {
  /** 'auto' (default) or the engine to try first. */
  choice?: 'auto' | EngineKind;
  /** The SIMD engine's module bytes (build/engine.wasm): fetched in browsers, read from disk in Node. */
  simdWasm?: () => Promise<BufferSource>;
  /** URL prefix of the tfjs-backend-wasm .wasm files (browsers; Node finds them itself). */
  tfjsWasmPath?: string;
  /** Runs on each started engine before it is chosen (e.g. loads the models); a throw moves on to the next. */
  start?: (engine: InferenceEngine) => Promise<void>;
  /** Overrides the environment checks (tests). */
  env?: Partial<Environment>;
}

export interface Environment {
  simd: boolean;
  /** Whether a WebGL context can be made here (false in Node). */
  webgl: boolean;
}

export interface Selected {
  engine: InferenceEngine;
  info: EngineInfo;
}

/** What can rule an engine out before trying it: a reason, or undefined when it may run. */
function precondition(kind: EngineKind, env: Environment, opts: SelectOptions): string | undefined {
  if (kind === 'simd' && !env.simd) return 'WebAssembly SIMD is not supported here';
  if (kind === 'simd' && !opts.simdWasm) return 'no engine.wasm was provided';
  if (kind === 'tfjs-webgl' && !env.webgl) return 'no WebGL context can be made here';
  return undefined;
}

export function createEngine(kind: EngineKind, opts: SelectOptions): Promise<InferenceEngine> {
  switch (kind) {
    case 'simd':
      return opts.simdWasm!().then((bytes) => SimdEngine.create(bytes));
    case 'tfjs-webgl':
    case 'tfjs-wasm':
    case 'tfjs-cpu':
      // Imported on demand: where the SIMD engine runs, TensorFlow.js (~1 MB of script) is never loaded.
      return import('./tfjs.ts').then(({ TfjsEngine }) =>
        TfjsEngine.create({ backend: BACKEND[kind], wasmPath: opts.tfjsWasmPath }),
      );
  }
}

const BACKEND = { 'tfjs-webgl': 'webgl', 'tfjs-wasm': 'wasm', 'tfjs-cpu': 'cpu' } as const;

export async function selectEngine(opts: SelectOptions = {}): Promise<Selected> {
  const choice = opts.choice ?? 'auto';
  if (choice !== 'auto' && !ENGINE_KINDS.includes(choice)) {
    throw new Error(`engine: unknown engine ${JSON.stringify(choice)} (auto, ${ENGINE_KINDS.join(', ')})`);
  }
  const env: Environment = { simd: simdSupported(), webgl: webglAvailable(), ...opts.env };
  const first = choice === 'auto' ? 0 : ENGINE_KINDS.indexOf(choice);
  const skipped: EngineInfo['skipped'] = [];
  for (const kind of ENGINE_KINDS.slice(first)) {
    const ruledOut = precondition(kind, env, opts);
    if (ruledOut) {
      skipped.push({ kind, reason: ruledOut });
      continue;
    }
    let engine: InferenceEngine | undefined;
    try {
      engine = await createEngine(kind, opts);
      await opts.start?.(engine);
      return { engine, info: { kind, reason: reasonFor(kind, choice, skipped), skipped } };
    } catch (e) {
      engine?.dispose();
      skipped.push({ kind, reason: `failed to start: ${errorText(e)}` });
    }
  }
  const why = skipped.map((s) => `${s.kind}: ${s.reason}`).join('; ');
  throw new Error(`engine: no engine could start (${why})`);
}

function reasonFor(kind: EngineKind, choice: 'auto' | EngineKind, skipped: EngineInfo['skipped']): string {
  if (choice === kind) return 'forced by settings';
  const own: Record<EngineKind, string> = {
    simd: 'WebAssembly SIMD available',
    'tfjs-webgl': 'WebGL available',
    'tfjs-wasm': 'TensorFlow.js on WebAssembly',
    'tfjs-cpu': 'TensorFlow.js on plain JavaScript (the slowest)',
  };
  const fellBack = skipped.length ? ` (${skipped.map((s) => `${s.kind}: ${s.reason}`).join('; ')})` : '';
  return choice === 'auto' ? `${own[kind]}${fellBack}` : `${choice} was forced by settings but could not run${fellBack}`;
}

/** Can this context make a WebGL context? Workers use OffscreenCanvas; Node has neither. */
export function webglAvailable(): boolean {
  try {
    const canvas: { getContext(id: string): unknown } | undefined =
      typeof OffscreenCanvas !== 'undefined'
        ? new OffscreenCanvas(1, 1)
        : typeof document !== 'undefined'
          ? document.createElement('canvas')
          : undefined;
    return !!canvas && !!(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
  } catch {
    return false;
  }
}
