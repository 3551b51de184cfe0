/**
 * Ablation you can click, in the Layers tab: every hidden neuron and conv channel of both models as a button
 * (`data-unit="LAYER:INDEX"`, coloured by its activation for the sketch); a click switches it off (zero or its test-set
 * mean) and the next analysis runs under the interventions, so every view updates at once. Lists what is off
 * (`ablated`), with a reset. The layer canvases above also toggle units while "Click switches units off" is on.
 * The click's event time goes to the workbench with the interventions, so its latency probe
 * (`globalThis.__seeingDigits.inputToFrameMs`) measures from the click to the frame showing the new predictions.
 */
import { MODEL_IDS, type ModelId } from '../../worker/api.ts';
import { h } from '../shared/dom.ts';
import { MODEL_NAMES } from '../shared/labels.ts';
import { diverging, lutIndex, valueRange } from '../ui/colormap.ts';
import type { Analysis } from '../ui/live.ts';
import type { WorkbenchContext } from '../ui/workbench/workbench.ts';
import { Ablation, type AblatableLayer, type AblationMode } from './ablation.ts';
import type { View } from './view.ts';

export class AblationView implements View {
  /** While on, a click on a layer canvas switches the unit off instead of opening it. */
  armed = false;
  private layers: AblatableLayer[] = [];
  private readonly buttons = new Map<string, HTMLButtonElement[]>();
  private readonly colours = new WeakMap<HTMLButtonElement, string>();
  private readonly grids = h('div', { class: 'ab-grids' });
  private readonly list = h('div', { class: 'ab-list', 'data-testid': 'ablated' });
  private readonly effect = h('p', { class: 'help', 'data-testid': 'ablation-effect' });
  private clickAt: number | null = null;
  private loading: Promise<void> | null = null;
  /** The interventions last given to the workbench (nothing is re-analysed when they did not change). */
  private sent = 'null';

  constructor(private readonly wb: WorkbenchContext, host: HTMLElement, readonly ablation: Ablation) {
    const mode = h('select', { 'data-testid': 'ablate-mode', 'aria-label': 'Switch off to' },
      h('option', { value: 'zero' }, 'zero'), h('option', { value: 'mean' }, 'its test-set mean'));
    mode.addEventListener('change', (e) => {
      this.clickAt = e.timeStamp;
      ablation.setMode(mode.value as AblationMode);
    });
    const arm = h('input', { type: 'checkbox', 'data-testid': 'ablate-arm' });
    arm.addEventListener('change', () => (this.armed = arm.checked));
    const reset = h('button', { type: 'button', class: 'btn', 'data-testid': 'ablate-reset' }, 'Reset');
    reset.addEventListener('click', (e) => {
      this.clickAt = e.timeStamp;
      ablation.reset();
    });
    host.append(
      h('div', { class: 'card pane ab-card' },
        h('div', { class: 'pane-head' }, h('h3', {}, 'Switch units off'),
          h('div', { class: 'ab-controls' }, h('label', {}, 'Set to ', mode), h('label', {}, arm, ' Clicks on the layers above switch units off'), reset)),
        h('p', { class: 'help' }, 'Click a neuron or a channel to switch it off; the predictions, the saliency map and the PCA marker follow at once. Click it again to switch it back on.'),
        this.list, this.effect, this.grids),
    );
    ablation.onChange(() => this.changed());
    this.changed();
  }

  update(a: Analysis | null): void {
    this.loading ??= this.build().catch(() => {
      this.loading = null;
    });
    if (a) this.paint(a);
  }

  /** The layer canvases' click, while armed. Returns false for units that cannot be switched off (pooling, logits). */
  toggle(model: ModelId, layer: string, unit: number, at = performance.now()): boolean {
    const l = this.layers.find((x) => x.model === model && x.name === layer);
    if (!l) return false;
    this.clickAt = at;
    this.ablation.toggle(l, unit);
    return true;
  }

  private async build(): Promise<void> {
    const api = await this.wb.api();
    const models = await api.models();
    this.layers = models.flatMap((m) =>
      m.layers
        .slice(0, -1)
        .filter((l) => l.kind === 'Dense' || l.kind === 'Conv2D')
        .map((l): AblatableLayer => ({ model: m.id, name: l.name, kind: l.kind as AblatableLayer['kind'], units: l.outputShape[l.outputShape.length - 1] })),
    );
    this.grids.replaceChildren(
      ...MODEL_IDS.map((id) =>
        h('div', { class: `ab-model ${id}` }, h('h4', {}, MODEL_NAMES[id]),
          ...this.layers.filter((l) => l.model === id).map((l) => {
            const buttons = [...Array(l.units).keys()].map((u) => {
              const b = h('button', { type: 'button', class: 'ab-unit', 'data-unit': `${l.name}:${u}`, title: `${l.name} ${l.kind === 'Conv2D' ? 'channel' : 'neuron'} ${u}`, 'aria-pressed': 'false' });
              b.addEventListener('click', (e) => {
                this.clickAt = e.timeStamp;
                this.ablation.toggle(l, u);
              });
              return b;
            });
            this.buttons.set(`${id}/${l.name}`, buttons);
            return h('div', { class: 'ab-layer' }, h('span', { class: 'ab-name' }, `${l.name} · ${l.units} ${l.kind === 'Conv2D' ? 'channels' : 'neurons'}`), h('div', { class: 'ab-units' }, ...buttons));
          })),
      ),
    );
    this.changed();
    if (this.wb.latest) this.paint(this.wb.latest);
  }

  /** Colours each unit by its activation (a channel by its strongest position). */
  private paint(a: Analysis): void {
    const lut = diverging(this.wb.theme);
    for (const m of a.result.models) {
      for (const l of m.layers ?? []) {
        const buttons = this.buttons.get(`${m.id}/${l.name}`);
        if (!buttons) continue;
        const c = l.shape.length === 3 ? l.shape[2] : l.out.length;
        const v = new Float32Array(c).fill(-Infinity);
        for (let i = 0; i < l.out.length; i++) v[i % c] = Math.max(v[i % c], l.out[i]);
        const [lo, hi] = valueRange(v, l.activation);
        buttons.forEach((b, u) => {
          const k = lutIndex(v[u], lo, hi) * 4;
          const colour = `rgb(${lut[k]},${lut[k + 1]},${lut[k + 2]})`;
          // Only what changed: each style write costs a style recalculation in the next frame.
          if (this.colours.get(b) !== colour) {
            this.colours.set(b, colour);
            b.style.backgroundColor = colour;
          }
        });
      }
    }
  }

  private changed(): void {
    // The analysis first: the worker runs while the page updates the buttons and the list.
    const hooks = this.ablation.hooks();
    const key = JSON.stringify(hooks ?? null);
    if (key !== this.sent) this.wb.setHooks(hooks, this.clickAt ?? undefined);
    this.sent = key;
    this.clickAt = null;
    const off = this.ablation.list();
    for (const [key, buttons] of this.buttons) {
      const [model, layer] = key.split('/');
      buttons.forEach((b, u) => {
        const on = String(this.ablation.has(model as ModelId, layer, u));
        if (b.getAttribute('aria-pressed') !== on) b.setAttribute('aria-pressed', on);
      });
    }
    this.list.replaceChildren(
      off.length
        ? h('span', { class: 'ab-label' }, `Off (${this.ablation.mode === 'zero' ? 'zero' : 'mean'}): `)
        : h('span', { class: 'help' }, 'Nothing is switched off.'),
      ...off.map((o) => {
        const chip = h('button', { type: 'button', class: `ab-chip ${o.model}`, 'data-ablated': `${o.layer}:${o.unit}`, title: 'Switch it back on' }, `${o.layer}:${o.unit} ×`);
        chip.addEventListener('click', (e) => {
          this.clickAt = e.timeStamp;
          this.toggle(o.model, o.layer, o.unit, e.timeStamp);
        });
        return chip;
      }),
    );
  }
}
