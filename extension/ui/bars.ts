/**
 * A model's prediction card: the top digit large, its probability, and ten probability bars; choosing a bar asks
 * "why this class?" (it becomes the saliency target). The ten bars are one tab stop (a roving tabindex: the arrow
 * keys, Home and End move between them, Enter or Space chooses), so the keyboard reaches the next part in one Tab.
 * Classes carry the `pred-card` prefix so that no page rule meant for something else can hit them.
 */
import type { ModelId } from '../../worker/api.ts';
import { CLASSES } from '../shared/digits.ts';
import { h } from '../shared/dom.ts';
import { pct } from '../shared/format.ts';
import { MODEL_NAMES } from '../shared/labels.ts';

export class PredictionCard {
  readonly el: HTMLElement;
  private readonly digitEl: HTMLElement;
  private readonly confEl: HTMLElement;
  private readonly fills: HTMLElement[] = [];
  private readonly bars: HTMLButtonElement[] = [];
  private focusable = 0;

  constructor(readonly id: ModelId, subtitle: string, onPick: (digit: number) => void) {
    this.digitEl = h('output', { class: 'pred-card__digit', 'data-testid': `prediction-${id}`, 'aria-live': 'polite' });
    this.confEl = h('span', { class: 'pred-card__conf' });
    const barsEl = h('div', { class: 'pred-card__bars', 'data-testid': `bars-${id}`, role: 'toolbar', 'aria-label': `${MODEL_NAMES[id]} probabilities: choose a digit to explain` });
    for (let d = 0; d < CLASSES; d++) {
      const fill = h('span', { class: 'pred-card__fill' });
      const bar = h(
        'button',
        { class: 'pred-card__bar', type: 'button', 'data-digit': d, title: `Explain ${d}`, tabindex: d === 0 ? 0 : -1, onclick: () => onPick(d) },
        h('span', { class: 'pred-card__track' }, fill),
        h('span', { class: 'pred-card__label' }, String(d)),
      );
      this.fills.push(fill);
      this.bars.push(bar);
      barsEl.append(bar);
    }
    barsEl.addEventListener('keydown', (e) => this.key(e));
    this.el = h(
      'article',
      { class: `card pred-card ${id}` },
      h(
        'div',
        { class: 'pred-card__head' },
        this.digitEl,
        h('div', { class: 'pred-card__meta' }, h('span', { class: 'model-name' }, MODEL_NAMES[id]), h('span', { class: 'pred-card__subtitle' }, subtitle), this.confEl),
      ),
      barsEl,
    );
  }

  /** `probs` null clears the card (blank sketch). `target` is the class being explained. */
  update(probs: ArrayLike<number> | null, digit: number, target: number | null): void {
    this.el.classList.toggle('pred-card--empty', !probs);
    this.digitEl.textContent = probs ? String(digit) : '';
    this.confEl.textContent = probs ? `${pct(probs[digit])} sure` : 'waiting for a digit';
    for (let d = 0; d < CLASSES; d++) {
      const p = probs ? probs[d] : 0;
      this.fills[d].style.transform = `scaleY(${Math.max(0, Math.min(1, p))})`;
      const bar = this.bars[d];
      bar.classList.toggle('pred-card__bar--top', !!probs && d === digit);
      bar.classList.toggle('pred-card__bar--target', !!probs && d === target);
      bar.setAttribute('aria-label', `${d}: ${pct(p)}`);
      bar.setAttribute('aria-pressed', String(d === target));
    }
    // The tab stop follows the explained digit, else the top one, unless the user is moving through the bars.
    if (!this.el.contains(document.activeElement)) this.rove(target ?? (probs ? digit : 0), false);
  }

  private rove(d: number, focus: boolean): void {
    this.bars[this.focusable].tabIndex = -1;
    this.focusable = d;
    this.bars[d].tabIndex = 0;
    if (focus) this.bars[d].focus();
  }

  private key(e: KeyboardEvent): void {
    const moves: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    let next: number | null = null;
    if (e.key in moves) next = (this.focusable + moves[e.key] + CLASSES) % CLASSES;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = CLASSES - 1;
    if (next === null) return;
    e.preventDefault();
    this.rove(next, true);
  }
}
