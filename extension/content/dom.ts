/** Building DOM without HTML parsing: text is always text (nothing from a message becomes markup). */

/** Attributes; `style` is an object, applied through the CSSOM (a page CSP may forbid style attributes). */
export type Attrs = Record<string, string> & { style?: never };

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...kids: (Node | string)[]) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...kids.map((k) => (typeof k === 'string' ? shownText(k) : k)));
  return node;
}

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

export function styled<T extends HTMLElement>(node: T, style: Record<string, string>): T {
  for (const [k, v] of Object.entries(style)) node.style.setProperty(k, v);
  return node;
}
