/**
 * One model's per-layer activations: Dense layers as grids of neurons, Conv2D / pooling outputs as small multiples
 * (one tile per channel), the output layer as its logits. Each layer is one canvas filled by one putImageData, so
 * a redraw on every pen move stays well under a millisecond per layer. The tanh layers use the fixed range −1..1.
 */
import type { LayerOutput } from '../../src/engines/types.ts';
import { diverging, valueRange, type Theme } from './colormap.ts';
import { devicePixels, putRgba, type Tooltip } from './dom.ts';
import { fitCells, fitMultiples, type CellLayout, type MultiplesLayout } from './layout.ts';
import { cellAt, paintCells, paintMultiples, tileAt, type Frame } from './raster.ts';
import { fmt } from '../shared/format.ts';
import { h } from '../shared/dom.ts';

export interface LayerStackOptions {
  /** Width available to one layer, CSS px. */
  maxWidth: number;
  /** Largest neuron cell, CSS px. */
  maxCell: number;
  /** Logit cells, CSS px (default 22: ten of them deserve more room than one neuron of 128). */
  logitCell?: number;
  /** Tallest a set of feature maps may be, CSS px. */
  mapHeight: number;
  /** Largest upscaling of a feature map, CSS px per map pixel. */
  maxScale: number;
  /** Which layers to show (default: all but Flatten). */
  include?: (l: LayerOutput) => boolean;
  /** Clicking a neuron / channel (explorer: opens it in the Neurons tab, or switches it off). */
  onPick?: (layer: LayerOutput, unit: number) => void;
}

interface Row {
  key: string;
  el: HTMLElement;
  canvas: HTMLCanvasElement;
  valueEl: HTMLElement;
  layout: CellLayout | MultiplesLayout;
  dense: boolean;
  layer?: LayerOutput;
  values?: Float32Array;
}

const isOutput = (l: LayerOutput) => l.activation === 'softmax';

/** Lines between tiles: the theme's --surface-3, so tiles near zero (the page colour) still read as tiles. */
const FRAMES: Record<Theme, Frame> = { light: [231, 234, 240, 255], dark: [37, 42, 53, 255] };

/** What a layer's tiles show: its logits for the softmax layer, else its output. */
const shown = (l: LayerOutput): Float32Array => (isOutput(l) && l.pre ? l.pre : l.out);

function title(l: LayerOutput): string {
  if (isOutput(l)) return 'logits';
  return l.name;
}

function detail(l: LayerOutput): string {
  const act = l.activation && l.activation !== 'linear' ? ` · ${l.activation}` : '';
  if (l.shape.length === 3) return `${l.shape[2]} × ${l.shape[0]}×${l.shape[1]}${act}`;
  if (isOutput(l)) return 'before softmax';
  return `${l.shape[0]} neurons${act}`;
}

export class LayerStack {
  readonly el: HTMLElement;
  private rows: Row[] = [];
  private shapeKey = '';

  private last: { layers: LayerOutput[]; theme: Theme } | null = null;
  private width = 0;

  constructor(private readonly opts: LayerStackOptions, private readonly tooltip?: Tooltip) {
    this.el = h('div', { class: 'layer-stack' }, h('p', { class: 'layers-empty' }, 'Each layer lights up here as you draw.'));
    // Grids are laid out for the width their card has: a narrower window gets smaller cells, not an overflow.
    new ResizeObserver(([entry]) => {
      this.box = entry.contentBoxSize?.[0]?.inlineSize ?? this.el.clientWidth;
      const w = this.fitWidth();
      if (w !== this.width && this.last && !this.el.classList.contains('stale')) this.update(this.last.layers, this.last.theme);
    }).observe(this.el);
  }

  /**
   * The stack's width as the ResizeObserver last reported it: reading clientWidth in update() would force a layout
   * in the middle of rendering an analysis (the page has just changed), ~1 ms per stack on the explorer.
   */
  private box: number | null = null;

  /** CSS px one layer may take: the option's maximum, or less when the stack's box is narrower. */
  private fitWidth(): number {
    const box = this.box ?? this.el.clientWidth;
    return Math.floor(box > 0 ? Math.min(this.opts.maxWidth, box) : this.opts.maxWidth);
  }

  update(layers: LayerOutput[], theme: Theme): void {
    this.last = { layers, theme };
    this.width = this.fitWidth();
    const visible = layers.filter(this.opts.include ?? ((l) => l.kind !== 'Flatten'));
    const key = `${this.width}|${visible.map((l) => `${l.name}:${l.shape.join('x')}`).join('|')}`;
    if (key !== this.shapeKey) this.build(visible, key);
    const lut = diverging(theme);
    const frame = FRAMES[theme];
    for (let i = 0; i < visible.length; i++) {
      const l = visible[i];
      const row = this.rows[i];
      const values = shown(l);
      const [lo, hi] = valueRange(values, isOutput(l) ? 'linear' : l.activation);
      row.layer = l;
      row.values = values;
      row.valueEl.textContent = lo === -1 && hi === 1 ? '' : `±${fmt(hi)}`;
      const img = row.dense
        ? paintCells(values, row.layout as CellLayout, lut, lo, hi, frame)
        : paintMultiples(values, l.shape[0], l.shape[1], l.shape[2], row.layout as MultiplesLayout, lut, lo, hi, frame);
      putRgba(row.canvas, img);
    }
    this.el.classList.remove('stale');
  }

  /**
   * Empties the views (blank sketch): no value of the last digit stays on screen (a faded map still reads as an
   * answer), but the layout does, so nothing jumps when the next stroke lands.
   */
  clear(): void {
    for (const row of this.rows) {
      row.canvas.getContext('2d')?.clearRect(0, 0, row.canvas.width, row.canvas.height);
      row.valueEl.textContent = '';
      row.values = undefined;
    }
    this.el.classList.add('stale');
  }

  private build(layers: LayerOutput[], key: string): void {
    const dpr = devicePixels();
    const o = this.opts;
    this.rows = layers.map((l) => {
      const dense = l.shape.length === 1;
      const n = l.shape[0];
      const layout = dense
        ? fitCells(n, this.width * dpr, { aspect: n <= 16 ? n : n >= 100 ? 2 : 1, gap: dpr, maxCell: (isOutput(l) ? (o.logitCell ?? 22) : o.maxCell) * dpr })
        : fitMultiples(l.shape[2], l.shape[0], l.shape[1], this.width * dpr, {
            gap: 2 * dpr,
            maxScale: o.maxScale * dpr,
            maxHeight: o.mapHeight * dpr,
          });
      const canvas = h('canvas', { class: 'act', 'data-layer': l.name });
      const valueEl = h('span', { class: 'range' });
      const el = h(
        'figure',
        { class: `layer ${dense ? 'dense' : 'maps'}${isOutput(l) ? ' logits' : ''}` },
        h('figcaption', {}, h('b', {}, title(l)), h('span', {}, detail(l)), valueEl),
        canvas,
      );
      const row: Row = { key: l.name, el, canvas, valueEl, layout, dense };
      if (isOutput(l)) el.append(this.digitLabels(layout as CellLayout, dpr));
      this.hover(row, dpr);
      return row;
    });
    this.el.replaceChildren(...this.rows.map((r) => r.el));
    this.shapeKey = key;
  }

  private digitLabels(l: CellLayout, dpr: number): HTMLElement {
    const pitch = (l.cell + l.gap) / dpr;
    const labels = h('div', { class: 'cell-labels', style: `grid-template-columns: repeat(${l.cols}, ${pitch}px)` });
    for (let d = 0; d < l.cols; d++) labels.append(h('span', {}, String(d)));
    return labels;
  }

  private hover(row: Row, dpr: number): void {
    const unitAt = (e: MouseEvent): number => {
      const x = e.offsetX * dpr;
      const y = e.offsetY * dpr;
      const l = row.layer;
      if (!l) return -1;
      return row.dense ? cellAt(row.layout as CellLayout, x, y, l.shape[0]) : tileAt(row.layout as MultiplesLayout, x, y, l.shape[2]);
    };
    row.canvas.addEventListener('mousemove', (e) => {
      const u = unitAt(e);
      const l = row.layer;
      if (u < 0 || !l || !row.values || !this.tooltip) return this.tooltip?.hide();
      this.tooltip.show(describeUnit(l, row.values, u, row.dense), e.clientX, e.clientY);
    });
    row.canvas.addEventListener('mouseleave', () => this.tooltip?.hide());
    if (this.opts.onPick) {
      row.canvas.classList.add('pickable');
      row.canvas.addEventListener('click', (e) => {
        const u = unitAt(e);
        if (u >= 0 && row.layer) this.opts.onPick!(row.layer, u);
      });
    }
  }
}

function describeUnit(l: LayerOutput, values: Float32Array, u: number, dense: boolean): string {
  if (dense) return isOutput(l) ? `logit for ${u}: ${fmt(values[u])}` : `${l.name} · neuron ${u}: ${fmt(values[u])}`;
  const [hh, w, c] = l.shape;
  let max = -Infinity;
  for (let i = 0; i < hh * w; i++) max = Math.max(max, values[i * c + u]);
  return `${l.name} · channel ${u} · max ${fmt(max)}`;
}
