/**
 * A whole layer of units at once (models/<id>/units.json and the model's weights): the classic grid of all 128
 * first-layer weight images, every conv filter, and per unit its activation histogram over the test digits (with
 * the share saturated at ±1 for tanh), the test digits that drive it most and least, the test accuracy lost when
 * it is switched off (units ranked by it), and what it wants to see (activation maximisation, see maximize.ts).
 */
import type { UnitsFile, UnitsLayer } from '../../src/interpret/explorer-data.ts';
import { loadModelFromUrl } from '../../src/model/format.ts';
import type { LoadedModel } from '../../src/model/spec.ts';
import { MODEL_IDS, type ModelId } from '../../worker/api.ts';
import { h } from '../shared/dom.ts';
import { errorText } from '../shared/errors.ts';
import { fmt } from '../shared/format.ts';
import { MODEL_NAMES } from '../shared/labels.ts';
import { modelsBase } from '../shared/session.ts';
import { diverging, lutIndex } from '../ui/colormap.ts';
import { drawSmall, grayImage } from '../ui/heatview.ts';
import type { Rgba } from '../shared/geometry.ts';
import { maxAbs, wiring } from '../ui/weights.ts';
import type { WorkbenchContext } from '../ui/workbench/workbench.ts';
import type { Ablation } from './ablation.ts';
import { cssVar, lineChart } from './charts.ts';
import { DigitDetail, thumb } from './digit-detail.ts';
import { maximize } from './maximize.ts';
import { unitsFile } from './network-data.ts';
import type { View } from './view.ts';
import type uPlot from 'uplot';

const pct2 = (v: number) => `${(v * 100).toFixed(2)} %`;

/** A w×h weight image on the diverging map, symmetric around 0 at ±scale. */
function weightImage(values: ArrayLike<number>, w: number, hh: number, scale: number, theme: 'light' | 'dark'): Rgba {
  const lut = diverging(theme);
  const data = new Uint8ClampedArray(w * hh * 4);
  for (let i = 0; i < w * hh; i++) {
    const k = lutIndex(values[i], -scale, scale) * 4;
    data.set([lut[k], lut[k + 1], lut[k + 2], 255], i * 4);
  }
  return { width: w, height: hh, data };
}

export class UnitsView implements View {
  private model: ModelId = 'mlp';
  private layer = 'hidden1';
  private unit = 0;
  private started = false;
  private readonly models = new Map<ModelId, Promise<LoadedModel>>();
  private readonly seg = h('div', { class: 'seg', role: 'group', 'aria-label': 'Model' });
  private readonly layerSelect = h('select', { 'data-testid': 'units-layer', 'aria-label': 'Layer' });
  private readonly grid = h('div', { class: 'uv-grid', 'data-testid': 'unit-grid' });
  private readonly gridNote = h('p', { class: 'help' });
  private readonly head = h('div', { class: 'uv-head' });
  private readonly histHost = h('div', { class: 'ts-chart', 'data-testid': 'histogram' });
  private readonly tops = h('div', { class: 'uv-tops' });
  private readonly wants = h('div', { class: 'uv-wants', 'data-testid': 'maximize' });
  private readonly ranking = h('ol', { class: 'uv-rank', 'data-testid': 'importance' });
  private readonly detail: DigitDetail;
  private hist: uPlot | null = null;
  private stopMax: (() => void) | null = null;

  constructor(private readonly wb: WorkbenchContext, host: HTMLElement, private readonly ablation: Ablation) {
    this.detail = new DigitDetail(wb, () => ablation.hooks() ?? {});
    for (const id of MODEL_IDS) {
      const b = h('button', { type: 'button', class: id, 'data-model': id, 'aria-pressed': String(id === this.model) }, MODEL_NAMES[id]);
      b.addEventListener('click', () => {
        for (const o of this.seg.children) o.setAttribute('aria-pressed', String(o === b));
        void this.show(id, id === 'mlp' ? 'hidden1' : 'conv1', 0);
      });
      this.seg.append(b);
    }
    this.layerSelect.addEventListener('change', () => void this.show(this.model, this.layerSelect.value, 0));
    host.append(
      h('div', { class: 'card pane' },
        h('div', { class: 'pane-head' }, h('h3', {}, 'Every unit of a layer'), h('div', { class: 'lm-controls' }, this.seg, h('label', {}, 'Layer ', this.layerSelect))),
        this.gridNote, this.grid),
      h('div', { class: 'uv-cols' },
        h('div', { class: 'card pane' }, this.head, h('h4', {}, 'Its output over the 10 000 test digits'), this.histHost, this.tops, this.wants),
        h('div', { class: 'card pane' }, h('h3', {}, 'Most important units'), h('p', { class: 'help' }, 'Test accuracy lost when the unit alone is switched off (held at zero), largest first.'), this.ranking)),
      this.detail.el,
    );
  }

  update(): void {
    if (this.started) return;
    this.started = true;
    void this.show(this.model, this.layer, this.unit);
  }

  /** Opens a unit (from the layer views or the neuron explorer). */
  select(model: ModelId, layer: string, unit: number): void {
    this.started = true;
    void this.show(model, layer, unit);
  }

  private loadModel(id: ModelId): Promise<LoadedModel> {
    let p = this.models.get(id);
    if (!p) this.models.set(id, (p = loadModelFromUrl(new URL(`${id}/model.json`, modelsBase()).href)));
    return p;
  }

  private async show(model: ModelId, layer: string, unit: number): Promise<void> {
    try {
      const [file, m] = await Promise.all([unitsFile(model), this.loadModel(model)]);
      const l = file.layers.find((x) => x.layer === layer) ?? file.layers[0];
      const layerChanged = model !== this.model || l.layer !== this.layer || !this.grid.childElementCount;
      this.model = model;
      this.layer = l.layer;
      this.unit = Math.min(unit, l.units - 1);
      this.layerSelect.replaceChildren(...file.layers.map((x) => h('option', { value: x.layer }, `${x.layer} (${x.units} ${x.kind === 'Conv2D' ? 'channels' : 'neurons'})`)));
      this.layerSelect.value = l.layer;
      if (layerChanged) {
        this.drawGrid(m, l);
        this.drawRanking(file, l);
      }
      for (const b of this.grid.children) b.setAttribute('aria-pressed', String((b as HTMLElement).dataset.pick === `${l.layer}:${this.unit}`));
      this.drawUnit(file, l);
    } catch (e) {
      this.grid.replaceChildren(h('div', { class: 'empty-state' }, h('b', {}, 'Cannot load the units'), h('span', {}, errorText(e))));
    }
  }

  /** One button per unit: its weight image (first Dense layer: 28×28; conv: the filter, its input channels side by side). */
  private drawGrid(m: LoadedModel, l: UnitsLayer): void {
    const theme = this.wb.theme;
    const first = wiring(m, l.layer, 0);
    const images: { values: Float32Array; w: number; h: number }[] = [];
    for (let u = 0; u < l.units; u++) {
      const w = wiring(m, l.layer, u);
      const inc = w.incoming;
      if (inc.kind === 'image') images.push({ values: inc.values, w: inc.w, h: inc.h });
      else if (inc.kind === 'maps') {
        // kh×kw×cIn laid out as cIn tiles side by side, one column of gap.
        const W = inc.c * (inc.w + 1) - 1;
        const out = new Float32Array(W * inc.h);
        for (let y = 0; y < inc.h; y++) for (let x = 0; x < inc.w; x++) for (let c = 0; c < inc.c; c++) out[y * W + c * (inc.w + 1) + x] = inc.values[(y * inc.w + x) * inc.c + c];
        images.push({ values: out, w: W, h: inc.h });
      } else if (w.pixels) images.push({ values: w.pixels, w: 28, h: 28 });
      else images.push({ values: inc.values, w: Math.ceil(Math.sqrt(inc.values.length)), h: Math.ceil(inc.values.length / Math.ceil(Math.sqrt(inc.values.length))) });
    }
    const scale = Math.max(...images.map((i) => maxAbs(i.values))) || 1;
    this.grid.classList.toggle('uv-wide', images[0].w > images[0].h * 2);
    this.grid.replaceChildren(
      ...images.map((img, u) => {
        const c = h('canvas', { class: 'px' });
        drawSmall(c, weightImage(img.values, img.w, img.h, scale, theme));
        const b = h('button', { type: 'button', class: 'uv-unit', 'data-pick': `${l.layer}:${u}`, title: `${l.layer} ${u}` }, c);
        b.addEventListener('click', () => void this.show(this.model, l.layer, u));
        return b;
      }),
    );
    const what =
      first.incoming.kind === 'image' && first.kind === 'Dense'
        ? 'the weights from the 784 pixels into each neuron'
        : first.incoming.kind === 'maps'
          ? `each 3×3 filter over its ${first.incoming.c} input channels, side by side`
          : first.incoming.kind === 'image'
            ? 'each 3×3 filter'
            : first.pixels
              ? 'the pixel pattern each neuron responds to, linearised through the layer before (W₁·w)'
              : 'each neuron’s incoming weights';
    this.gridNote.textContent = `${MODEL_NAMES[this.model]} ${l.layer}: ${what}. Red: positive weight, blue: negative, one scale (±${fmt(scale)}) for all. Click one to open it.`;
  }

  private drawRanking(file: UnitsFile, l: UnitsLayer): void {
    const order = [...l.ablationDrop.keys()].sort((a, b) => l.ablationDrop[b] - l.ablationDrop[a]).slice(0, 12);
    const max = Math.max(1e-9, l.ablationDrop[order[0]]);
    this.ranking.replaceChildren(
      ...order.map((u) => {
        const b = h('button', { type: 'button', class: 'uv-rank-row', 'data-pick': `${l.layer}:${u}` },
          h('span', { class: 'uv-rank-name' }, `${l.layer} ${u}`),
          h('span', { class: 'uv-rank-bar', style: `width:${((100 * l.ablationDrop[u]) / max).toFixed(1)}%` }),
          h('span', {}, `−${(l.ablationDrop[u] * 100).toFixed(2)} pt`));
        b.addEventListener('click', () => void this.show(this.model, l.layer, u));
        return h('li', {}, b);
      }),
      h('li', { class: 'help' }, `Intact: ${pct2(file.baseAccuracy)}.`),
    );
  }

  private drawUnit(file: UnitsFile, l: UnitsLayer): void {
    const u = this.unit;
    const kind = l.kind === 'Conv2D' ? 'channel' : 'neuron';
    const off = h('button', { type: 'button', class: 'btn', 'aria-pressed': String(this.ablation.has(this.model, l.layer, u)) }, this.ablation.has(this.model, l.layer, u) ? 'Switch it back on' : 'Switch it off');
    off.addEventListener('click', () => {
      this.ablation.toggle({ model: this.model, name: l.layer, kind: l.kind }, u);
      this.drawUnit(file, l);
    });
    const sat = l.saturated?.[u];
    this.head.replaceChildren(
      h('h3', {}, `${MODEL_NAMES[this.model]} ${l.layer} ${kind} ${u}`),
      h('p', { class: 'uv-facts' },
        `${l.activation} · switching it off ${l.ablationDrop[u] >= 0 ? 'costs' : 'gains'} ${Math.abs(l.ablationDrop[u] * 100).toFixed(2)} points of test accuracy`,
        sat !== undefined ? ` · saturated (|a| > 0.99) on ${pct2(sat)} of the test digits` : '', ' ', off),
    );
    // Histogram: bin centres on x, counts on a log-ish scale would hide the shape; plain counts, hover for numbers.
    const { lo, hi, bins } = l.histogram;
    const step = (hi - lo) / bins;
    const xs = [...Array(bins).keys()].map((i) => +(lo + (i + 0.5) * step).toFixed(4));
    this.hist?.destroy();
    this.histHost.replaceChildren();
    this.histHost.dataset.unit = `${l.layer}:${u}`;
    this.hist = lineChart(this.histHost, {
      x: xs,
      xTitle: l.kind === 'Conv2D' ? 'output (every position)' : 'output',
      yTitle: 'count',
      height: 180,
      bars: true,
      series: [{ label: `${l.layer} ${u}`, color: cssVar(this.histHost, `--${this.model}`), values: l.histogram.counts[u], format: (v) => String(v) }],
    });
    const row = (title: string, digits: number[], values: number[]) =>
      h('div', { class: 'uv-top-row' }, h('h4', {}, title),
        h('div', { class: 'nd-gallery' }, ...digits.map((d, k) => thumb({ index: d, label: -1, note: fmt(values[k]) }, (r) => void this.detail.open(r)))));
    this.tops.replaceChildren(
      row('Test digits that drive it up most (pre-activation)', l.topDigits[u], l.topValues[u]),
      row('… and down most', l.bottomDigits[u], l.bottomValues[u]),
    );
    this.drawWants(l);
  }

  /** "What it wants to see": a button, then the input found by gradient ascent, drawn as it improves. */
  private drawWants(l: UnitsLayer): void {
    this.stopMax?.();
    const canvas = h('canvas', { class: 'px uv-max', width: 28, height: 28 });
    const status = h('span', { class: 'help' }, 'The input that drives this unit hardest, found by gradient ascent from a grey image (L2 penalty, blur every few steps, pixels kept in [0, 1]).');
    const go = h('button', { type: 'button', class: 'btn', 'data-testid': 'maximize-run' }, 'What does it want to see?');
    const { model, unit } = this;
    go.addEventListener('click', async () => {
      go.disabled = true;
      let stopped = false;
      this.stopMax = () => (stopped = true);
      try {
        const api = await this.wb.api();
        const r = await maximize(api, model, l.layer, l.kind, unit, {
          onStep: (x, step, value) => {
            drawSmall(canvas, grayImage(x));
            status.textContent = `step ${step}: activation ${fmt(value)}`;
            return !stopped;
          },
        });
        this.wants.dataset.value = String(r.value);
        status.textContent = `After ${r.steps} steps the unit’s pre-activation is ${fmt(r.value)} (its highest on a test digit: ${fmt(l.topValues[unit][0])}).`;
      } catch (e) {
        status.textContent = `Could not compute it: ${errorText(e)}`;
      } finally {
        go.disabled = false;
      }
    });
    this.wants.replaceChildren(h('h4', {}, 'What it wants to see'), h('div', { class: 'uv-wants-row' }, canvas, h('div', {}, go, h('p', {}, status))));
  }
}
