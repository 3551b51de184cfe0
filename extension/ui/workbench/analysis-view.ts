/**
 * What the workbench shows of an analysis: the prediction cards, the verdict when the models doubt, the input and
 * saliency thumbnails, the heatmap over the pad with its legend, each layer's activations, the explained digit and
 * the timing. Pure rendering: it holds no engine and no settings of its own.
 */
import { MODEL_IDS, type ModelId } from '../../../worker/api.ts';
import { PIXELS, SIDE } from '../../shared/digits.ts';
import { h, styled } from '../../shared/dom.ts';
import { MODEL_NAMES } from '../../shared/labels.ts';
import { isSigned, METHOD_LABELS, paintSaliency, SALIENCY_COLOURS } from '../../shared/saliency.ts';
import type { Settings } from '../../shared/settings.ts';
import { assess, typicalityLine } from '../../shared/verdict.ts';
import { PredictionCard } from '../bars.ts';
import type { Theme } from '../colormap.ts';
import type { Tooltip } from '../dom.ts';
import { drawOverlay, drawSmall, grayImage, overInput } from '../heatview.ts';
import { LayerStack, type LayerStackOptions } from '../layers.ts';
import type { Analysis } from '../live.ts';

export interface AnalysisViewConfig {
  layers: Record<ModelId, LayerStackOptions>;
  /** One model's layers at a time, switched by tabs (popup); else both. */
  tabs: boolean;
  subtitles?: Partial<Record<ModelId, string>>;
}

const SUBTITLES: Record<ModelId, string> = { mlp: '784 → 128 → 64 → 10', cnn: 'conv 16 · conv 32 · 128' };

export class AnalysisView {
  private readonly cards: Record<ModelId, PredictionCard>;
  private readonly stacks: Record<ModelId, LayerStack>;
  private tab: ModelId = 'mlp';
  private last: Analysis | null = null;
  private note: string | null = null;

  constructor(
    private readonly q: <T extends HTMLElement = HTMLElement>(id: string) => T,
    private readonly qq: <T extends HTMLElement = HTMLElement>(id: string) => T | null,
    private readonly config: AnalysisViewConfig,
    tooltip: Tooltip,
    onPick: (digit: number) => void,
  ) {
    const sub = { ...SUBTITLES, ...config.subtitles };
    this.cards = { mlp: new PredictionCard('mlp', sub.mlp, onPick), cnn: new PredictionCard('cnn', sub.cnn, onPick) };
    this.q('predictions').append(...MODEL_IDS.map((id) => this.cards[id].el));
    this.stacks = { mlp: new LayerStack(config.layers.mlp, tooltip), cnn: new LayerStack(config.layers.cnn, tooltip) };
    for (const id of MODEL_IDS) this.q(`activations-${id}`).append(this.stacks[id].el);
  }

  showTab(id: ModelId, theme: Theme): void {
    this.tab = id;
    for (const m of MODEL_IDS) {
      this.qq(`tab-${m}`)?.setAttribute('aria-selected', String(m === id));
      this.q(`activations-${m}`).hidden = this.config.tabs && m !== id;
      const help = document.querySelector<HTMLElement>(`[data-help="${m}"]`);
      if (help) help.hidden = this.config.tabs && m !== id;
    }
    if (this.last) this.renderLayers(this.last, theme);
  }

  /**
   * Nothing to show: the pad is empty, or its ink is no digit (`message` says why). Every view is cleared, the
   * layers too (a faded old digit would still read as an answer).
   */
  /** No single digit to show: an empty pad, a sketch that cannot be read (`message`), or a number (`number`). */
  blank(target: number | null, message?: string, number?: { value: string; detail: string }): void {
    this.last = null;
    const hint = this.q('hint');
    hint.hidden = !!message || !!number;
    hint.replaceChildren('Draw a digit', h('small', {}, 'with your mouse, finger or pen'));
    const status = this.q('pad-status');
    status.hidden = !message && !number;
    status.textContent = number
      ? `Reads ${number.value} (${number.detail}). Draw one digit to see inside the models.`
      : message
        ? `${message} Draw one digit, or use Undo or Clear.`
        : '';
    for (const id of MODEL_IDS) {
      this.cards[id].update(null, 0, null);
      this.stacks[id].clear();
      const thumb = this.qq<HTMLCanvasElement>(`saliency-${id}`);
      if (thumb) drawSmall(thumb, grayImage(new Float32Array(PIXELS)));
    }
    drawSmall(this.q('input-preview'), grayImage(new Float32Array(PIXELS)));
    drawOverlay(this.q('overlay'), null, null);
    this.q('warning').hidden = true;
    this.q('typicality').hidden = true;
    this.q('heat-legend').hidden = true;
    this.q('timing').textContent = '';
    this.renderTarget(target);
  }

  /** `note`: what is on the pad when it is not the user's sketch (a test digit). */
  render(a: Analysis, target: number | null, settings: Settings, theme: Theme, note: string | null = null): void {
    this.last = a;
    this.note = note;
    this.q('hint').hidden = true;
    const status = this.q('pad-status');
    status.hidden = !note;
    status.textContent = note ?? '';
    const { result } = a;
    for (const id of MODEL_IDS) {
      const m = result.models.find((r) => r.id === id);
      this.cards[id].update(m ? m.probs : null, m?.digit ?? 0, target);
      const thumb = this.qq<HTMLCanvasElement>(`saliency-${id}`);
      if (thumb && m?.saliency) {
        drawSmall(thumb, overInput(result.input, paintSaliency(m.saliency.map, SIDE, SIDE, isSigned(m.saliency.method))));
      }
    }
    drawSmall(this.q('input-preview'), grayImage(result.input));
    this.renderVerdict(a);
    this.drawOverlay(settings);
    this.renderLayers(a, theme);
    this.renderTarget(target);
    const timing = this.q('timing');
    timing.textContent = `${result.ms.toFixed(1)} ms`;
    timing.title = `${result.ms.toFixed(2)} ms in the worker, ${a.roundTrip.toFixed(1)} ms from sketch to result`;
  }

  /** Re-renders the last analysis (theme change). */
  rerender(target: number | null, settings: Settings, theme: Theme): void {
    if (this.last) this.render(this.last, target, settings, theme, this.note);
  }

  /** The same doubts as the page panel: the models disagree, or one is unsure. */
  private renderVerdict(a: Analysis): void {
    const box = this.q('warning');
    const verdict = assess(a.result.models);
    box.hidden = verdict.confident;
    if (!verdict.confident) box.replaceChildren(h('b', {}, verdict.headline), ...verdict.doubts.map((d) => h('span', {}, d)));
    const typical = this.q('typicality');
    typical.textContent = typicalityLine(a.result.models);
    typical.hidden = !typical.textContent;
  }

  drawOverlay(settings: Settings): void {
    const canvas = this.q<HTMLCanvasElement>('overlay');
    const legend = this.q('heat-legend');
    const s = settings.saliency;
    const m = this.last?.result.models.find((r) => r.id === s.model) ?? this.last?.result.models[0];
    if (!s.overlay || !this.last || !m?.saliency) {
      legend.hidden = true;
      return drawOverlay(canvas, null, null);
    }
    drawOverlay(canvas, paintSaliency(m.saliency.map, SIDE, SIDE, isSigned(m.saliency.method), 200), this.last.inputRect);
    canvas.dataset.model = m.id;
    canvas.title = `${MODEL_NAMES[m.id]} · ${METHOD_LABELS[m.saliency.method]}`;
    const swatch = (c: string) => styled(h('span', { class: 'swatch' }), { background: c });
    legend.hidden = false;
    legend.replaceChildren(
      `${MODEL_NAMES[m.id]}: `,
      ...(isSigned(m.saliency.method)
        ? [swatch(SALIENCY_COLOURS.positive), ' for the digit ', swatch(SALIENCY_COLOURS.negative), ' against']
        : [swatch(SALIENCY_COLOURS.positive), ' where the answer is most sensitive']),
    );
  }

  private renderLayers(a: Analysis, theme: Theme): void {
    for (const id of MODEL_IDS) {
      if (this.config.tabs && id !== this.tab) continue;
      const layers = a.result.models.find((r) => r.id === id)?.layers;
      if (layers) this.stacks[id].update(layers, theme);
    }
  }

  private renderTarget(target: number | null): void {
    const el = this.qq('target-line');
    if (!el) return;
    const reset = this.qq('target-reset');
    if (target === null) {
      el.replaceChildren('Explaining each model’s top digit · choose a bar to ask about another');
      reset?.setAttribute('hidden', '');
    } else {
      el.replaceChildren('Explaining ', h('b', { 'data-testid': 'target' }, String(target)), ' for both models');
      reset?.removeAttribute('hidden');
    }
  }
}
