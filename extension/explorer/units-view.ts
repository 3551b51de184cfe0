/**
 * A whole layer of units at once (models/<id>/units.json and the model's weights): the classic grid of all 128
 * first-layer weight images, every conv filter, and per unit its activation histogram over the test digits (with
 * the share saturated at ±1 for tanh), the test digits that drive it most and least, the test accuracy lost when
 * it is switched off (units ranked by it), and what it wants to see (activation maximisation, see maximize.ts).
 * The chosen unit also shows its own weights (and bias) large, and how it reacts to the sketch, live. The output
 * layer (a click on a logit in the layer views) has weights and a live value but no precomputed test-set statistics.
 */
import type { UnitsFile, UnitsLayer } from '../../src/interpret/explorer-data.ts';
import { loadModelFromUrl } from '../../src/model/format.ts';
import type { LoadedModel } from '../../src/model/spec.ts';
import { MODEL_IDS, type ModelId } from '../../worker/api.ts';
import { h } from '../shared/dom.ts';
import { errorText } from '../shared/errors.ts';
import { fmt, pct } from '../shared/format.ts';
import { MODEL_NAMES } from '../shared/labels.ts';
import { modelsBase } from '../shared/session.ts';
import { drawSmall, grayImage } from '../ui/heatview.ts';
import { maxAbs, unitLayers, wiring, type UnitLayer } from '../ui/weights.ts';
import type { Analysis } from '../ui/live.ts';
import { SIDE } from '../shared/digits.ts';
import { gridImage, gridWhat, tiles, weightImage, wiredText, type GridImage } from './unit-images.ts';
import type { WorkbenchContext } from '../ui/workbench/workbench.ts';
import type { Ablation } from './ablation.ts';
import { cssVar, lineChart } from './charts.ts';
import { DigitDetail, thumb } from './digit-detail.ts';
import { maximize } from './maximize.ts';
import { predictionsOf, unitsFile } from './network-data.ts';
import { shareBelow } from './readouts.ts';
import type { View } from './view.ts';
import type uPlot from 'uplot';

const pct2 = (v: number) => `${(v * 100).toFixed(2)} %`;

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
  private readonly weights = h('div', { class: 'uv-block', 'data-testid': 'unit-weights' });
  private readonly now = h('div', { class: 'uv-block', 'data-testid': 'unit-now' });
  private readonly histHost = h('div', { class: 'ts-chart', 'data-testid': 'histogram' });
  private readonly tops = h('div', { class: 'uv-tops' });
  private readonly stats = h('div', {}, h('h4', {}, 'Its output over the 10 000 test digits'), this.histHost, this.tops);
  private readonly noStats = h('p', { class: 'help uv-no-stats', hidden: true, 'data-testid': 'unit-no-stats' }, 'Test-set statistics (histogram, top digits, importance) are precomputed for the hidden layers only.');
  private readonly wants = h('div', { class: 'uv-wants', 'data-testid': 'maximize' });
  private readonly ranking = h('ol', { class: 'uv-rank', 'data-testid': 'importance' });
  private readonly detail: DigitDetail;
  private hist: uPlot | null = null;
  private stopMax: (() => void) | null = null;
  /** The shown layer: its shape from the model, its statistics from units.json (none for the output layer). */
  private info: UnitLayer | null = null;
  private layerStats: UnitsLayer | undefined;
  /** Each unit's image as the grid draws it (the large view redraws it on the unit's own scale). */
  private images: GridImage[] = [];
  /** The unit's value for the current sketch (marked on the histogram), or null. */
  private nowValue: number | null = null;

  constructor(private readonly wb: WorkbenchContext, host: HTMLElement, private readonly ablation: Ablation) {
    this.detail = new DigitDetail(wb, () => ablation.hooks() ?? {});
    for (const id of MODEL_IDS) {
      const b = h('button', { type: 'button', class: id, 'data-model': id, 'aria-pressed': String(id === this.model) }, MODEL_NAMES[id]);
      b.addEventListener('click', () => void this.show(id, id === 'mlp' ? 'hidden1' : 'conv1', 0));
      this.seg.append(b);
    }
    this.layerSelect.addEventListener('change', () => void this.show(this.model, this.layerSelect.value, 0));
    host.append(
      h('div', { class: 'card pane' },
        h('div', { class: 'pane-head' }, h('h3', {}, 'Every unit of a layer'), h('div', { class: 'lm-controls' }, this.seg, h('label', {}, 'Layer ', this.layerSelect))),
        this.gridNote, this.grid),
      h('div', { class: 'uv-cols' },
        h('div', { class: 'card pane' }, this.head, h('div', { class: 'uv-pair' }, this.weights, this.now), this.stats, this.noStats, this.wants),
        h('div', { class: 'card pane' }, h('h3', {}, 'Most important units'), h('p', { class: 'help' }, 'Test accuracy lost when the unit alone is switched off (held at zero), largest first.'), this.ranking)),
      this.detail.el,
    );
  }

  update(a: Analysis | null): void {
    if (!this.started) {
      this.started = true;
      void this.show(this.model, this.layer, this.unit);
    } else this.drawNow(a);
  }

  /** Opens a unit (from the layer views' clicks). */
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
      const [file, m, labels] = await Promise.all([unitsFile(model), this.loadModel(model), predictionsOf(model).then((p) => p.labels, () => null)]);
      const layers = unitLayers(m);
      const info = layers.find((x) => x.name === layer) ?? layers[0];
      const layerChanged = model !== this.model || info.name !== this.layer || !this.grid.childElementCount;
      this.model = model;
      this.layer = info.name;
      this.info = info;
      this.layerStats = file.layers.find((x) => x.layer === info.name);
      this.unit = Math.min(Math.max(0, unit), info.units - 1);
      for (const b of this.seg.children) b.setAttribute('aria-pressed', String((b as HTMLElement).dataset.model === model));
      this.layerSelect.replaceChildren(...layers.map((x) => h('option', { value: x.name }, `${x.name} (${x.units} ${x.kind === 'Conv2D' ? 'channels' : 'neurons'})`)));
      this.layerSelect.value = info.name;
      if (layerChanged) {
        this.drawGrid(m, info);
        this.drawRanking(file, this.layerStats);
      }
      for (const b of this.grid.children) b.setAttribute('aria-pressed', String((b as HTMLElement).dataset.pick === `${info.name}:${this.unit}`));
      this.drawUnit(m, info, labels);
    } catch (e) {
      this.grid.replaceChildren(h('div', { class: 'empty-state' }, h('b', {}, 'Cannot load the units'), h('span', {}, errorText(e))));
    }
  }

  /** One button per unit: its weight image (first Dense layer: 28×28; conv: the filter, its input channels side by side). */
  private drawGrid(m: LoadedModel, l: UnitLayer): void {
    const theme = this.wb.theme;
    const first = wiring(m, l.name, 0);
    const images = Array.from({ length: l.units }, (_, u) => gridImage(wiring(m, l.name, u)));
    const scale = Math.max(...images.map((i) => maxAbs(i.values))) || 1;
    this.images = images;
    this.grid.classList.toggle('uv-wide', images[0].w > images[0].h * 2);
    this.grid.replaceChildren(
      ...images.map((img, u) => {
        const c = h('canvas', { class: 'px' });
        drawSmall(c, weightImage(img.values, img.w, img.h, scale, theme));
        const b = h('button', { type: 'button', class: 'uv-unit', 'data-pick': `${l.name}:${u}`, title: `${l.name} ${u}` }, c);
        b.addEventListener('click', () => void this.show(this.model, l.name, u));
        return b;
      }),
    );
    this.gridNote.textContent = `${MODEL_NAMES[this.model]} ${l.name}: ${gridWhat(first.incoming, !!first.pixels, first.kind)}. Red: positive weight, blue: negative, one scale (±${fmt(scale)}) for all. Click one to open it.`;
  }

  private drawRanking(file: UnitsFile, l: UnitsLayer | undefined): void {
    if (!l) return void this.ranking.replaceChildren(h('li', { class: 'help' }, `Precomputed for the hidden layers only, not for ${this.layer}. Intact: ${pct2(file.baseAccuracy)}.`));
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

  private drawUnit(m: LoadedModel, info: UnitLayer, labels: Uint8Array | null): void {
    const u = this.unit;
    const l = this.layerStats;
    const kind = info.kind === 'Conv2D' ? 'channel' : 'neuron';
    const spec = m.spec.layers.find((x) => x.name === info.name);
    const activation = spec && 'activation' in spec ? spec.activation : 'linear';
    const facts: (string | HTMLElement)[] = [activation];
    if (l) {
      const off = h('button', { type: 'button', class: 'btn', 'aria-pressed': String(this.ablation.has(this.model, l.layer, u)) }, this.ablation.has(this.model, l.layer, u) ? 'Switch it back on' : 'Switch it off');
      off.addEventListener('click', () => {
        this.ablation.toggle({ model: this.model, name: l.layer, kind: l.kind }, u);
        this.drawUnit(m, info, labels);
      });
      const sat = l.saturated?.[u];
      facts.push(` · switching it off ${l.ablationDrop[u] >= 0 ? 'costs' : 'gains'} ${Math.abs(l.ablationDrop[u] * 100).toFixed(2)} points of test accuracy`,
        sat !== undefined ? ` · saturated (|a| > 0.99) on ${pct2(sat)} of the test digits` : '', ' ', off);
    }
    this.head.replaceChildren(h('h3', {}, `${MODEL_NAMES[this.model]} ${info.name} ${kind} ${u}`), h('p', { class: 'uv-facts' }, ...facts));
    this.drawWeights(m, info);
    this.drawNow(this.wb.latest);
    this.stats.hidden = !l;
    this.noStats.hidden = !!l;
    this.hist?.destroy();
    this.hist = null;
    this.histHost.replaceChildren();
    this.histHost.dataset.unit = `${info.name}:${u}`;
    if (l) this.drawStats(l, labels);
    this.drawWants(info);
  }

  /** The unit's own weights, large, with its bias (a filter over many channels: one tile per channel, in a square). */
  private drawWeights(m: LoadedModel, info: UnitLayer): void {
    const w = wiring(m, info.name, this.unit);
    const img = this.images[this.unit];
    const inc = w.incoming;
    const rgba = inc.kind === 'maps' && !w.pixels ? tiles(inc.values, inc.h, inc.w, inc.c, maxAbs(inc.values), this.wb.theme) : weightImage(img.values, img.w, img.h, maxAbs(img.values), this.wb.theme);
    const c = h('canvas', { class: 'px uv-big' });
    drawSmall(c, rgba);
    const px = Math.max(1, Math.floor(Math.min(168 / rgba.height, 320 / rgba.width)));
    c.style.width = `${rgba.width * px}px`;
    c.style.height = `${rgba.height * px}px`;
    this.weights.replaceChildren(
      h('h4', {}, `What ${info.kind === 'Conv2D' ? `filter ${this.unit}` : `neuron ${this.unit}`} is wired to`),
      c,
      h('p', { class: 'help' }, `${wiredText(w.incoming, w.pixels !== undefined && w.incoming.kind === 'cells')}${w.bias !== undefined ? ` Bias ${fmt(w.bias, 3)}.` : ''} Its own scale here (±${fmt(maxAbs(img.values))}).`),
    );
  }

  /** How the unit reacts to the sketch: its value, where that stands among the test digits; a channel's map. */
  private drawNow(a: Analysis | null): void {
    const info = this.info;
    if (!info) return;
    const title = h('h4', {}, 'For your sketch');
    const out = a?.result.models.find((r) => r.id === this.model)?.layers?.find((x) => x.name === info.name);
    if (!out) {
      delete this.now.dataset.value;
      this.markHistogram(null);
      return void this.now.replaceChildren(title, h('p', { class: 'help' }, a ? `This analysis has no output of ${info.name}.` : 'Draw a digit to see how this unit reacts.'));
    }
    const u = this.unit;
    const l = this.layerStats;
    const blocks: HTMLElement[] = [title];
    let v: number;
    if (out.shape.length === 3) {
      const [hh, w, ch] = out.shape;
      const map = new Float32Array(hh * w);
      for (let i = 0; i < hh * w; i++) map[i] = out.out[i * ch + u];
      v = Math.max(...map);
      const c = h('canvas', { class: 'px uv-now-map', style: `width:${4 * Math.max(hh, SIDE)}px;height:${4 * Math.max(hh, SIDE)}px` });
      drawSmall(c, weightImage(map, w, hh, maxAbs(map), this.wb.theme));
      blocks.push(c, h('p', { class: 'help' }, `Where in the image channel ${u} found its pattern (red: strong).`));
    } else v = out.out[u];
    const pre = out.pre?.[u];
    const name = out.activation === 'softmax' ? 'probability' : out.shape.length === 3 ? 'strongest output' : 'output';
    const line: (string | HTMLElement)[] = [`Its ${name}: `, h('b', { 'data-testid': 'unit-value' }, out.activation === 'softmax' ? pct(v) : fmt(v, 3))];
    if (pre !== undefined && out.shape.length === 1 && out.activation !== 'linear') line.push(` (${out.activation === 'softmax' ? 'logit' : 'pre-activation'} ${fmt(pre, 3)})`);
    if (l) {
      const share = shareBelow(l.histogram, l.histogram.counts[u], v);
      line.push(` · higher than ${pct2(share)} of ${out.shape.length === 3 ? 'its outputs at every position of' : 'its outputs on'} the test digits`);
    }
    blocks.push(h('p', { class: 'uv-now-line' }, ...line));
    this.now.dataset.value = String(v);
    this.now.replaceChildren(...blocks);
    this.markHistogram(v);
  }

  /**
   * A line on the histogram where the sketch's value lies (in percent of the plot's width: it survives resizes).
   * Placed a frame later: a new uPlot commits its scales after the call that made it.
   */
  private markHistogram(v: number | null): void {
    this.nowValue = v;
    requestAnimationFrame(() => this.nowValue === v && this.placeMark(v));
  }

  private placeMark(v: number | null): void {
    const u = this.hist;
    u?.over.querySelector('.uv-hist-mark')?.remove();
    if (!u || v === null || u.scales.x.min == null || u.scales.x.max == null) return;
    const min = u.scales.x.min, max = u.scales.x.max;
    const at = Math.min(1, Math.max(0, (v - min) / (max - min || 1)));
    u.over.append(h('div', { class: at > 0.7 ? 'uv-hist-mark left' : 'uv-hist-mark', style: `left:${(at * 100).toFixed(2)}%`, title: `your sketch: ${fmt(v, 3)}` }, h('span', {}, 'your sketch')));
  }

  private drawStats(l: UnitsLayer, labels: Uint8Array | null): void {
    const u = this.unit;
    // Histogram: bin centres on x, counts on a log-ish scale would hide the shape; plain counts, hover for numbers.
    const { lo, hi, bins } = l.histogram;
    const step = (hi - lo) / bins;
    const xs = [...Array(bins).keys()].map((i) => +(lo + (i + 0.5) * step).toFixed(4));
    this.hist = lineChart(this.histHost, {
      x: xs,
      xTitle: l.kind === 'Conv2D' ? 'output (every position)' : 'output',
      yTitle: 'count',
      height: 180,
      bars: true,
      series: [{ label: `${l.layer} ${u}`, color: cssVar(this.histHost, `--${this.model}`), values: l.histogram.counts[u], format: (v) => String(v) }],
    });
    this.markHistogram(this.nowValue);
    const row = (title: string, testid: string, digits: number[], values: number[]) =>
      h('div', { class: 'uv-top-row' }, h('h4', {}, title),
        h('div', { class: 'nd-gallery', 'data-testid': testid }, ...digits.map((d, k) => thumb({ index: d, label: labels?.[d] ?? -1, note: `${labels ? `${labels[d]} · ` : ''}${fmt(values[k])}` }, (r) => void this.detail.open(r)))));
    this.tops.replaceChildren(
      row('Test digits that drive it up most (pre-activation)', 'unit-top', l.topDigits[u], l.topValues[u]),
      row('… and down most', 'unit-bottom', l.bottomDigits[u], l.bottomValues[u]),
      h('p', { class: 'help' }, `Under each: its true digit · the unit’s pre-activation (the input to ${l.activation}${SQUASHED[l.activation] ?? ''})${l.kind === 'Conv2D' ? ', a channel counting by its strongest position' : ''}. Click one for both models’ reading.`),
    );
  }

  /** "What it wants to see": a button, then the input found by gradient ascent, drawn as it improves. */
  private drawWants(l: UnitLayer): void {
    this.stopMax?.();
    const canvas = h('canvas', { class: 'px uv-max', width: 28, height: 28 });
    const status = h('span', { class: 'help' }, 'The input that drives this unit hardest, found by gradient ascent from a grey image (L2 penalty, blur every few steps, pixels kept in [0, 1]).');
    const go = h('button', { type: 'button', class: 'btn', 'data-testid': 'maximize-run' }, 'What does it want to see?');
    const { model, unit } = this;
    const top = this.layerStats?.topValues[unit][0];
    go.addEventListener('click', async () => {
      go.disabled = true;
      let stopped = false;
      this.stopMax = () => (stopped = true);
      try {
        const api = await this.wb.api();
        const r = await maximize(api, model, l.name, l.kind, unit, {
          onStep: (x, step, value) => {
            drawSmall(canvas, grayImage(x));
            status.textContent = `step ${step}: activation ${fmt(value)}`;
            return !stopped;
          },
        });
        this.wants.dataset.value = String(r.value);
        status.textContent = `After ${r.steps} steps the unit’s pre-activation is ${fmt(r.value)}${top === undefined ? '' : ` (its highest on a test digit: ${fmt(top)})`}.`;
      } catch (e) {
        status.textContent = `Could not compute it: ${errorText(e)}`;
      } finally {
        go.disabled = false;
      }
    });
    this.wants.replaceChildren(h('h4', {}, 'What it wants to see'), h('div', { class: 'uv-wants-row' }, canvas, h('div', {}, go, h('p', {}, status))));
  }
}

/** Why the digits are ranked by pre-activation, per activation that hides differences. */
const SQUASHED: Record<string, string> = {
  tanh: ': a saturated unit reads ±1 for many digits, its input still tells them apart',
  relu: ': many digits read 0 after it, its input still tells them apart',
  sigmoid: ': a saturated unit reads 0 or 1 for many digits, its input still tells them apart',
};
