/** Canvas helpers and the tooltip of the popup and the explorer. */
import { h } from '../shared/dom.ts';
import type { Rgba } from '../shared/geometry.ts';

export const devicePixels = (): number => Math.max(1, Math.round(globalThis.devicePixelRatio || 1));

/** Puts a device-pixel RGBA image on a canvas, sized so it shows at 1/dpr CSS px per pixel (crisp). */
export function putRgba(canvas: HTMLCanvasElement, img: Rgba, dpr = devicePixels()): void {
  if (canvas.width !== img.width || canvas.height !== img.height) {
    canvas.width = img.width;
    canvas.height = img.height;
    canvas.style.width = `${img.width / dpr}px`;
    canvas.style.height = `${img.height / dpr}px`;
  }
  canvas.getContext('2d')!.putImageData(new ImageData(img.data as Uint8ClampedArray<ArrayBuffer>, img.width, img.height), 0, 0);
}

/** Puts a small map (e.g. 28×28) on a canvas at its own resolution; CSS scales it up with `image-rendering: pixelated`. */
export function putSmall(canvas: HTMLCanvasElement, img: Rgba): void {
  if (canvas.width !== img.width || canvas.height !== img.height) {
    canvas.width = img.width;
    canvas.height = img.height;
  }
  canvas.getContext('2d')!.putImageData(new ImageData(img.data as Uint8ClampedArray<ArrayBuffer>, img.width, img.height), 0, 0);
}

/** A floating tooltip shared by every canvas on the page. */
export class Tooltip {
  readonly el = h('div', { class: 'tooltip', role: 'tooltip' });
  constructor(parent: HTMLElement = document.body) {
    parent.append(this.el);
  }
  show(text: string, clientX: number, clientY: number): void {
    this.el.textContent = text;
    this.el.classList.add('on');
    const r = this.el.getBoundingClientRect();
    const x = Math.min(window.innerWidth - r.width - 4, clientX + 12);
    const y = clientY + 16 + r.height > window.innerHeight ? clientY - r.height - 8 : clientY + 16;
    this.el.style.transform = `translate(${Math.max(4, x)}px, ${Math.max(4, y)}px)`;
  }
  hide(): void {
    this.el.classList.remove('on');
  }
}
