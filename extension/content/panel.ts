/**
 * The result panel beside the image: in a closed shadow root (the page can neither style nor reach into it),
 * dismissed with × or Esc. Builds DOM with textContent only: nothing from a message is ever parsed as HTML.
 */
import css from './panel.css?inline';
import type { PanelError, PanelResult } from '../messages.ts';
import { h, styled } from '../shared/dom.ts';
import { placeBeside } from './place.ts';
import { errorView, resultView } from './views.ts';

export type PanelState =
  | { kind: 'loading' }
  | { kind: 'result'; result: PanelResult }
  | { kind: 'error'; error: PanelError };

/** A constructed stylesheet is not subject to the page's CSP (a <style> element may be); <style> as a fallback. */
function adoptStyles(root: ShadowRoot): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch {
    root.append(h('style', {}, css));
  }
}

export class Panel {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  private readonly card: HTMLElement;
  private readonly body: HTMLElement;
  private anchor: Element | null = null;

  constructor(private readonly onAllow: (origin: string) => void) {
    this.host = document.createElement('seeing-digits-panel');
    this.root = this.host.attachShadow({ mode: 'closed' });
    const close = h('button', { class: 'close', type: 'button', 'aria-label': 'Close', 'data-testid': 'panel-close' }, '×');
    close.addEventListener('click', () => this.remove());
    this.body = h('div', { class: 'body' });
    this.card = h(
      'div',
      { class: 'panel', role: 'dialog', 'aria-label': 'Seeing Digits', 'data-testid': 'panel', tabindex: '-1' },
      h('div', { class: 'header' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '7'), h('span', { class: 'title' }, 'Seeing Digits'), close),
    );
    this.card.append(this.body);
    adoptStyles(this.root);
    this.root.append(this.card);
  }

  get open(): boolean {
    return this.host.isConnected;
  }

  /** Shows `state` beside `anchor` (the image), or in the viewport's top right corner without one. */
  show(state: PanelState, anchor: Element | null): void {
    this.anchor = anchor;
    this.body.replaceChildren(...this.view(state));
    this.card.setAttribute('data-state', state.kind);
    if (!this.open) document.documentElement.append(this.host);
    this.place();
  }

  place(): void {
    if (this.open) styled(this.host, placeBeside(this.anchor, this.card.getBoundingClientRect()));
  }

  remove(): void {
    this.host.remove();
  }

  private view(state: PanelState): Node[] {
    if (state.kind === 'result') return resultView(state.result);
    if (state.kind === 'error') return errorView(state.error, this.onAllow);
    return [h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner' }), 'Reading the digit…')];
  }
}
