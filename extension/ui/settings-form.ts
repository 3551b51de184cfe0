/**
 * The settings form: engine, theme, ink width, saliency samples, saved to storage on change (shared by the popup,
 * the explorer and the page panel). The explorer's Settings tab and the options page both show it; with an
 * engine session (explorer) it also says which engine runs and switches at once.
 */
import './settings-form.css';
import type { EngineChoice } from '../../worker/api.ts';
import { h } from '../shared/dom.ts';
import { errorText } from '../shared/errors.ts';
import { ENGINE_LABELS } from '../shared/labels.ts';
import type { Session } from '../shared/session.ts';
import { defaults, type ThemeChoice } from '../shared/settings.ts';
import type { EngineSession } from './workbench/engine-session.ts';
import { modelChoice } from './model-choice.ts';
import { modelImport } from './model-import.ts';
import type { SettingsStore } from './workbench/settings-store.ts';

const ENGINES: { value: EngineChoice; label: string; about: string }[] = [
  { value: 'auto', label: 'Automatic', about: 'The fastest engine this browser supports (SIMD when WebAssembly SIMD works).' },
  { value: 'simd', label: ENGINE_LABELS.simd, about: 'Hand-written AssemblyScript kernels with 128-bit SIMD. Tiny models run fastest on the CPU.' },
  { value: 'tfjs-webgl', label: ENGINE_LABELS['tfjs-webgl'], about: 'TensorFlow.js on the GPU. Fast for big models; here the upload costs more than it saves.' },
  { value: 'tfjs-wasm', label: ENGINE_LABELS['tfjs-wasm'], about: 'TensorFlow.js’ own WebAssembly backend (XNNPACK).' },
  { value: 'tfjs-cpu', label: ENGINE_LABELS['tfjs-cpu'], about: 'TensorFlow.js in plain JavaScript: the reference, and the slowest.' },
];

/** The pad the ink width is measured on (the popup's), so the numbers match what MNIST's strokes are. */
const PAD_PX = 280;

export function settingsForm(store: SettingsStore, engine?: EngineSession): HTMLElement {
  const s = store.value;
  const status = h('div', { class: 'engine-status', 'data-testid': 'engine-status' });
  const engines = h('div', { class: 'choices', role: 'radiogroup', 'aria-label': 'Engine', 'data-testid': 'engine-choice' });
  const setEngine = async (choice: EngineChoice) => {
    await store.update({ engine: choice });
    await engine?.switch().catch(() => undefined); // shown by the status line
  };
  for (const e of ENGINES) {
    const input = h('input', { type: 'radio', name: 'engine', value: e.value, checked: s.engine === e.value });
    input.addEventListener('change', () => void setEngine(e.value));
    engines.append(h('label', { class: 'choice' }, input, h('b', {}, e.label), h('span', {}, e.about)));
  }
  const theme = h('div', { class: 'seg', role: 'group', 'aria-label': 'Theme', 'data-testid': 'theme-choice' });
  for (const t of ['auto', 'light', 'dark'] as ThemeChoice[]) {
    const b = h('button', { type: 'button', 'data-theme-choice': t, 'aria-pressed': String(s.theme === t) }, t === 'auto' ? 'System' : t[0].toUpperCase() + t.slice(1));
    b.addEventListener('click', () => {
      for (const o of theme.children) o.setAttribute('aria-pressed', String(o === b));
      void store.update({ theme: t });
    });
    theme.append(b);
  }
  const ink = range('ink', 12, 32, 1, Math.round(s.ink * PAD_PX), (v) => `${v} px`, (v) => store.update({ ink: v / PAD_PX }));
  const steps = range('steps', 4, 64, 4, s.saliency.steps, (v) => `${v}`, (v) => store.update({ saliency: { ...store.value.saliency, steps: v } }));
  const reset = h('button', { class: 'btn', type: 'button' }, 'Reset to defaults');
  reset.addEventListener('click', async () => {
    const switching = store.value.engine !== defaults.engine;
    await store.update({ ...defaults });
    if (switching) await engine?.switch().catch(() => undefined);
    location.reload();
  });
  if (engine) {
    const show = (session: Session | null, err?: unknown) => {
      if (!session) {
        status.textContent = err === undefined ? 'Starting…' : `Could not start: ${errorText(err)}`;
        return;
      }
      const skipped = session.info.skipped.map((k) => `${ENGINE_LABELS[k.kind]} skipped: ${k.reason}`).join('\n');
      status.textContent = `Running ${ENGINE_LABELS[session.info.kind]}: ${session.info.reason}.${skipped ? `\n${skipped}` : ''}`;
    };
    engine.onChange((st) => show(st.state === 'ready' ? st.session : null, st.state === 'failed' ? st.error : undefined));
    show(engine.current);
  }
  return h(
    'div',
    { class: 'form' },
    h('div', { class: 'label' }, 'Engine', h('small', {}, 'Which code runs the networks.')),
    h('div', {}, engines, engine ? status : null),
    h('div', { class: 'label' }, 'Models', h('small', {}, 'One of yours (trained in the Train view or opened below) instead of the shipped model of its kind.')),
    h('div', {}, modelChoice(store, engine)),
    h('div', { class: 'label' }, 'Your models', h('small', {}, 'Open a PyTorch (ONNX) or TensorFlow.js model; remove stored ones.')),
    modelImport(store, engine),
    h('div', { class: 'label' }, 'Theme'),
    h('div', {}, theme),
    h('div', { class: 'label' }, 'Ink width', h('small', {}, `On the ${PAD_PX} px popup pad; MNIST strokes are about 20.`)),
    ink,
    h('div', { class: 'label' }, 'Saliency samples', h('small', {}, 'Integrated-gradients steps and SmoothGrad samples: more is smoother and slower.')),
    steps,
    h('div', { class: 'label' }),
    h('div', {}, reset),
  );
}

function range(name: string, min: number, max: number, step: number, value: number, show: (v: number) => string, set: (v: number) => unknown): HTMLElement {
  const input = h('input', { type: 'range', min, max, step, value, 'data-testid': `setting-${name}`, 'aria-label': name });
  const out = h('output', {}, show(value));
  input.addEventListener('input', () => (out.textContent = show(Number(input.value))));
  input.addEventListener('change', () => void set(Number(input.value)));
  return h('div', { class: 'range-row' }, input, out);
}
