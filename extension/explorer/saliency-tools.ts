/**
 * For one saliency map in the explorer: a numbered colour scale (what value each colour stands for; the map is
 * drawn at full strength from its robust maximum on), and saving the map as a PNG picture or its numbers as JSON.
 */
import type { ModelId, SaliencyMethod } from '../../worker/api.ts';
import { PIXELS, SIDE } from '../shared/digits.ts';
import { h } from '../shared/dom.ts';
import { fmt } from '../shared/format.ts';
import { isSigned, paintSaliency, robustMax } from '../shared/saliency.ts';
import { putSmall } from '../ui/dom.ts';
import { overInput } from '../ui/heatview.ts';

export interface SavedMap {
  model: ModelId;
  method: SaliencyMethod;
  /** The class explained. */
  target: number;
  /** Integrated-gradients steps / SmoothGrad samples. */
  steps: number;
  /** The value drawn at full strength (the 99th percentile of |map|). */
  scale: number;
  /** 28×28 row-major, the model input in [0, 1] and the map (signed: + for the target, − against). */
  input: number[];
  map: number[];
}

const STOPS = 101;

/** The colour bar with its ticks: −scale … 0 … +scale for signed maps, 0 … scale for unsigned ones. */
export function scaleLegend(map: ArrayLike<number>, signed: boolean): HTMLElement {
  const s = robustMax(map);
  const lo = signed ? -s : 0;
  const values = Float32Array.from({ length: STOPS }, (_, i) => lo + ((s - lo) * i) / (STOPS - 1));
  const bar = h('canvas', { class: 'sal-scale__bar', width: STOPS, height: 1, 'aria-hidden': 'true' });
  putSmall(bar, overInput(new Float32Array(STOPS), paintSaliency(values, STOPS, 1, signed, 220, s)));
  const ticks = (signed ? [-s, 0, s] : [0, s / 2, s]).map((v) => h('span', {}, fmt(v, s < 0.1 ? 3 : 2)));
  return h('div', { class: 'sal-scale', 'data-testid': 'saliency-scale', role: 'img', 'aria-label': `colour scale from ${fmt(lo)} to ${fmt(s)}` }, bar, h('div', { class: 'sal-scale__ticks' }, ...ticks));
}

function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const fileName = (m: SavedMap, ext: string) => `saliency-${m.model}-${m.method}-target${m.target}.${ext}`;

/** The map over the input as a 280×280 PNG (each input pixel 10×10, no smoothing). */
export function savePng(m: SavedMap): void {
  const small = h('canvas', { width: SIDE, height: SIDE });
  putSmall(small, overInput(m.input, paintSaliency(m.map, SIDE, SIDE, isSigned(m.method), 220, m.scale)));
  const big = h('canvas', { width: SIDE * 10, height: SIDE * 10 });
  const ctx = big.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, big.width, big.height);
  big.toBlob((blob) => blob && download(fileName(m, 'png'), blob), 'image/png');
}

export function saveJson(m: SavedMap): void {
  if (m.input.length !== PIXELS || m.map.length !== PIXELS) throw new Error(`a saliency map has ${PIXELS} values`);
  download(fileName(m, 'json'), new Blob([JSON.stringify(m)], { type: 'application/json' }));
}
