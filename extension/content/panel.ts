/**
 * The result panel beside the image: in a closed shadow root (the page can neither style nor reach into it),
 * dismissed with × or Esc. Builds DOM with textContent only: nothing from a message is ever parsed as HTML.
 */
import css from './panel.css?inline';
import type { PanelError, PanelResult } from '../messages.ts';
import { h, styled } from './dom.ts';
import { placeBeside } from './place.ts';
import { errorView, resultView } from './views.ts';
import { numberView } from './number-view.ts';

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
    const style = document.createElement('style');
    style.textContent = css; // not h(): its string children become generated content
    root.append(style);
  }
}

/**
 * The host element's own styles, pinned from inside the closed shadow root: for !important rules the inner context
 * wins over the page (CSS Cascade 4, "context"), so page CSS or script on the host (opacity: 0, moved to 0,0 under
 * the cursor, scaled away) can neither hide nor move the panel. Position included, hence one sheet per placement.
 */
function pinnedHost(place: Record<string, string>): string {
  const decls = {
    ...place,
    opacity: '1', visibility: 'visible', transform: 'none', filter: 'none', 'clip-path': 'none', mask: 'none',
    'pointer-events': 'auto', width: 'auto', height: 'auto', margin: '0', padding: '0', border: '0', 'min-width': '0', 'min-height': '0',
    'max-width': 'none', 'max-height': 'none', overflow: 'visible', translate: 'none', rotate: 'none', scale: 'none', zoom: '1',
  };
  return `:host { all: initial !important; ${Object.entries(decls).map(([k, v]) => `${k}: ${v} !important;`).join(' ')} }`;
}

export class Panel {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  private pin: CSSStyleSheet | null = null;
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
    try {
      this.pin = new CSSStyleSheet();
      this.root.adoptedStyleSheets = [...this.root.adoptedStyleSheets, this.pin];
    } catch {
      this.pin = null; // no constructed sheets: inline styles only
    }
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
    if (!this.open) return;
    const where = placeBeside(this.anchor, this.card.getBoundingClientRect());
    styled(this.host, where);
    this.pin?.replaceSync(pinnedHost(where));
  }

  remove(): void {
    this.host.remove();
  }

  private view(state: PanelState): Node[] {
    if (state.kind === 'result') return state.result.digits ? numberView(state.result, this.anchor) : resultView(state.result);
    if (state.kind === 'error') return errorView(state.error, this.onAllow);
    return [h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner' }), 'Reading the digit…')];
  }
}
