/**
 * A model's prediction card: the top digit large, its probability, and ten clickable probability bars (clicking one
 * asks "why this class?" — it becomes the saliency target). Ten bars are ten buttons: cheap to update (one
 * transform each) and reachable by keyboard.
 */
import type { ModelId } from '../../worker/api.ts';
import { h, pct } from './dom.ts';
import { MODEL_NAMES } from './theme.ts';

export class PredictionCard {
  readonly el: HTMLElement;
  private readonly digitEl: HTMLElement;
  private readonly confEl: HTMLElement;
  private readonly fills: HTMLElement[] = [];
  private readonly bars: HTMLButtonElement[] = [];

  constructor(readonly id: ModelId, subtitle: string, onPick: (digit: number) => void) {
    this.digitEl = h('output', { class: 'top-digit', 'data-testid': `prediction-${id}`, 'aria-live': 'polite' });
    this.confEl = h('span', { class: 'conf' });
    const barsEl = h('div', { class: 'bars', 'data-testid': `bars-${id}`, role: 'group', 'aria-label': `${MODEL_NAMES[id]} probabilities` });
    for (let d = 0; d < 10; d++) {
      const fill = h('span', { class: 'fill' });
      const bar = h(
        'button',
        { class: 'bar', type: 'button', 'data-digit': d, title: `Explain ${d}`, onclick: () => onPick(d) },
        h('span', { class: 'track' }, fill),
        h('span', { class: 'label' }, String(d)),
      );
      this.fills.push(fill);
      this.bars.push(bar);
      barsEl.append(bar);
    }
    this.el = h(
      'article',
      { class: `card pred ${id}` },
      h('div', { class: 'pred-head' }, this.digitEl, h('div', { class: 'pred-meta' }, h('span', { class: 'model-name' }, MODEL_NAMES[id]), h('span', { class: 'subtitle' }, subtitle), this.confEl)),
      barsEl,
    );
  }

  /** `probs` null clears the card (blank sketch). `target` is the class being explained. */
  update(probs: Float32Array | null, digit: number, target: number | null): void {
    this.el.classList.toggle('empty', !probs);
    this.digitEl.textContent = probs ? String(digit) : '';
    this.confEl.textContent = probs ? `${pct(probs[digit])} sure` : 'waiting for a digit';
    for (let d = 0; d < 10; d++) {
      const p = probs ? probs[d] : 0;
      this.fills[d].style.transform = `scaleY(${Math.max(0, Math.min(1, p))})`;
      const bar = this.bars[d];
      bar.classList.toggle('top', !!probs && d === digit);
      bar.classList.toggle('target', !!probs && d === target);
      bar.setAttribute('aria-label', `${d}: ${pct(p)}`);
      bar.setAttribute('aria-pressed', String(d === target));
    }
  }
}
