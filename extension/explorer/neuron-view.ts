/**
 * Neuron explorer: pick a unit (Dense neuron or Conv2D channel) of either model and see what it is wired to
 * (its incoming weights: a 28×28 image for the MLP's first layer, a filter for a conv channel), how it reacts to
 * the sketch, and the test digits that drive it up and down most (neuron-ranking.ts).
 */
import { MODEL_IDS, type ModelId } from '../../worker/api.ts';
import type { LayerOutput } from '../../src/engines/types.ts';
import type { LoadedModel } from '../../src/model/spec.ts';
import { layerShapes } from '../../src/model/shapes.ts';
import { loadModelFromUrl } from '../../src/model/format.ts';
import { diverging, valueRange } from '../ui/colormap.ts';
import { devicePixels, putRgba, putSmall } from '../ui/dom.ts';
import { modelsBase } from '../shared/session.ts';
import { readNeurons, type NeuronsFile } from '../ui/formats.ts';
import { testDigits } from '../ui/test-digits.ts';
import { errorText } from '../shared/errors.ts';
import { digitPool, rank, responses, type Ranked, type Responses } from './neuron-ranking.ts';
import { grayImage } from '../ui/heatview.ts';
import { LayerStack } from '../ui/layers.ts';
import { fitCells, fitMultiples } from '../ui/layout.ts';
import type { Analysis } from '../ui/live.ts';
import { paintCells, paintMap, paintMultiples } from '../ui/raster.ts';
import { maxAbs, unitLayers, wiring, type Incoming } from '../ui/weights.ts';
import type { WorkbenchContext } from '../ui/workbench/workbench.ts';
import { fmt } from '../shared/format.ts';
import { h } from '../shared/dom.ts';
import { MODEL_NAMES } from '../shared/labels.ts';
import { SIDE } from '../shared/digits.ts';

export class NeuronView {
  private model: ModelId = 'mlp';
  private layer: string | null = null;
  private unit = 0;
  private readonly models = new Map<ModelId, Promise<LoadedModel>>();
  private readonly tops = new Map<ModelId, Promise<NeuronsFile>>();
  private readonly ranked = new Map<ModelId, Promise<Responses>>();
  private picker: LayerStack | null = null;
  private pickerKey = '';
  private readonly seg = h('div', { class: 'seg' });
  private readonly layerSelect = h('select', { 'aria-label': 'Layer', 'data-testid': 'neuron-layer' });
  private readonly unitInput = h('input', { type: 'number', min: 0, value: 0, 'aria-label': 'Unit', 'data-testid': 'neuron-unit' });
  private readonly pickerHost = h('div');
  private readonly wiringHost = h('div', { class: 'nx-block', 'data-testid': 'neuron-weights' });
  private readonly nowHost = h('div', { class: 'nx-block', 'data-testid': 'neuron-now' });
  private readonly topHost = h('div', { class: 'nx-block', 'data-testid': 'neuron-top' });

  constructor(private readonly wb: WorkbenchContext, host: HTMLElement) {
    for (const id of MODEL_IDS) {
      const b = h('button', { type: 'button', class: id, 'data-model': id, 'aria-pressed': String(id === this.model) }, MODEL_NAMES[id]);
      b.addEventListener('click', () => this.select(id, null, 0));
      this.seg.append(b);
    }
    this.layerSelect.addEventListener('change', () => this.select(this.model, this.layerSelect.value, 0));
    this.unitInput.addEventListener('change', () => this.select(this.model, this.layer, Number(this.unitInput.value) || 0));
    const step = (d: number, label: string) => {
      const b = h('button', { class: 'btn', type: 'button', title: label }, d < 0 ? '‹' : '›');
      b.addEventListener('click', () => this.select(this.model, this.layer, this.unit + d));
      return b;
    };
    host.append(
      h('div', { class: 'nx-controls' }, this.seg, h('label', {}, 'Layer', this.layerSelect), h('label', {}, 'Unit', step(-1, 'Previous'), this.unitInput, step(1, 'Next'))),
      h('div', { class: 'nx-body' },
        h('div', {}, h('div', { class: 'nx-block' }, h('h4', {}, 'Pick a unit'), this.pickerHost, h('p', {}, 'Coloured by its activation for your sketch. Click one to open it.'))),
        h('div', {}, this.wiringHost, this.nowHost, this.topHost),
      ),
    );
  }

  /** Opens a unit (layer null: the model's first layer with units). */
  select(model: ModelId, layer: string | null, unit: number): void {
    this.model = model;
    this.layer = layer;
    this.unit = unit;
    for (const b of this.seg.children) b.setAttribute('aria-pressed', String((b as HTMLElement).dataset.model === model));
    this.update(this.wb.latest);
  }

  update(a: Analysis | null): void {
    const model = this.model;
    this.loadModel(model).then(
      (m) => model === this.model && this.render(m, a),
      (e: unknown) => {
        this.wiringHost.replaceChildren(h('div', { class: 'empty-state' }, h('b', {}, `Cannot load the ${MODEL_NAMES[model]}`), h('span', {}, String((e as Error).message ?? e))));
      },
    );
  }

  private loadModel(id: ModelId): Promise<LoadedModel> {
    let p = this.models.get(id);
    if (!p) this.models.set(id, (p = loadModelFromUrl(new URL(`${id}/model.json`, modelsBase()).href)));
    return p;
  }

  private loadTops(id: ModelId): Promise<NeuronsFile> {
    let p = this.tops.get(id);
    if (!p) {
      p = fetch(new URL(`${id}/neurons.json`, modelsBase()))
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`models/${id}/neurons.json is not in this build.`))))
        .then((raw) => readNeurons(raw, `models/${id}/neurons.json`));
      this.tops.set(id, p);
    }
    return p;
  }

  private render(m: LoadedModel, a: Analysis | null): void {
    const layers = unitLayers(m);
    if (!this.layer || !layers.some((l) => l.name === this.layer)) this.layer = layers[0].name;
    const info = layers.find((l) => l.name === this.layer)!;
    this.unit = Math.min(Math.max(0, Math.round(this.unit)), info.units - 1);
    this.layerSelect.replaceChildren(...layers.map((l) => h('option', { value: l.name, selected: l.name === this.layer }, `${l.name} · ${l.units} ${l.kind === 'Dense' ? 'neurons' : 'channels'}`)));
    this.unitInput.max = String(info.units - 1);
    this.unitInput.value = String(this.unit);
    const out = this.layerOutput(m, a);
    this.renderPicker(out);
    this.renderWiring(m);
    this.renderNow(out, a);
    void this.renderTop();
  }

  /** The layer's output for the sketch, or zeros of the right shape when there is no sketch. */
  private layerOutput(m: LoadedModel, a: Analysis | null): LayerOutput {
    const found = a?.result.models.find((r) => r.id === this.model)?.layers?.find((l) => l.name === this.layer);
    if (found) return found;
    const i = m.spec.layers.findIndex((l) => l.name === this.layer);
    const spec = m.spec.layers[i];
    const shape = layerShapes(m.spec)[i].output;
    return { name: spec.name, kind: spec.kind, activation: 'activation' in spec ? spec.activation : undefined, shape, out: new Float32Array(shape.reduce((x, y) => x * y, 1)) };
  }

  private renderPicker(out: LayerOutput): void {
    const key = `${this.model}/${this.layer}`;
    if (key !== this.pickerKey) {
      this.picker = new LayerStack(
        { maxWidth: 460, maxCell: 24, logitCell: 36, mapHeight: 420, maxScale: 3, onPick: (_l, u) => this.select(this.model, this.layer, u) },
        this.wb.tooltip,
      );
      this.pickerHost.replaceChildren(this.picker.el);
      this.pickerKey = key;
    }
    this.picker!.mark(this.layer, this.unit);
    // Show the logits of the output layer as activations: pass it as a plain linear layer.
    this.picker!.update([out.activation === 'softmax' ? { ...out, activation: 'linear', out: out.pre ?? out.out } : out], this.wb.theme);
  }

  private renderWiring(m: LoadedModel): void {
    const w = wiring(m, this.layer!, this.unit);
    const lut = diverging(this.wb.theme);
    const what = w.kind === 'Conv2D' ? `filter ${this.unit}` : `neuron ${this.unit}`;
    const blocks: HTMLElement[] = [h('h4', {}, `What ${what} is wired to`), this.incoming(w.incoming, lut)];
    blocks.push(h('p', {}, describe(w.incoming) + (w.bias !== undefined ? ` Bias ${fmt(w.bias, 3)}.` : '')));
    if (w.pixels) {
      const s = maxAbs(w.pixels);
      blocks.push(h('h4', { class: 'spaced' }, 'Its pixel pattern, linearised'), this.image(paintMap(w.pixels, SIDE, SIDE, lut, -s, s), 168));
      blocks.push(h('p', {}, 'The weights multiplied back through the layers below, ignoring their tanh: roughly which pixels push this neuron up (red) or down (blue).'));
    }
    this.wiringHost.replaceChildren(...blocks);
  }

  private incoming(inc: Incoming, lut: Uint8ClampedArray): HTMLElement {
    const s = maxAbs(inc.values);
    const dpr = devicePixels();
    if (inc.kind === 'image') return this.image(paintMap(inc.values, inc.w, inc.h, lut, -s, s), inc.h <= 5 ? 96 : 168);
    const canvas = h('canvas', { class: 'act' });
    if (inc.kind === 'cells') {
      putRgba(canvas, paintCells(inc.values, fitCells(inc.values.length, 320 * dpr, { aspect: 2, gap: dpr, maxCell: 18 * dpr }), lut, -s, s));
    } else {
      const l = fitMultiples(inc.c, inc.h, inc.w, 440 * dpr, { gap: 3 * dpr, maxScale: (inc.h <= 3 ? 12 : 5) * dpr, maxHeight: 240 * dpr });
      putRgba(canvas, paintMultiples(inc.values, inc.h, inc.w, inc.c, l, lut, -s, s));
    }
    return h('div', { class: 'weights-wrap' }, canvas);
  }

  private image(img: ReturnType<typeof paintMap>, css: number): HTMLCanvasElement {
    const c = h('canvas', { class: 'px', style: `width:${css}px;height:${css}px` });
    putSmall(c, img);
    return c;
  }

  private renderNow(out: LayerOutput, a: Analysis | null): void {
    const blocks: HTMLElement[] = [h('h4', {}, 'For your sketch')];
    if (!a) {
      blocks.push(h('p', {}, 'Draw a digit to see how this unit reacts.'));
      return void this.nowHost.replaceChildren(...blocks);
    }
    const values = out.activation === 'softmax' && out.pre ? out.pre : out.out;
    const act = out.activation === 'softmax' ? 'linear' : out.activation;
    const [lo, hi] = valueRange(values, act);
    let v: number;
    if (out.shape.length === 3) {
      const [hh, w, c] = out.shape;
      const map = new Float32Array(hh * w);
      for (let i = 0; i < hh * w; i++) map[i] = values[i * c + this.unit];
      v = Math.max(...map);
      blocks.push(this.image(paintMap(map, w, hh, diverging(this.wb.theme), lo, hi), 4 * Math.max(hh, SIDE)));
      blocks.push(h('p', {}, `Where in the image filter ${this.unit} found its pattern. Strongest response ${fmt(v)}.`));
    } else {
      v = values[this.unit];
    }
    const t = (v - lo) / (hi - lo);
    const left = Math.min(t, 0.5) * 100;
    const width = Math.abs(t - 0.5) * 100;
    blocks.push(
      h('div', { class: 'nx-act' },
        h('div', { class: 'nx-meter' }, h('span', { class: t < 0.5 ? 'neg' : '', style: `left:${left}%;width:${width}%` })),
        h('span', { 'data-testid': 'neuron-value' }, fmt(v, 3)),
        h('span', { class: 'subtitle' }, act === 'tanh' ? 'of −1…1' : `of ±${fmt(hi)} in this layer`),
      ),
    );
    this.nowHost.replaceChildren(...blocks);
  }

  /** Every unit's pre-activation on the shipped test digits, once per model (a second or two in the worker). */
  private responsesFor(id: ModelId): Promise<Responses> {
    let p = this.ranked.get(id);
    if (!p) {
      p = (async () => {
        const [file, tests] = await Promise.all([this.loadTops(id).catch(() => null), testDigits().catch(() => [])]);
        const pool = digitPool(file, tests);
        if (pool.length === 0) throw new Error('This build ships no test digits (models/test-digits.bin, neurons.json).');
        return responses(await this.wb.api(), id, pool);
      })();
      p.catch(() => this.ranked.delete(id));
      this.ranked.set(id, p);
    }
    return p;
  }

  private async renderTop(): Promise<void> {
    const key = `${this.model}/${this.layer}/${this.unit}`;
    const title = (t: string) => h('h4', {}, t);
    this.topHost.replaceChildren(title('Test digits that drive it up and down'), h('p', {}, 'Ranking the shipped test digits…'));
    let r: Responses;
    try {
      r = await this.responsesFor(this.model);
    } catch (e) {
      this.topHost.replaceChildren(title('Test digits that drive it up and down'), h('p', {}, errorText(e)));
      return;
    }
    if (key !== `${this.model}/${this.layer}/${this.unit}` || !this.layer) return;
    const ranked = rank(r, this.layer, this.unit);
    if (!ranked) {
      this.topHost.replaceChildren(title('Test digits that drive it up and down'), h('p', {}, `No ranking for ${this.layer}.`));
      return;
    }
    const grid = (list: Ranked[], testid: string) =>
      h(
        'div',
        { class: 'top-digits', 'data-testid': testid },
        ...list.map((t) => {
          const c = h('canvas', { class: 'px', width: SIDE, height: SIDE });
          putSmall(c, grayImage(t.digit.pixels));
          return h('figure', { title: `test digit #${t.digit.index}, labelled ${t.digit.label}` }, c, h('figcaption', {}, `${t.digit.label} · ${fmt(t.pre)}`));
        }),
      );
    this.topHost.replaceChildren(
      title('Test digits that drive it up most'),
      grid(ranked.top, 'neuron-top-positive'),
      h('h4', { class: 'spaced' }, 'And most down'),
      grid(ranked.bottom, 'neuron-top-negative'),
      h('p', {}, `Ranked by the input to its activation function (the pre-activation: a saturated tanh reads 1.00 for many digits, its input still tells them apart), among the ${r.pool.length.toLocaleString('en-US')} MNIST test digits the extension ships.${r.layers.get(this.layer)?.spatial ? ' A channel counts by its strongest position.' : ''}`),
    );
  }
}

function describe(inc: Incoming): string {
  switch (inc.kind) {
    case 'image':
      return inc.h === SIDE
        ? 'One weight per input pixel: red pixels push it up, blue ones down.'
        : `A ${inc.h}×${inc.w} filter slid over the image: it responds where the ink matches red and avoids blue.`;
    case 'maps':
      return inc.h <= 5
        ? `A ${inc.h}×${inc.w} filter over each of the ${inc.c} channels below it.`
        : `One ${inc.h}×${inc.w} weight map per channel of the ${inc.c} feature maps it reads.`;
    case 'cells':
      return `One weight per neuron of ${inc.from}, in that layer’s grid order.`;
  }
}
