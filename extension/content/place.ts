/** Where the panel goes: right of the image if it fits, else left, else below; always inside the viewport. */
import type { Box } from '../shared/geometry.ts';

const GAP = 12;
const MARGIN = 8;


/** Viewport-relative position for a panel of `size` next to `image` in a viewport of `view`. Pure. */
export function position(image: Box | null, size: { width: number; height: number }, view: { width: number; height: number }) {
  const clampX = (x: number) => Math.max(MARGIN, Math.min(x, view.width - size.width - MARGIN));
  const clampY = (y: number) => Math.max(MARGIN, Math.min(y, view.height - size.height - MARGIN));
  if (!image) return { left: clampX(view.width - size.width - MARGIN), top: MARGIN };
  const right = image.x + image.width + GAP;
  const left = image.x - GAP - size.width;
  if (right + size.width + MARGIN <= view.width) return { left: right, top: clampY(image.y) };
  if (left >= MARGIN) return { left, top: clampY(image.y) };
  return { left: clampX(image.x), top: clampY(image.y + image.height + GAP) };
}

/** CSS for the panel's host element: absolute in the document, so it scrolls with the image. */
export function placeBeside(anchor: Element | null, panel: DOMRect): Record<string, string> {
  const view = { width: document.documentElement.clientWidth, height: window.innerHeight };
  const rect = anchor?.getBoundingClientRect();
  const visible = rect && rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.top < view.height;
  const p = position(visible ? rect : null, panel, view);
  return {
    position: 'absolute',
    left: `${Math.round(p.left + window.scrollX)}px`,
    top: `${Math.round(p.top + window.scrollY)}px`,
    'z-index': '2147483647',
    display: 'block',
  };
}
