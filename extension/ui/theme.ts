/** Light/dark: follows the system unless the settings force one; the choice is on <html data-theme>. */
import type { EngineKind } from '../../src/engines/types.ts';
import type { Theme } from './colormap.ts';
import type { ThemeChoice } from './settings.ts';

const dark = () => globalThis.matchMedia?.('(prefers-color-scheme: dark)');

export function resolveTheme(choice: ThemeChoice): Theme {
  return choice === 'auto' ? (dark()?.matches ? 'dark' : 'light') : choice;
}

/** Applies the theme now and whenever the system's changes (while on 'auto'); calls `onChange` with the result. */
export function watchTheme(get: () => ThemeChoice, onChange: (t: Theme) => void): () => void {
  const apply = () => {
    const t = resolveTheme(get());
    document.documentElement.dataset.theme = t;
    onChange(t);
  };
  apply();
  const mq = dark();
  mq?.addEventListener('change', apply);
  return apply;
}

export const ENGINE_LABELS: Record<EngineKind, string> = {
  simd: 'SIMD (WebAssembly)',
  'tfjs-webgl': 'WebGL (TensorFlow.js)',
  'tfjs-wasm': 'WebAssembly (TensorFlow.js)',
  'tfjs-cpu': 'CPU (TensorFlow.js)',
};

export const MODEL_NAMES = { mlp: 'MLP', cnn: 'CNN' } as const;
