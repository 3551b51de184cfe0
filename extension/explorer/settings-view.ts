/** Settings: engine, theme, ink width, saliency samples. Saved to storage (shared with the popup) on change. */
import type { EngineChoice } from '../../worker/api.ts';
import { h } from '../ui/dom.ts';
import type { Engine } from '../ui/engine.ts';
import { defaults, type Settings, type ThemeChoice } from '../ui/settings.ts';
import { ENGINE_LABELS } from '../ui/theme.ts';
import type { Workbench } from '../ui/workbench.ts';

const ENGINES: { value: EngineChoice; label: string; about: string }[] = [
  { value: 'auto', label: 'Automatic', about: 'The fastest engine this browser supports (SIMD when WebAssembly SIMD works).' },
  { value: 'simd', label: ENGINE_LABELS.simd, about: 'Hand-written AssemblyScript kernels with 128-bit SIMD. Tiny models run fastest on the CPU.' },
  { value: 'tfjs-webgl', label: ENGINE_LABELS['tfjs-webgl'], about: 'TensorFlow.js on the GPU. Fast for big models; here the upload costs more than it saves.' },
  { value: 'tfjs-wasm', label: ENGINE_LABELS['tfjs-wasm'], about: 'TensorFlow.js’ own WebAssembly backend (XNNPACK).' },
  { value: 'tfjs-cpu', label: ENGINE_LABELS['tfjs-cpu'], about: 'TensorFlow.js in plain JavaScript: the reference, and the slowest.' },
];

export class SettingsView {
  private readonly status = h('div', { class: 'engine-status', 'data-testid': 'engine-status' });

  constructor(private readonly wb: Workbench, host: HTMLElement) {
    const s = wb.settings;
    const engines = h('div', { class: 'choices', role: 'radiogroup', 'data-testid': 'engine-choice' });
    for (const e of ENGINES) {
      const input = h('input', { type: 'radio', name: 'engine', value: e.value, checked: s.engine === e.value });
      input.addEventListener('change', () => void wb.setEngine(e.value));
      engines.append(h('label', { class: 'choice' }, input, h('b', {}, e.label), h('span', {}, e.about)));
    }
    const theme = h('div', { class: 'seg', role: 'group', 'aria-label': 'Theme' });
    for (const t of ['auto', 'light', 'dark'] as ThemeChoice[]) {
      const b = h('button', { type: 'button', 'aria-pressed': String(s.theme === t) }, t === 'auto' ? 'System' : t[0].toUpperCase() + t.slice(1));
      b.addEventListener('click', () => {
        for (const o of theme.children) o.setAttribute('aria-pressed', String(o === b));
        void wb.updateSettings({ theme: t });
      });
      theme.append(b);
    }
    const ink = this.range(12, 32, 1, Math.round(s.ink * 280), (v) => `${v} px`, (v) => wb.updateSettings({ ink: v / 280 }));
    const steps = this.range(4, 64, 4, s.saliency.steps, (v) => `${v}`, (v) => wb.updateSettings({ saliency: { ...wb.settings.saliency, steps: v } }));
    const reset = h('button', { class: 'btn', type: 'button' }, 'Reset to defaults');
    reset.addEventListener('click', async () => {
      await wb.updateSettings({ ...defaults, engine: wb.settings.engine });
      if (wb.settings.engine !== defaults.engine) await wb.setEngine(defaults.engine);
      location.reload();
    });
    host.append(
      h('div', { class: 'form' },
        h('div', { class: 'label' }, 'Engine', h('small', {}, 'Which code runs the networks.')),
        h('div', {}, engines, this.status),
        h('div', { class: 'label' }, 'Theme'),
        h('div', {}, theme),
        h('div', { class: 'label' }, 'Ink width', h('small', {}, 'On the 280 px popup pad; MNIST strokes are about 20.')),
        ink,
        h('div', { class: 'label' }, 'Saliency samples', h('small', {}, 'Integrated-gradients steps and SmoothGrad samples: more is smoother and slower.')),
        steps,
        h('div', { class: 'label' }),
        h('div', {}, reset),
      ),
    );
    wb.onEngine((e, err) => this.showEngine(e, err));
    if (wb.engine) this.showEngine(wb.engine);
  }

  update(): void {
    if (this.wb.engine) this.showEngine(this.wb.engine);
  }

  private showEngine(e: Engine | null, err?: unknown): void {
    if (!e) {
      this.status.textContent = `Could not start: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    const skipped = e.info.skipped.map((s) => `${ENGINE_LABELS[s.kind]} skipped: ${s.reason}`).join('\n');
    this.status.textContent = `Running ${ENGINE_LABELS[e.info.kind]}: ${e.info.reason}.${skipped ? `\n${skipped}` : ''}`;
  }

  private range(min: number, max: number, step: number, value: number, show: (v: number) => string, set: (v: number) => unknown): HTMLElement {
    const input = h('input', { type: 'range', min, max, step, value });
    const out = h('output', {}, show(value));
    input.addEventListener('input', () => (out.textContent = show(Number(input.value))));
    input.addEventListener('change', () => void set(Number(input.value)));
    return h('div', { class: 'range-row' }, input, out);
  }
}

export type { Settings };
