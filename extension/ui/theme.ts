/** Light/dark: follows the system unless the settings force one; the choice is on <html data-theme>. */
import type { Theme } from './colormap.ts';
import type { ThemeChoice } from '../shared/settings.ts';

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
