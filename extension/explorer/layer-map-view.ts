/**
 * Layer by layer (models/<id>/probe.json, pca-layers.json + .bin): a linear probe's test accuracy at every layer of
 * both models in one chart, and the PCA map of any layer of either model over all 10 000 test digits (layer picker,
 * explained-variance curve), with the sketch's marker placed live by the layer's mean and two axes, a fading trail
 * while you draw, and the classes of the test digits nearest it on the map. A click puts the clicked test digit on
 * the pad, or, when the extension does not ship that one, the nearest digit it ships.
 */
import type { PcaLayerData, ProbeFile } from '../../src/interpret/explorer-data.ts';
import { MODEL_IDS, type ModelId } from '../../worker/api.ts';
import { CLASSES } from '../shared/digits.ts';
import { h } from '../shared/dom.ts';
import { errorText } from '../shared/errors.ts';
import { fmt } from '../shared/format.ts';
import { MODEL_NAMES } from '../shared/labels.ts';
import { CLASS_COLORS } from '../ui/colormap.ts';
import { drawSmall, grayImage } from '../ui/heatview.ts';
import type { Analysis } from '../ui/live.ts';
import type { WorkbenchContext } from '../ui/workbench/workbench.ts';
import { cssVar, lineChart, Scatter } from './charts.ts';
import { pcaSet, probeFile, shippedIndices, testDigit } from './network-data.ts';
import { classCounts, nearest } from './readouts.ts';
import type { View } from './view.ts';
import type uPlot from 'uplot';

const pct2 = (v: number) => `${(v * 100).toFixed(2)} %`;
/** Marker positions kept for the trail; test digits counted around the marker. */
const TRAIL = 48;
const NEIGHBOURS = 20;

/** The activations of `layer` in an analysis, as the PCA files define them (input pixels; logits for the output). */
export function layerValues(a: Analysis, model: ModelId, layer: string): Float32Array | null {
  if (layer === 'input') return a.result.input;
  const m = a.result.models.find((x) => x.id === model);
  const l = m?.layers?.find((x) => x.name === layer);
  if (!l) return null;
  return l.activation === 'softmax' ? (l.pre ?? null) : l.out;
}

/** Where `values` lands on a layer's map: (v − mean) · axis for both axes. */
export function project(p: PcaLayerData, values: ArrayLike<number>): [number, number] {
  let x = 0, y = 0;
  for (let i = 0; i < p.mean.length; i++) {
    const d = values[i] - p.mean[i];
    x += d * p.components[0][i];
    y += d * p.components[1][i];
  }
  return [x, y];
}

export class LayerMapView implements View {
  private model: ModelId = 'mlp';
  private layer = 'hidden1';
  private loaded: Promise<void> | null = null;
  private readonly probeHost = h('div', { class: 'ts-chart', 'data-testid': 'probe' });
  private readonly picker = h('select', { 'data-testid': 'pca-layer', 'aria-label': 'Layer' });
  private readonly seg = h('div', { class: 'seg', role: 'group', 'aria-label': 'Model' });
  private readonly mapHost = h('div', { class: 'lm-map', 'data-testid': 'pca-map' });
  private readonly varHost = h('div', { class: 'ts-chart', 'data-testid': 'pca-variance' });
  private readonly readout = h('div', { class: 'lm-readout', 'data-testid': 'pca-readout' });
  private readonly where = h('p', { class: 'lm-where', 'data-testid': 'pca-where' });
  private readonly note = h('p', { class: 'help', 'data-testid': 'pca-note' });
  private readonly legend = h('div', { class: 'class-legend' });
  private readonly resetZoom = h('button', { type: 'button', class: 'btn', 'data-testid': 'pca-reset', title: 'Show the whole map (or double-click it)' }, 'Whole map');
  private readonly hidden = new Set<number>();
  private scatter: Scatter | null = null;
  private variance: uPlot | null = null;
  private current: PcaLayerData | null = null;
  private labels: Uint8Array | null = null;
  private preds: Uint8Array | null = null;
  private marker: [number, number] | null = null;
  private trail: [number, number][] = [];
  /** The digit the chosen model reads in the sketch (the marker's centre takes its colour). */
  private read: number | undefined;

  constructor(private readonly wb: WorkbenchContext, host: HTMLElement) {
    for (const id of MODEL_IDS) {
      const b = h('button', { type: 'button', class: id, 'data-model': id, 'aria-pressed': String(id === this.model) }, MODEL_NAMES[id]);
      b.addEventListener('click', () => {
        for (const o of this.seg.children) o.setAttribute('aria-pressed', String(o === b));
        void this.choose(id, id === 'mlp' ? 'hidden1' : 'hidden');
      });
      this.seg.append(b);
    }
    this.picker.addEventListener('change', () => void this.choose(this.model, this.picker.value));
    this.resetZoom.addEventListener('click', () => this.scatter?.reset());
    for (let c = 0; c < CLASSES; c++) {
      const b = h('button', { type: 'button', title: `Show or hide the ${c}s` }, h('span', { class: 'sw', style: `background:${CLASS_COLORS[c]}` }), `${c}`);
      b.addEventListener('click', () => {
        if (!this.hidden.delete(c)) this.hidden.add(c);
        b.classList.toggle('off', this.hidden.has(c));
        this.scatter?.redraw();
      });
      this.legend.append(b);
    }
    host.append(
      h('div', { class: 'card pane' },
        h('h3', {}, 'How early are the digits linearly separable?'),
        h('p', { class: 'help' }, 'Test accuracy of a linear probe (softmax regression trained on 20 000 training digits) on each layer’s output. Hover for the numbers.'),
        this.probeHost),
      h('div', { class: 'card pane' },
        h('div', { class: 'pane-head' }, h('h3', {}, 'PCA of a layer'), h('div', { class: 'lm-controls' }, this.seg, h('label', {}, 'Layer ', this.picker), this.resetZoom)),
        h('p', { class: 'help' }, 'All 10 000 test digits by the first two principal components of the layer, coloured by true digit; your sketch is the ring. Drag to zoom, wheel to zoom, shift-drag to pan, double-click to reset; click a digit to put it on the pad.'),
        this.legend, this.mapHost, this.note, this.where, this.readout),
      h('div', { class: 'card pane' }, h('h3', {}, 'Explained variance'), this.varHost),
    );
  }

  update(a: Analysis | null): void {
    this.loaded ??= this.load().catch((e) => {
      this.loaded = null;
      this.mapHost.replaceChildren(h('div', { class: 'empty-state', 'data-testid': 'pca-missing' }, h('b', {}, 'Cannot load the layer maps'), h('span', {}, errorText(e))));
    });
    this.place(a);
  }

  private async load(): Promise<void> {
    const probes = await Promise.all(MODEL_IDS.map((id) => probeFile(id)));
    this.drawProbes(probes);
    await this.choose(this.model, this.layer);
  }

  /** Both models' probes on one axis: depth from input (0) to logits (1), each layer at its place in its model. */
  private drawProbes(probes: ProbeFile[]): void {
    const at = (n: number, i: number) => Math.round((i / (n - 1)) * 600) / 600;
    const xs = [...new Set(probes.flatMap((p) => p.layers.map((_, i) => at(p.layers.length, i))))].sort((a, b) => a - b);
    const name = new Map<string, string>();
    const series = probes.map((p, k) => {
      const values = xs.map(() => null as number | null);
      p.layers.forEach((l, i) => {
        const x = at(p.layers.length, i);
        values[xs.indexOf(x)] = l.testAccuracy;
        name.set(`${k}:${x}`, `${l.layer} (${l.dim})`);
      });
      const id = MODEL_IDS[k];
      return { label: MODEL_NAMES[id], color: cssVar(this.probeHost, `--${id}`), values, format: (v: number, i: number) => `${name.get(`${k}:${xs[i]}`) ?? ''} ${pct2(v)}` };
    });
    lineChart(this.probeHost, { x: xs, xTicks: (t) => (t === 0 ? 'input' : t === 1 ? 'logits' : ''), xTitle: 'depth (each model’s layers evenly spaced)', yTitle: 'probe accuracy', height: 230, series });
    // Named points under the chart (the x axis is depth, so each model's layer names are listed in order).
    this.probeHost.append(
      h('div', { class: 'lm-probe-table' },
        ...probes.map((p, k) => h('p', { class: MODEL_IDS[k] }, h('b', {}, `${MODEL_NAMES[MODEL_IDS[k]]}: `), p.layers.map((l) => `${l.layer} ${pct2(l.testAccuracy)}`).join(' → ')))),
    );
  }

  private async choose(model: ModelId, layer: string): Promise<void> {
    const set = await pcaSet(model);
    this.model = model;
    this.layer = set.header.layers.some((l) => l.layer === layer) ? layer : set.header.layers[0].layer;
    this.picker.replaceChildren(...set.header.layers.map((l) => h('option', { value: l.layer }, `${l.layer} (${l.dim} values${l.method === 'subspace' ? ', subspace iteration' : ''})`)));
    this.picker.value = this.layer;
    const p = set.layer(this.layer);
    this.current = p;
    this.labels = set.labels;
    this.preds = set.predictions;
    const n = set.header.count;
    const xs = new Float32Array(n), ys = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = p.points[2 * i];
      ys[i] = p.points[2 * i + 1];
    }
    const data = { xs, ys, groups: set.labels, colors: CLASS_COLORS };
    if (!this.scatter) {
      this.scatter = new Scatter(this.mapHost, data, {
        xTitle: 'PC 1',
        yTitle: 'PC 2',
        hidden: () => this.hidden,
        onHover: (i) => this.hover(i),
        onClick: (i) => void this.toPad(i),
        overlay: (ctx, toPx) => this.drawMarker(ctx, toPx),
      });
    } else this.scatter.setData(data);
    this.mapHost.dataset.layer = `${model}:${this.layer}`;
    const [e1, e2] = p.header.explained;
    this.note.textContent = `${String(n).replace(/\B(?=(\d{3})+$)/g, ' ')} test digits · ${MODEL_NAMES[model]} ${this.layer} · PC 1 holds ${pct2(e1)} of the layer’s variance, PC 2 ${pct2(e2)}.`;
    this.trail = [];
    this.drawVariance(p);
    this.place(this.wb.latest);
  }

  private drawVariance(p: PcaLayerData): void {
    const k = p.header.explained.length;
    let sum = 0;
    const cumulative = p.header.explained.map((v) => (sum += v));
    this.variance?.destroy();
    this.varHost.replaceChildren();
    this.variance = lineChart(this.varHost, {
      x: [...Array(k).keys()].map((i) => i + 1),
      xTitle: 'component',
      yTitle: 'share of variance',
      height: 200,
      y: [0, 1],
      series: [
        { label: 'each', color: cssVar(this.varHost, `--${this.model}`), values: p.header.explained, format: pct2 },
        { label: 'cumulative', color: cssVar(this.varHost, '--muted'), values: cumulative, format: pct2 },
      ],
    });
    this.varHost.dataset.layer = `${this.model}:${p.header.layer}`;
  }

  private hover(i: number | null): void {
    if (i === null || !this.labels) return this.readout.replaceChildren(h('span', { class: 'help' }, 'Hover a point for its digit.'));
    const c = h('canvas', { class: 'px', width: 28, height: 28 });
    void testDigit(i).then((px) => px && drawSmall(c, grayImage(px)));
    const right = this.preds![i] === this.labels[i];
    this.readout.replaceChildren(c, h('span', {}, `Test digit #${i}: a ${this.labels[i]}, the ${MODEL_NAMES[this.model]} reads `, h('b', { class: right ? 'ok' : 'bad' }, String(this.preds![i])),
      ` · PC1 ${fmt(this.current!.points[2 * i])}, PC2 ${fmt(this.current!.points[2 * i + 1])}`));
  }

  /** Puts test digit i on the pad, or the nearest one on this map that the extension ships (and is not hidden). */
  private async toPad(i: number): Promise<void> {
    const p = this.current, labels = this.labels;
    if (!p || !labels) return;
    const shipped = await shippedIndices();
    const [x0, x1] = p.header.range.x, [y0, y1] = p.header.range.y;
    const at = shipped.has(i) ? i : nearest(p.points, p.points[2 * i], p.points[2 * i + 1], 1, 1 / (x1 - x0), 1 / (y1 - y0), (j) => shipped.has(j) && !this.hidden.has(labels[j]))[0];
    const px = at === undefined ? null : await testDigit(at);
    if (!px) return void this.readout.append(h('span', { class: 'help' }, ' (the extension ships none of these digits)'));
    this.wb.showDigit({ index: at, label: labels[at], pixels: px });
    if (at !== i) this.readout.replaceChildren(h('span', { class: 'help' }, `Test digit #${i} is not among the digits the extension ships; #${at}, the nearest one that is, is on the pad.`));
  }

  private place(a: Analysis | null): void {
    const v = a && this.current ? layerValues(a, this.model, this.layer) : null;
    this.marker = v && v.length === this.current!.mean.length ? project(this.current!, v) : null;
    this.mapHost.dataset.marker = this.marker ? this.marker.map((x) => x.toFixed(4)).join(',') : '';
    this.read = a?.result.models.find((m) => m.id === this.model)?.digit;
    if (!this.marker) this.trail = [];
    else {
      const last = this.trail.at(-1);
      if (!last || last[0] !== this.marker[0] || last[1] !== this.marker[1]) this.trail.push(this.marker);
      if (this.trail.length > TRAIL) this.trail.shift();
    }
    this.describe(a);
    this.scatter?.redraw();
  }

  /** The classes of the test digits nearest the marker on this map (in these two dimensions, not the whole layer). */
  private describe(a: Analysis | null): void {
    const p = this.current, labels = this.labels;
    if (!this.marker || !p || !labels || !a) {
      this.where.textContent = a ? '' : 'Draw a digit to place it on the map.';
      return;
    }
    const [x0, x1] = p.header.range.x, [y0, y1] = p.header.range.y;
    const around = classCounts(nearest(p.points, this.marker[0], this.marker[1], NEIGHBOURS, 1 / (x1 - x0), 1 / (y1 - y0)), labels);
    const read = this.read;
    this.where.replaceChildren(
      read === undefined ? 'Your sketch lands among: ' : `Your ${read} (as the ${MODEL_NAMES[this.model]} reads it) lands among: `,
      ...around.slice(0, 3).flatMap(([d, c], i) => [i ? ', ' : '', h('b', {}, `${c} × ${d}`)]),
      ` (the ${NEIGHBOURS} nearest test digits on this map).`,
    );
  }

  private drawMarker(ctx: CanvasRenderingContext2D, toPx: (x: number, y: number) => [number, number]): void {
    if (!this.marker) return;
    const dpr = globalThis.devicePixelRatio || 1;
    // The trail: where the marker was over the last strokes, fading with age.
    ctx.lineCap = 'round';
    ctx.lineWidth = 1.5 * dpr;
    ctx.strokeStyle = cssVar(this.mapHost, '--text', '#000');
    for (let i = 1; i < this.trail.length; i++) {
      ctx.globalAlpha = (i / this.trail.length) * 0.6;
      ctx.beginPath();
      ctx.moveTo(...toPx(...this.trail[i - 1]));
      ctx.lineTo(...toPx(...this.trail[i]));
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    const [x, y] = toPx(...this.marker);
    const r = 9 * dpr;
    ctx.lineWidth = 3 * dpr;
    ctx.strokeStyle = cssVar(this.mapHost, '--surface', '#fff');
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.lineWidth = 2 * dpr;
    ctx.strokeStyle = cssVar(this.mapHost, '--text', '#000');
    ctx.stroke();
    if (this.read === undefined) return;
    ctx.fillStyle = CLASS_COLORS[this.read];
    ctx.beginPath();
    ctx.arc(x, y, 4.5 * dpr, 0, 2 * Math.PI);
    ctx.fill();
  }
}
