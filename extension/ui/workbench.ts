/**
 * The sketch-and-see workbench shared by the popup and the explorer: pad, live analysis, prediction cards,
 * saliency (thumbnails and the overlay on the pad), per-layer activations, engine status, errors with retry,
 * settings and the last sketch kept in storage. Pages supply the markup; parts are found by data-testid, so both
 * pages expose the same test hooks.
 */
import type { AnalyzeOptions, EngineChoice, ModelId, SeeingDigitsApi } from '../../worker/api.ts';
import type { SeeingDigitsClient } from '../../worker/client.ts';
import { diverging, type Theme } from './colormap.ts';
import { PredictionCard } from './bars.ts';
import { h, Tooltip } from './dom.ts';
import { errorText, NoModelsError, spawnClient, startEngine, type Engine } from './engine.ts';
import { drawLegend, drawOverlay, drawSmall, grayImage, overInput } from './heatview.ts';
import { LayerStack, type LayerStackOptions } from './layers.ts';
import { LiveAnalysis, type Analysis } from './live.ts';
import { SketchPad, type PadChange } from './pad.ts';
import { isSigned, METHOD_LABELS, paintSaliency } from './saliency.ts';
import { KEYS, loadSettings, migrate, openStore, type KeyValue, type Settings } from './settings.ts';
import { decodeSketch, encodeSketch } from './stroke.ts';
import { ENGINE_LABELS, MODEL_NAMES, watchTheme } from './theme.ts';
import { SALIENCY_METHODS } from '../../worker/api.ts';

export interface WorkbenchConfig {
  layers: Record<ModelId, LayerStackOptions>;
  /** One model's layers at a time, switched by tabs (popup); else both. */
  tabs: boolean;
  subtitles?: Partial<Record<ModelId, string>>;
}

export type AnalysisListener = (a: Analysis | null, wb: Workbench) => void;

const IDS: ModelId[] = ['mlp', 'cnn'];

export class Workbench {
  settings: Settings = migrate(undefined);
  theme: Theme = 'light';
  target: number | null = null;
  last: Analysis | null = null;
  engine: Engine | null = null;
  readonly pad: SketchPad;
  readonly tooltip = new Tooltip();
  private readonly live: LiveAnalysis;
  private readonly cards: Record<ModelId, PredictionCard>;
  private readonly stacks: Record<ModelId, LayerStack>;
  private readonly listeners = new Set<AnalysisListener>();
  private readonly engineListeners = new Set<(e: Engine | null, error?: unknown) => void>();
  private store: KeyValue | null = null;
  private client: SeeingDigitsClient | null = null;
  private starting: Promise<Engine> | null = null;
  private tab: ModelId = 'mlp';
  private applyTheme: () => void = () => undefined;
  /** performance.now() of the last stroke end / undo / clear, for the latency readout. */
  private inputAt = 0;
  analyses = 0;

  constructor(private readonly root: HTMLElement, private readonly config: WorkbenchConfig) {
    const pick = (d: number) => this.setTarget(this.target === d ? null : d);
    const sub = config.subtitles ?? {};
    this.cards = {
      mlp: new PredictionCard('mlp', sub.mlp ?? '784 → 128 → 64 → 10', pick),
      cnn: new PredictionCard('cnn', sub.cnn ?? 'conv 16 · conv 32 · 128', pick),
    };
    this.q('predictions').append(this.cards.mlp.el, this.cards.cnn.el);
    this.stacks = {
      mlp: new LayerStack(config.layers.mlp, this.tooltip),
      cnn: new LayerStack(config.layers.cnn, this.tooltip),
    };
    for (const id of IDS) this.q(`activations-${id}`).append(this.stacks[id].el);
    this.pad = new SketchPad(this.q('sketch') as HTMLCanvasElement, { ink: () => this.settings.ink, onChange: (w) => this.padChanged(w) });
    this.live = new LiveAnalysis(this.pad, {
      api: () => this.api(),
      options: () => this.analyzeOptions(),
      onResult: (a) => this.render(a),
      onBlank: (m) => this.renderBlank(m),
      onNumber: (n, detail) => this.renderBlank(detail, n), // several digits: the number, per model
      onError: (e) => this.fail(e),
    });
    this.wire();
    this.renderBlank();
    this.q('undo').toggleAttribute('disabled', true);
    this.q('clear').toggleAttribute('disabled', true);
  }

  /** Builds the workbench, restores settings and the last sketch, starts the engine. */
  static async create(root: HTMLElement, config: WorkbenchConfig): Promise<Workbench> {
    const wb = new Workbench(root, config);
    await wb.restore();
    wb.startEngine();
    return wb;
  }

  onAnalysis(fn: AnalysisListener): void {
    this.listeners.add(fn);
  }

  /** Called when an engine is ready (or failed to start: engine null). */
  onEngine(fn: (e: Engine | null, error?: unknown) => void): void {
    this.engineListeners.add(fn);
  }

  /** The element with data-testid `id` (throws for a page missing a part: a build error, not a user error). */
  q<T extends HTMLElement = HTMLElement>(id: string): T {
    const el = this.root.querySelector<T>(`[data-testid="${id}"]`);
    if (!el) throw new Error(`page is missing [data-testid="${id}"]`);
    return el;
  }

  private qq<T extends HTMLElement = HTMLElement>(id: string): T | null {
    return this.root.querySelector<T>(`[data-testid="${id}"]`);
  }

  api(): Promise<SeeingDigitsApi> {
    return (this.starting ?? this.startEngine()).then((e) => e.client);
  }

  async saveSettings(patch: Partial<Settings>): Promise<void> {
    this.settings = migrate({ ...this.settings, ...patch });
    await this.store?.set(KEYS.settings, this.settings).catch(() => undefined);
  }

  /** Applies changed settings (explorer): theme, ink, saliency options; re-analyses. */
  async updateSettings(patch: Partial<Settings>): Promise<void> {
    await this.saveSettings(patch);
    this.applyTheme();
    this.syncControls();
    this.pad.redraw();
    this.live.request(true);
  }

  /** Switches engine (explorer setting): re-inits the worker, re-analyses. */
  async setEngine(choice: EngineChoice): Promise<void> {
    await this.saveSettings({ engine: choice });
    this.engine = null;
    this.starting = null;
    this.startEngine();
    this.live.request();
  }

  setTarget(t: number | null): void {
    this.target = t;
    this.live.request();
  }

  refresh(): void {
    this.live.request();
  }

  private async restore(): Promise<void> {
    this.store = await openStore();
    this.settings = await loadSettings(this.store);
    this.applyTheme = watchTheme(() => this.settings.theme, (t) => this.themeChanged(t));
    this.syncControls();
    const strokes = decodeSketch(await this.store.get(KEYS.sketch).catch(() => undefined));
    if (strokes.length) this.pad.load(strokes);
  }

  private startEngine(): Promise<Engine> {
    this.client ??= spawnClient();
    this.setChip('busy', 'Starting engine…');
    const p = startEngine(this.client, this.settings.engine);
    this.starting = p;
    p.then(
      (e) => {
        if (this.starting !== p) return;
        this.engine = e;
        this.setChip('ready', ENGINE_LABELS[e.info.kind], `${e.info.reason}${e.info.skipped.map((s) => `\n${s.kind} skipped: ${s.reason}`).join('')}`);
        this.hideError();
        for (const fn of this.engineListeners) fn(e);
      },
      (err) => {
        if (this.starting !== p) return;
        this.starting = null;
        this.fail(err);
        for (const fn of this.engineListeners) fn(null, err);
      },
    );
    return p;
  }

  private setChip(state: 'busy' | 'ready' | 'failed', label: string, title = ''): void {
    const chip = this.q('engine');
    chip.className = `chip ${state}`;
    chip.replaceChildren(h('span', { class: 'dot', 'aria-hidden': 'true' }), label);
    chip.title = title;
  }

  private analyzeOptions(): AnalyzeOptions {
    const s = this.settings.saliency;
    return {
      activations: true,
      saliency: { method: s.method, target: this.target ?? undefined, steps: s.steps },
    };
  }

  private padChanged(why: PadChange): void {
    if (why === 'clear') this.target = null;
    // Latency counts from the input event itself: a stroke's end from its pointerup's timestamp.
    if (why !== 'draw') this.inputAt = why === 'end' && this.pad.endedAt ? this.pad.endedAt : performance.now();
    this.q('undo').toggleAttribute('disabled', this.pad.sketch.isEmpty);
    this.q('clear').toggleAttribute('disabled', this.pad.sketch.isEmpty);
    if (this.pad.sketch.isEmpty) this.renderBlank();
    else this.q('hint').hidden = true;
    // A finished stroke is analysed at once (no more input is coming this frame); strokes in progress once a frame.
    this.live.request(why !== 'draw');
    // Saved after every stroke, undo and clear: a popup can close at any moment.
    if (why !== 'draw' && why !== 'load') void this.store?.set(KEYS.sketch, encodeSketch(this.pad.sketch.strokes)).catch(() => undefined);
  }

  private wire(): void {
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
    method.addEventListener('change', async () => {
      await this.saveSettings({ saliency: { ...this.settings.saliency, method: method.value as Settings['saliency']['method'] } });
      this.live.request();
    });
    const overlay = this.q<HTMLInputElement>('overlay-toggle');
    overlay.addEventListener('change', async () => {
      await this.saveSettings({ saliency: { ...this.settings.saliency, overlay: overlay.checked } });
      this.syncControls();
      this.drawOverlay();
    });
    for (const id of IDS) {
      this.qq(`saliency-${id}`)?.closest('.thumb')?.addEventListener('click', async () => {
        await this.saveSettings({ saliency: { ...this.settings.saliency, model: id } });
        this.syncControls();
        this.drawOverlay();
      });
      this.qq(`tab-${id}`)?.addEventListener('click', () => this.showTab(id));
    }
    this.qq('target-reset')?.addEventListener('click', () => this.setTarget(null));
    this.q('retry').addEventListener('click', () => this.retry());
    if (this.config.tabs) this.showTab('mlp');
  }

  private showTab(id: ModelId): void {
    this.tab = id;
    for (const m of IDS) {
      this.qq(`tab-${m}`)?.setAttribute('aria-selected', String(m === id));
      this.q(`activations-${m}`).hidden = this.config.tabs && m !== id;
      const help = this.root.querySelector<HTMLElement>(`[data-help="${m}"]`);
      if (help) help.hidden = this.config.tabs && m !== id;
    }
    if (this.last) this.renderLayers(this.last);
  }

  private syncControls(): void {
    const s = this.settings.saliency;
    // With the heatmap on, the ink is drawn lighter so the colours on it read.
    const wrap = this.q('overlay').parentElement!;
    if (wrap.classList.contains('heat') !== s.overlay) {
      wrap.classList.toggle('heat', s.overlay);
      this.pad.restyle();
    }
    this.q<HTMLSelectElement>('saliency-method').value = s.method;
    this.q<HTMLInputElement>('overlay-toggle').checked = s.overlay;
    for (const id of IDS) this.qq(`saliency-${id}`)?.closest('.thumb')?.classList.toggle('selected', id === s.model);
  }

  private themeChanged(t: Theme): void {
    this.theme = t;
    this.pad.restyle();
    const legend = this.qq<HTMLCanvasElement>('legend');
    if (legend) drawLegend(legend, diverging(t));
    if (this.last) this.render(this.last);
  }

  private retry(): void {
    this.hideError();
    this.client?.close();
    this.engine = null;
    this.startEngine();
    this.live.request();
  }

  private fail(e: unknown): void {
    const noModels = e instanceof NoModelsError;
    this.setChip('failed', noModels ? 'No models' : 'Engine stopped');
    this.q('error-title').textContent = noModels ? 'No models to run' : 'The analysis engine stopped';
    this.q('error-message').textContent = errorText(e);
    this.q('error').hidden = false;
  }

  private hideError(): void {
    this.q('error').hidden = true;
  }

  private renderBlank(message?: string, title?: string): void {
    this.last = null;
    const hint = this.q('hint');
    hint.hidden = false;
    hint.replaceChildren(
      title ?? (message ? 'Keep drawing…' : 'Draw a digit'),
      h('small', {}, message ?? 'with your mouse, finger or pen'),
    );
    for (const id of IDS) {
      this.cards[id].update(null, 0, null);
      this.stacks[id].clear();
      const thumb = this.qq<HTMLCanvasElement>(`saliency-${id}`);
      if (thumb) drawSmall(thumb, grayImage(new Float32Array(784)));
    }
    drawSmall(this.q('input-preview'), grayImage(new Float32Array(784)));
    drawOverlay(this.q('overlay'), null, null);
    this.q('timing').textContent = '';
    this.renderTarget();
    for (const fn of this.listeners) fn(null, this);
  }

  private render(a: Analysis): void {
    const t0 = performance.now();
    this.last = a;
    this.analyses++;
    this.hideError();
    this.q('hint').hidden = true;
    const { result } = a;
    for (const id of IDS) {
      const m = result.models.find((r) => r.id === id);
      this.cards[id].update(m ? m.probs : null, m?.digit ?? 0, this.target);
      const thumb = this.qq<HTMLCanvasElement>(`saliency-${id}`);
      if (thumb && m?.saliency) {
        drawSmall(thumb, overInput(result.input, paintSaliency(m.saliency.map, 28, 28, isSigned(m.saliency.method))));
      }
    }
    drawSmall(this.q('input-preview'), grayImage(result.input));
    this.drawOverlay();
    this.renderLayers(a);
    this.renderTarget();
    const timing = this.q('timing');
    timing.textContent = `${result.ms.toFixed(1)} ms`;
    timing.title = `${result.ms.toFixed(2)} ms in the worker, ${a.roundTrip.toFixed(1)} ms from sketch to result`;
    if (this.engine && result.engine !== this.engine.info.kind) this.setChip('ready', ENGINE_LABELS[result.engine]);
    for (const fn of this.listeners) fn(a, this);
    this.markLatency(performance.now() - t0);
  }

  private renderLayers(a: Analysis): void {
    for (const id of IDS) {
      if (this.config.tabs && id !== this.tab) continue;
      const layers = a.result.models.find((r) => r.id === id)?.layers;
      if (layers) this.stacks[id].update(layers, this.theme);
    }
  }

  private renderTarget(): void {
    const el = this.qq('target-line');
    if (!el) return;
    const reset = this.qq('target-reset');
    if (this.target === null) {
      el.replaceChildren('Explaining each model’s top digit · click a bar to ask about another');
      reset?.setAttribute('hidden', '');
    } else {
      el.replaceChildren('Explaining ', h('b', { 'data-testid': 'target' }, String(this.target)), ' for both models');
      reset?.removeAttribute('hidden');
    }
  }

  drawOverlay(): void {
    const canvas = this.q<HTMLCanvasElement>('overlay');
    const s = this.settings.saliency;
    const m = this.last?.result.models.find((r) => r.id === s.model) ?? this.last?.result.models[0];
    if (!s.overlay || !this.last || !m?.saliency) return drawOverlay(canvas, null, null);
    drawOverlay(canvas, paintSaliency(m.saliency.map, 28, 28, isSigned(m.saliency.method), 200), this.last.inputRect);
    canvas.dataset.model = m.id;
    canvas.title = `${MODEL_NAMES[m.id]} · ${METHOD_LABELS[m.saliency.method]}`;
  }

  /**
   * Exposes, for tests and the curious, how long the last stroke end (or undo/clear) took to reach the screen:
   * `inputToRenderMs` until every view was updated, `inputToFrameMs` until the next frame's callbacks ran.
   */
  private markLatency(renderMs: number): void {
    const since = this.inputAt;
    const rendered = performance.now() - since;
    requestAnimationFrame(() => {
      const stats = {
        analyses: this.analyses,
        workerMs: this.last?.result.ms ?? 0,
        roundTripMs: this.last?.roundTrip ?? 0,
        renderMs,
        inputToRenderMs: since ? rendered : 0,
        inputToFrameMs: since ? performance.now() - since : 0,
      };
      (globalThis as { __seeingDigits?: unknown }).__seeingDigits = stats;
      document.body.dataset.analyses = String(this.analyses);
    });
  }
}
