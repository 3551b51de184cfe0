/** Building DOM without HTML parsing: text is always text (nothing from a message becomes markup). */

/** Attributes; `style` is an object, applied through the CSSOM (a page CSP may forbid style attributes). */
export type Attrs = Record<string, string> & { style?: never };

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...kids: (Node | string)[]) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...kids);
  return node;
}

export function styled<T extends HTMLElement>(node: T, style: Record<string, string>): T {
  for (const [k, v] of Object.entries(style)) node.style.setProperty(k, v);
  return node;
}
