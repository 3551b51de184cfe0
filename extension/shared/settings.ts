/**
 * User settings: one typed `defaults` object, a migration that turns whatever storage holds (older versions, hand
 * edits, garbage) into valid settings, and a small key-value store over browser.storage.local (or localStorage
 * outside an extension, e.g. when a page is opened from disk for development).
 */
import { MODEL_IDS, SALIENCY_METHODS, type EngineChoice, type ModelId, type SaliencyMethod } from '../../worker/api.ts';
import { ENGINE_KINDS } from '../../src/engines/types.ts';
import { isObj } from './errors.ts';

export type ThemeChoice = 'auto' | 'light' | 'dark';

export interface Settings {
  version: 1;
  engine: EngineChoice;
  saliency: {
    method: SaliencyMethod;
    /** Whose saliency is drawn over the sketch. */
    model: ModelId;
    overlay: boolean;
    /** Integrated-gradients steps / SmoothGrad samples. */
    steps: number;
  };
  /** Ink width as a fraction of the pad. */
  ink: number;
  theme: ThemeChoice;
}

export const SETTINGS_VERSION = 1;

/** Ink width as a fraction of the pad: 20 px on 280 px, about MNIST's stroke relative to its 20 px digit box. */
export const DEFAULT_INK = 20 / 280;

export const defaults: Settings = Object.freeze({
  version: 1,
  engine: 'auto',
  saliency: Object.freeze({ method: 'gradient-x-input', model: 'cnn', overlay: true, steps: 16 }),
  ink: DEFAULT_INK,
  theme: 'auto',
}) as Settings;

const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', ...ENGINE_KINDS];

function oneOf<T>(v: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(v as T) ? (v as T) : fallback;
}

function num(v: unknown, lo: number, hi: number, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi ? v : fallback;
}

/**
 * Upgrades steps keyed by the version they upgrade FROM. Version 1 is the first; a later version adds e.g.
 * `1: (s) => ({...s, version: 2, newField: …})` here, and `migrate` runs every step from the stored version on.
 */
const UPGRADES: Record<number, (s: Record<string, unknown>) => Record<string, unknown>> = {};

/** Any stored value → valid Settings: upgrades old versions, keeps valid fields, replaces invalid ones by defaults. */
export function migrate(raw: unknown): Settings {
  let s: Record<string, unknown> = isObj(raw) ? { ...raw } : {};
  let v = typeof s.version === 'number' ? s.version : SETTINGS_VERSION;
  while (v < SETTINGS_VERSION && UPGRADES[v]) {
    s = UPGRADES[v](s);
    v++;
  }
  const sal = isObj(s.saliency) ? s.saliency : {};
  return {
    version: 1,
    engine: oneOf(s.engine, ENGINE_CHOICES, defaults.engine),
    saliency: {
      method: oneOf(sal.method, SALIENCY_METHODS, defaults.saliency.method),
      model: oneOf<ModelId>(sal.model, MODEL_IDS, defaults.saliency.model),
      overlay: typeof sal.overlay === 'boolean' ? sal.overlay : defaults.saliency.overlay,
      steps: Math.round(num(sal.steps, 2, 128, defaults.saliency.steps)),
    },
    ink: num(s.ink, 0.03, 0.15, defaults.ink),
    theme: oneOf<ThemeChoice>(s.theme, ['auto', 'light', 'dark'], defaults.theme),
  };
}

/** Where settings and the last sketch live. */
export interface KeyValue {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

export const KEYS = { settings: 'settings', sketch: 'sketch' } as const;

export async function loadSettings(kv: KeyValue): Promise<Settings> {
  try {
    return migrate(await kv.get(KEYS.settings));
  } catch {
    return migrate(undefined);
  }
}

export function memoryStore(init: Record<string, unknown> = {}): KeyValue {
  const m = new Map(Object.entries(init));
  return {
    get: async (k) => structuredClone(m.get(k)),
    set: async (k, v) => void m.set(k, structuredClone(v)),
  };
}

/**
 * browser.storage.local in an extension page (Chrome through webextension-polyfill, which refuses to load
 * elsewhere, hence the check first); localStorage on a plain page; memory as the last resort.
 */
export async function openStore(): Promise<KeyValue> {
  const g = globalThis as { chrome?: { runtime?: { id?: string } }; browser?: { runtime?: { id?: string } } };
  if (g.chrome?.runtime?.id || g.browser?.runtime?.id) {
    const { default: browser } = await import('webextension-polyfill');
    return {
      get: async (k) => (await browser.storage.local.get(k))[k],
      set: (k, v) => browser.storage.local.set({ [k]: v }),
    };
  }
  try {
    const ls = globalThis.localStorage;
    ls.setItem('seeing-digits:probe', '1');
    ls.removeItem('seeing-digits:probe');
    return {
      get: async (k) => {
        const v = ls.getItem(`seeing-digits:${k}`);
        return v === null ? undefined : JSON.parse(v);
      },
      set: async (k, v) => ls.setItem(`seeing-digits:${k}`, JSON.stringify(v)),
    };
  } catch {
    return memoryStore();
  }
}
