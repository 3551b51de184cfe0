/**
 * The one DOM builder of every extension context (pages and the content script): no HTML parsing, text is always
 * text, so nothing from a message or a model file becomes markup.
 */

/**
 * Attributes (false/undefined: left out, true: present and empty) and listeners (`onclick: fn`). NOTE: in the
 * content script, set styles with `styled` (the CSSOM), never a `style` attribute: a page's CSP may forbid those.
 */
export type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;
export type Child = Node | string | null | undefined | false;

/** `h('button', {class: 'x', onclick: f}, 'Label')`: element with attributes, listeners (on*) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c) el.append(c);
  return el;
}

export function styled<T extends HTMLElement>(node: T, style: Record<string, string>): T {
  for (const [k, v] of Object.entries(style)) node.style.setProperty(k, v);
  return node;
}
