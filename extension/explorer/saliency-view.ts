/**
 * All four saliency methods for both models, side by side. The workbench's live analysis computes one method;
 * this view asks the worker for the others on the current input (one request at a time, newest input wins).
 */
import { MODEL_IDS, SALIENCY_METHODS, type ModelId, type SaliencyMethod } from '../../worker/api.ts';
import { PIXELS, SIDE } from '../shared/digits.ts';
import { drawSmall, grayImage, overInput } from '../ui/heatview.ts';
import type { Analysis } from '../ui/live.ts';
import { isSigned, METHOD_LABELS, paintSaliency, robustMax } from '../shared/saliency.ts';
import { saveJson, savePng, scaleLegend, type SavedMap } from './saliency-tools.ts';
import { LatestOnly } from '../ui/scheduler.ts';
import type { WorkbenchContext } from '../ui/workbench/workbench.ts';
import { fmt } from '../shared/format.ts';
import { h } from '../shared/dom.ts';
import { MODEL_NAMES } from '../shared/labels.ts';

const ABOUT: Record<SaliencyMethod, string> = {
  gradient: 'How much the score changes per pixel change (∂score/∂pixel). Shown as magnitude; noisy.',
  'gradient-x-input': 'Gradient times the pixel: only ink can contribute. Signed.',
  'integrated-gradients': 'Gradients averaged on the path from a black image to yours, times the input. The pixels add up to the score’s change.',
  smoothgrad: 'Gradients averaged over noisy copies of the input: the stable part of the gradient.',
};

interface Cell {
  canvas: HTMLCanvasElement;
  stat: HTMLElement;
  scale: HTMLElement;
  /** The map shown, for saving. */
  saved: SavedMap | null;
}

export class SaliencyView {
  private readonly cells = new Map<string, Cell>();
  private readonly job = new LatestOnly(() => this.compute());
  private pending: Analysis | null = null;

  constructor(private readonly wb: WorkbenchContext, host: HTMLElement) {
    const grid = h('div', { class: 'sal-grid' });
    for (const m of SALIENCY_METHODS) {
      const figs = MODEL_IDS.map((id) => {
        const canvas = h('canvas', { class: 'px', width: SIDE, height: SIDE, 'data-testid': `saliency-${m}-${id}` });
        const stat = h('div', { class: 'stat' });
        const scale = h('div', { class: 'sal-scale-slot' });
        const cell: Cell = { canvas, stat, scale, saved: null };
        const save = (what: 'PNG' | 'JSON') =>
          h('button', { class: 'btn', type: 'button', 'data-testid': `save-${what.toLowerCase()}-${m}-${id}`, title: `Save this map as ${what}`, onclick: () => cell.saved && (what === 'PNG' ? savePng : saveJson)(cell.saved) }, what);
        this.cells.set(`${m}/${id}`, cell);
        return h('figure', { class: `thumb ${id}` }, canvas, h('figcaption', {}, MODEL_NAMES[id]), stat, scale, h('div', { class: 'sal-save' }, save('PNG'), save('JSON')));
      });
      grid.append(h('div', { class: 'card pane method' }, h('b', {}, METHOD_LABELS[m]), h('span', {}, ABOUT[m]), h('div', { class: 'pair' }, ...figs)));
    }
    host.append(grid);
  }

  update(a: Analysis | null): void {
    this.pending = a;
    if (!a) {
      for (const cell of this.cells.values()) {
        drawSmall(cell.canvas, grayImage(new Float32Array(PIXELS)));
        cell.stat.textContent = '';
        cell.scale.replaceChildren();
        cell.saved = null;
      }
      return;
    }
    this.job.request();
  }

  private async compute(): Promise<void> {
    const a = this.pending;
    if (!a) return;
    const api = await this.wb.api();
    const input = a.result.input;
    for (const method of SALIENCY_METHODS) {
      const r = await api.analyze(
        { kind: 'mnist', pixels: input },
        { saliency: { method, target: this.wb.target ?? undefined, steps: this.wb.settings.value.saliency.steps } },
      );
      if (!r.ok || this.pending !== a) return;
      for (const m of r.models) {
        const cell = this.cells.get(`${method}/${m.id}`);
        if (!cell || !m.saliency) continue;
        drawSmall(cell.canvas, overInput(input, paintSaliency(m.saliency.map, SIDE, SIDE, isSigned(method))));
        cell.scale.replaceChildren(scaleLegend(m.saliency.map, isSigned(method)));
        const steps = this.wb.settings.value.saliency.steps;
        cell.saved = { model: m.id, method, target: m.saliency.target, steps, scale: robustMax(m.saliency.map), input: Array.from(input), map: Array.from(m.saliency.map) };
        let sum = 0;
        for (const v of m.saliency.map) sum += v;
        // Completeness (IG): the attributions add up to logit(x) − logit(black image).
        cell.stat.textContent = isSigned(method) ? `for ${m.saliency.target} · Σ ${fmt(sum)} · logit ${fmt(m.logits[m.saliency.target])}` : `for ${m.saliency.target}`;
      }
    }
  }
}
