/** The page panel's DOM builder: the shared `h`, except that text is drawn by CSS, where the page cannot search it. */
import { h as build, type Attrs, type Child } from '../shared/dom.ts';

export { styled } from '../shared/dom.ts';

/**
 * Text the page cannot search: drawn by CSS (`[data-text]::before { content: attr(data-text) }` in panel.css), not a
 * text node. window.find matched text inside the closed shadow root ("Both models read a 7"); generated content is
 * not searched, and still read by screen readers.
 */
export function shownText(text: string): HTMLElement {
  const span = document.createElement('span');
  span.setAttribute('data-text', text);
  return span;
}

/** `h` of shared/dom.ts with every string child turned into `shownText`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  return build(tag, attrs, ...children.map((c) => (typeof c === 'string' ? shownText(c) : c)));
}
