/**
 * The sketch-and-see workbench of the popup and the explorer, put together from its parts: the settings store,
 * the engine session, the pad with live analysis, and the analysis view. It fills the page's placeholders with the
 * shared markup (markup.ts), wires the controls, and offers views the narrow `WorkbenchContext`.
 */
import { MODEL_IDS, SALIENCY_METHODS, type AnalyzeOptions, type SeeingDigitsApi } from '../../../worker/api.ts';
import { h } from '../../shared/dom.ts';
import { errorText } from '../../shared/errors.ts';
import { ENGINE_LABELS } from '../../shared/labels.ts';
import { METHOD_LABELS } from '../../shared/saliency.ts';
import { NoModelsError } from '../../shared/session.ts';
import { KEYS, type Settings } from '../../shared/settings.ts';
import { diverging, type Theme } from '../colormap.ts';
import { Tooltip } from '../dom.ts';
import { drawLegend } from '../heatview.ts';
import { LiveAnalysis, type Analysis } from '../live.ts';
import { SketchPad, type PadChange } from '../pad.ts';
import { decodeSketch, encodeSketch } from '../stroke.ts';
import { misread, testDigits } from '../test-digits.ts';
import { watchTheme } from '../theme.ts';
import { AnalysisView, type AnalysisViewConfig } from './analysis-view.ts';
import { EngineSession, type EngineState } from './engine-session.ts';
import { LatencyProbe } from './latency.ts';
import { fillSlots } from './markup.ts';
import { SettingsStore } from './settings-store.ts';

export interface WorkbenchConfig extends AnalysisViewConfig {
  /** Keep an in-page replica of the engine for the answers to clicks (setHooks): the explorer. */
  replica?: boolean;
}

function describeDigit(d: ShownDigit): string {
  const p = d.predicted;
  const read = !p ? '' : p.mlp === d.label && p.cnn === d.label ? ': both models read it right' : `: the MLP read ${p.mlp}, the CNN ${p.cnn}`;
  return `MNIST test digit #${d.index}, labelled ${d.label}${read}. Draw to replace it.`;
}

/** What a view of the explorer may use: the latest analysis and a subscription, plus the page's shared services. */
export interface WorkbenchContext {
  /** The latest analysis of the sketch; null while the pad is blank. */
  readonly latest: Analysis | null;
  /** Called after every analysis (null: blank); returns the unsubscribe. */
  subscribe(fn: (a: Analysis | null) => void): () => void;
  /** The digit being explained (null: each model's top digit). */
  readonly target: number | null;
  readonly theme: Theme;
  readonly settings: SettingsStore;
  readonly engine: EngineSession;
  readonly tooltip: Tooltip;
  /** The worker API, for a view's own analyses. */
  api(): Promise<SeeingDigitsApi>;
  /** Puts an MNIST test digit on the pad (e.g. one clicked on the PCA map). */
  showDigit(d: ShownDigit): void;
  /**
   * Interventions every analysis runs under from now on (the explorer's ablations); undefined: none. `at`: the
   * event's time (a click's timeStamp), from which the latency probe counts.
   */
  setHooks(hooks: AnalyzeOptions['hooks'], at?: number): void;
}

/** A test digit to show on the pad; `predicted` when the file says how the models read it. */
export interface ShownDigit {
  index: number;
  label: number;
  pixels: Float32Array;
  predicted?: { mlp: number; cnn: number };
}

export class Workbench implements WorkbenchContext {
  theme: Theme = 'light';
  target: number | null = null;
  latest: Analysis | null = null;
  readonly tooltip = new Tooltip();
  readonly engine: EngineSession;
  readonly pad: SketchPad;
  private readonly view: AnalysisView;
  private readonly live: LiveAnalysis;
  private readonly listeners = new Set<(a: Analysis | null) => void>();
  private readonly latency = new LatencyProbe();
  /** What the loaded test digit is, shown under the pad while it is there. */
  private digitNote: string | null = null;

  private constructor(private readonly root: HTMLElement, readonly settings: SettingsStore, private readonly config: WorkbenchConfig) {
    fillSlots(root);
    this.engine = new EngineSession(() => this.settings.value.engine, config.replica);
    this.view = new AnalysisView((id) => this.q(id), (id) => this.qq(id), config, this.tooltip, (d) => this.setTarget(this.target === d ? null : d));
    this.pad = new SketchPad(this.q('sketch') as HTMLCanvasElement, { ink: () => this.settings.value.ink, onChange: (w) => this.padChanged(w) });
    this.live = new LiveAnalysis(this.pad, {
      api: () => this.api(),
      inPage: () => this.engine.inPage(),
      options: () => this.analyzeOptions(),
      ink: () => this.settings.value.ink,
      onResult: (a) => this.render(a),
      onBlank: (m) => this.renderBlank(m),
      onNumber: (value, detail) => this.renderBlank(undefined, { value, detail }), // several digits side by side
      onError: (e) => this.fail(e),
    });
    this.engine.onChange((s) => this.engineChanged(s));
    this.wire(config.tabs);
    this.renderBlank();
    this.enableEdits();
  }

  /** Builds the workbench in `root`, restores settings and the last sketch, starts the engine. */
  static async create(root: HTMLElement, config: WorkbenchConfig): Promise<Workbench> {
    const wb = new Workbench(root, await SettingsStore.open(), config);
    const applyTheme = watchTheme(() => wb.settings.value.theme, (t) => wb.themeChanged(t));
    wb.settings.onChange(() => {
      applyTheme();
      wb.settingsChanged();
    });
    wb.syncControls();
    const strokes = decodeSketch(await wb.settings.kv.get(KEYS.sketch).catch(() => undefined));
    if (strokes.length) wb.pad.load(strokes);
    void wb.engine.start().catch(() => undefined); // failures are shown by engineChanged
    return wb;
  }

  subscribe(fn: (a: Analysis | null) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The element with data-testid `id` (throws for a page missing a part: a build error, not a user error). */
  q<T extends HTMLElement = HTMLElement>(id: string): T {
    const el = this.qq<T>(id);
    if (!el) throw new Error(`page is missing [data-testid="${id}"]`);
    return el;
  }

  private qq<T extends HTMLElement = HTMLElement>(id: string): T | null {
    return this.root.querySelector<T>(`[data-testid="${id}"]`);
  }

  api(): Promise<SeeingDigitsApi> {
    return this.engine.api();
  }

  private hooks: AnalyzeOptions['hooks'];

  setHooks(hooks: AnalyzeOptions['hooks'], at = performance.now()): void {
    this.hooks = hooks;
    this.latency.input(at, true);
    this.live.request(true, true);
  }

  setTarget(t: number | null): void {
    this.target = t;
    this.live.request();
  }

  /** Re-analyses the sketch (a setting that changes the analysis). */
  refresh(): void {
    this.live.request();
  }

  /** Puts an MNIST test digit on the pad: any, or one that a model misreads. */
  async loadTestDigit(kind: 'random' | 'misread'): Promise<void> {
    try {
      const all = await testDigits();
      const pool = kind === 'misread' ? all.filter(misread) : all;
      this.showDigit(pool[Math.floor(Math.random() * pool.length)]);
    } catch (e) {
      this.renderBlank(`Could not load the test digits: ${errorText(e)}.`);
    }
  }

  showDigit(d: ShownDigit): void {
    this.digitNote = describeDigit(d);
    this.pad.showDigit(d.pixels);
  }

  private settingsChanged(): void {
    this.syncControls();
    this.pad.redraw();
    this.live.request(true);
  }

  private engineChanged(s: EngineState): void {
    if (s.state === 'starting') return this.setChip('busy', 'Starting engine…');
    if (s.state === 'failed') return this.fail(s.error);
    const { info } = s.session;
    this.setChip('ready', ENGINE_LABELS[info.kind], `${info.reason}${info.skipped.map((k) => `\n${k.kind} skipped: ${k.reason}`).join('')}`);
    this.q('error').hidden = true;
    this.live.request();
    // The in-page engine for clicks' answers, started once the page has settled.
    if (this.config.replica) (globalThis.requestIdleCallback ?? setTimeout)(() => this.engine.inPage());
  }

  private setChip(state: 'busy' | 'ready' | 'failed', label: string, title = ''): void {
    const chip = this.q('engine');
    chip.className = `chip ${state}`;
    chip.replaceChildren(h('span', { class: 'dot', 'aria-hidden': 'true' }), label);
    chip.title = title;
  }

  private analyzeOptions(): AnalyzeOptions {
    const s = this.settings.value.saliency;
    return { activations: true, saliency: { method: s.method, target: this.target ?? undefined, steps: s.steps }, ...(this.hooks ? { hooks: this.hooks } : {}) };
  }

  private enableEdits(): void {
    this.q('undo').toggleAttribute('disabled', this.pad.isBlank);
    this.q('clear').toggleAttribute('disabled', this.pad.isBlank);
  }

  private padChanged(why: PadChange): void {
    if (why === 'clear') this.target = null;
    if (!this.pad.digit) this.digitNote = null;
    // Latency counts from the input event itself: a stroke's end from its pointerup's timestamp.
    if (why !== 'draw') this.latency.input(why === 'end' && this.pad.endedAt ? this.pad.endedAt : performance.now());
    this.enableEdits();
    if (this.pad.isBlank) this.renderBlank();
    else if (!this.q('hint').hidden) this.q('hint').hidden = true; // unchanged: nothing to restyle
    // A finished stroke is analysed at once (no more input is coming this frame); strokes in progress once a frame.
    this.live.request(why !== 'draw');
    // Saved after every stroke, undo and clear: a popup can close at any moment.
    if (why !== 'draw' && why !== 'load' && why !== 'digit') void this.settings.kv.set(KEYS.sketch, encodeSketch(this.pad.sketch.strokes)).catch(() => undefined);
  }

  private wire(tabs: boolean): void {
    this.q('undo').addEventListener('click', () => this.pad.undo());
    this.q('clear').addEventListener('click', () => this.pad.clear());
    document.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        this.pad.undo();
      }
    });
    const method = this.q<HTMLSelectElement>('saliency-method');
    method.replaceChildren(...SALIENCY_METHODS.map((m) => h('option', { value: m }, METHOD_LABELS[m])));
    const saliency = (patch: Partial<Settings['saliency']>) => this.settings.update({ saliency: { ...this.settings.value.saliency, ...patch } });
    method.addEventListener('change', () => void saliency({ method: method.value as Settings['saliency']['method'] }));
    const overlay = this.q<HTMLInputElement>('overlay-toggle');
    overlay.addEventListener('change', () => void saliency({ overlay: overlay.checked }));
    for (const id of MODEL_IDS) {
      this.qq(`pick-${id}`)?.addEventListener('click', () => void saliency({ model: id }));
      this.qq(`tab-${id}`)?.addEventListener('click', () => this.view.showTab(id, this.theme));
    }
    this.qq('target-reset')?.addEventListener('click', () => this.setTarget(null));
    const pick = this.q<HTMLSelectElement>('load-digit');
    pick.addEventListener('change', () => {
      const kind = pick.value;
      pick.value = '';
      if (kind === 'random' || kind === 'misread') void this.loadTestDigit(kind);
    });
    this.q('retry').addEventListener('click', () => {
      this.q('error').hidden = true;
      void this.engine.retry().catch(() => undefined);
    });
    if (tabs) this.view.showTab('mlp', this.theme);
  }

  private syncControls(): void {
    const s = this.settings.value.saliency;
    // With the heatmap on, the ink is drawn as an outline-strong colour so both read (see base.css .pad-wrap.heat).
    const wrap = this.q('overlay').parentElement!;
    if (wrap.classList.contains('heat') !== s.overlay) {
      wrap.classList.toggle('heat', s.overlay);
      this.pad.restyle();
    }
    this.q<HTMLSelectElement>('saliency-method').value = s.method;
    this.q<HTMLInputElement>('overlay-toggle').checked = s.overlay;
    for (const id of MODEL_IDS) this.qq(`pick-${id}`)?.setAttribute('aria-pressed', String(id === s.model));
    this.view.drawOverlay(this.settings.value);
  }

  private themeChanged(t: Theme): void {
    this.theme = t;
    this.pad.restyle();
    const legend = this.qq<HTMLCanvasElement>('legend');
    if (legend) drawLegend(legend, diverging(t));
    this.view.rerender(this.target, this.settings.value, t);
  }

  private noticeTimer: ReturnType<typeof setTimeout> | undefined;

  /** The worker had to pick its engine again (e.g. the WebGL context was lost): said above the results for 20 s. */
  private showNotice(text: string): void {
    const el = this.q('engine-notice');
    el.textContent = text;
    el.hidden = false;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => (el.hidden = true), 20_000);
  }

  private fail(e: unknown): void {
    const noModels = e instanceof NoModelsError;
    this.setChip('failed', noModels ? 'No models' : 'Engine stopped');
    this.q('error-title').textContent = noModels ? 'No models to run' : 'The analysis engine stopped';
    this.q('error-message').textContent = errorText(e);
    this.q('error').hidden = false;
  }

  private renderBlank(message?: string, number?: { value: string; detail: string }): void {
    this.latest = null;
    this.view.blank(this.target, message, number);
    for (const fn of this.listeners) fn(null);
  }

  private render(a: Analysis): void {
    const t0 = performance.now();
    this.latest = a;
    this.q('error').hidden = true;
    this.view.render(a, this.target, this.settings.value, this.theme, this.digitNote);
    const running = this.engine.current?.info.kind;
    if (a.result.notice) this.showNotice(a.result.notice);
    if (a.result.notice || (running && a.result.engine !== running)) this.setChip('ready', ENGINE_LABELS[a.result.engine], a.result.notice ?? '');
    for (const fn of this.listeners) fn(a);
    this.latency.rendered(a, performance.now() - t0);
  }
}
