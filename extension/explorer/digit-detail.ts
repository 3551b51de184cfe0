/**
 * One MNIST test digit opened from a gallery: the digit, what each model reads (with the ablations in force) and
 * each model's saliency map for its own answer (integrated gradients, computed by the worker's `attribute`), and a
 * button that puts the digit on the pad. Also the small thumbnail button every gallery is made of.
 */
import { MODEL_IDS, type ModelId } from '../../worker/api.ts';
import { h } from '../shared/dom.ts';
import { errorText } from '../shared/errors.ts';
import { pct } from '../shared/format.ts';
import { MODEL_NAMES } from '../shared/labels.ts';
import { paintSaliency } from '../shared/saliency.ts';
import { drawSmall, grayImage, overInput } from '../ui/heatview.ts';
import type { WorkbenchContext } from '../ui/workbench/workbench.ts';
import { testDigit } from './network-data.ts';

export interface DigitRef {
  index: number;
  label: number;
  /** What to print under the thumbnail, e.g. "MLP 6 · 99 %". */
  note?: string;
}

/** A thumbnail button of a test digit, filled when its pixels arrive; `onOpen` on click. */
export function thumb(d: DigitRef, onOpen: (d: DigitRef) => void): HTMLButtonElement {
  const c = h('canvas', { class: 'px', width: 28, height: 28 });
  const b = h(
    'button',
    { type: 'button', class: 'nd-thumb', 'data-index': d.index, title: `Test digit #${d.index}, labelled ${d.label}${d.note ? `: ${d.note}` : ''}` },
    c,
    h('span', {}, d.note ?? `#${d.index}`),
  );
  b.addEventListener('click', () => onOpen(d));
  void testDigit(d.index).then((px) => px && drawSmall(c, grayImage(px)));
  return b;
}

export class DigitDetail {
  readonly el = h('div', { class: 'nd-detail', 'data-testid': 'digit-detail', hidden: true });
  private token = 0;

  constructor(private readonly wb: WorkbenchContext, private readonly hooks: () => Partial<Record<ModelId, import('../../worker/api.ts').Intervention[]>> = () => ({})) {}

  async open(d: DigitRef): Promise<void> {
    const token = ++this.token;
    this.el.hidden = false;
    const big = h('canvas', { class: 'px nd-big', width: 28, height: 28 });
    const status = h('p', { class: 'help' }, 'Asking both models…');
    const maps = h('div', { class: 'nd-maps' });
    const toPad = h('button', { type: 'button', class: 'btn', disabled: true }, 'Put it on the pad');
    const close = h('button', { type: 'button', class: 'btn ghost', 'aria-label': 'Close' }, '×');
    close.addEventListener('click', () => (this.el.hidden = true));
    this.el.replaceChildren(
      h('div', { class: 'nd-detail-head' }, h('b', {}, `Test digit #${d.index}, labelled ${d.label}`), toPad, close),
      h('div', { class: 'nd-detail-body' }, h('figure', { class: 'thumb' }, big, h('figcaption', {}, 'the digit')), maps),
      status,
    );
    const pixels = await testDigit(d.index);
    if (token !== this.token) return;
    if (!pixels) {
      status.textContent = 'This digit is not among the ones the extension ships.';
      return;
    }
    drawSmall(big, grayImage(pixels));
    toPad.disabled = false;
    toPad.addEventListener('click', () => this.wb.showDigit({ index: d.index, label: d.label, pixels }));
    try {
      const api = await this.wb.api();
      const hooks = this.hooks();
      const r = await api.analyze({ kind: 'mnist', pixels: pixels.slice() }, { hooks });
      if (!r.ok) throw new Error(r.message);
      for (const id of MODEL_IDS) {
        const m = r.models.find((x) => x.id === id)!;
        const a = await api.attribute(id, { kind: 'mnist', pixels: pixels.slice() }, { method: 'integrated-gradients', target: { class: m.digit }, steps: 32, hooks: hooks[id] ?? [] });
        if (token !== this.token) return;
        const c = h('canvas', { class: 'px', width: 28, height: 28 });
        if (a.ok) drawSmall(c, overInput(pixels, paintSaliency(a.map, 28, 28, true)));
        const right = m.digit === d.label;
        maps.append(
          h('figure', { class: `thumb ${id}`, 'data-testid': `detail-${id}` }, c,
            h('figcaption', {}, h('b', { class: right ? 'ok' : 'bad' }, `${MODEL_NAMES[id]}: ${m.digit}`), ` · ${pct(m.probs[m.digit])}`)),
        );
      }
      status.textContent = 'Integrated gradients for each model’s own answer: red pixels push towards it, blue away.';
    } catch (e) {
      if (token === this.token) status.textContent = `Could not analyse it: ${errorText(e)}`;
    }
  }
}
