/** MLP vs CNN on the same sketch: verdict, probabilities side by side, confidence statistics, saliency, architectures. */
import { MODEL_IDS, type ModelId, type ModelResult, type ModelSummary } from '../../worker/api.ts';
import { CLASSES, PIXELS, SIDE } from '../shared/digits.ts';
import { drawSmall, grayImage, overInput } from '../ui/heatview.ts';
import type { Analysis } from '../ui/live.ts';
import { isSigned, METHOD_LABELS, paintSaliency } from '../shared/saliency.ts';
import { entropyBits, topTwo } from '../ui/stats.ts';
import type { WorkbenchContext } from '../ui/workbench/workbench.ts';
import { fmt, pct } from '../shared/format.ts';
import { h } from '../shared/dom.ts';
import { MODEL_NAMES } from '../shared/labels.ts';


export class CompareView {
  private readonly head = h('div', { class: 'card cmp-head', 'data-testid': 'compare-verdict' });
  private readonly cols: Record<ModelId, HTMLElement[]> = { mlp: [], cnn: [] };
  private readonly table = h('tbody');
  private readonly sal: Record<ModelId, HTMLCanvasElement>;
  private readonly salCaption = h('p', { class: 'help' });
  private readonly arch = h('div', { class: 'arch-list' });
  /** Log scale shows the small probabilities the models give the other digits (1 down to 10⁻⁶). */
  private log = false;
  private lastModels: (ModelResult | null)[] = [null, null];
  private summaries: ModelSummary[] | null = null;

  constructor(private readonly wb: WorkbenchContext, host: HTMLElement) {
    const chart = h('div', { class: 'grouped', 'data-testid': 'compare-chart' });
    for (let d = 0; d < CLASSES; d++) {
      const cols = h('div', { class: 'cols' });
      for (const id of MODEL_IDS) {
        const c = h('div', { class: `col ${id}`, title: '' });
        this.cols[id].push(c);
        cols.append(c);
      }
      chart.append(h('div', { class: 'pair' }, cols, h('div', { class: 'lbl' }, String(d))));
    }
    this.sal = {
      mlp: h('canvas', { class: 'px', width: SIDE, height: SIDE }),
      cnn: h('canvas', { class: 'px', width: SIDE, height: SIDE }),
    };
    host.append(
      this.head,
      h('div', { class: 'cmp-grid' },
        h('div', { class: 'card pane' }, h('div', { class: 'pane-head' }, h('h3', {}, 'Probabilities'), this.scaleToggle()), chart,
          h('div', { class: 'keyline' }, ...MODEL_IDS.map((id) => h('span', { class: id }, h('i'), MODEL_NAMES[id])))),
        h('div', { class: 'card pane' }, h('h3', {}, 'Confidence'),
          h('table', { class: 'stats' }, h('thead', {}, h('tr', {}, h('th'), ...MODEL_IDS.map((id) => h('th', { class: id }, MODEL_NAMES[id])))), this.table)),
      ),
      h('div', { class: 'cmp-grid' },
        h('div', { class: 'card pane' }, h('h3', {}, 'What each relies on'),
          h('div', { class: 'cmp-sal' }, ...MODEL_IDS.map((id) => h('figure', { class: `thumb ${id}` }, this.sal[id], h('figcaption', {}, MODEL_NAMES[id])))),
          this.salCaption),
        h('div', { class: 'card pane' }, h('h3', {}, 'Architectures'), this.arch),
      ),
    );
  }

  update(a: Analysis | null): void {
    void this.loadSummaries();
    const models = MODEL_IDS.map((id) => a?.result.models.find((m) => m.id === id) ?? null);
    this.lastModels = models;
    this.verdict(models);
    this.bars();
    for (const id of MODEL_IDS) {
      const m = models[MODEL_IDS.indexOf(id)];
      if (m?.saliency && a) drawSmall(this.sal[id], overInput(a.result.input, paintSaliency(m.saliency.map, SIDE, SIDE, isSigned(m.saliency.method))));
      else drawSmall(this.sal[id], grayImage(new Float32Array(PIXELS)));
    }
    const method = models.find((m) => m?.saliency)?.saliency?.method;
    this.salCaption.textContent = method ? `${METHOD_LABELS[method]} for each model’s own answer (change the method in the sidebar).` : '';
    this.stats(models);
  }

  private scaleToggle(): HTMLElement {
    const seg = h('div', { class: 'seg', role: 'group', 'aria-label': 'Scale' });
    for (const [label, log] of [['Linear', false], ['Log', true]] as const) {
      const b = h('button', { type: 'button', 'aria-pressed': String(log === this.log) }, label);
      b.addEventListener('click', () => {
        this.log = log;
        for (const o of seg.children) o.setAttribute('aria-pressed', String(o === b));
        this.bars();
      });
      seg.append(b);
    }
    return seg;
  }

  private bars(): void {
    MODEL_IDS.forEach((id, k) => {
      const m = this.lastModels[k];
      this.cols[id].forEach((c, d) => {
        const p = m ? m.probs[d] : 0;
        const t = this.log ? Math.max(0, (Math.log10(Math.max(p, 1e-12)) + 6) / 6) : p;
        c.style.height = `${Math.max(0.5, t * 100)}%`;
        c.title = `${MODEL_NAMES[id]} · ${d}: ${p < 1e-3 && p > 0 ? p.toExponential(1) : pct(p)}`;
      });
    });
  }

  private verdict(models: (ModelResult | null)[]): void {
    const [mlp, cnn] = models;
    if (!mlp || !cnn) {
      this.head.className = 'card cmp-head';
      this.head.replaceChildren(h('span', { class: 'verdict' }, 'Draw a digit to compare the two networks.'));
      return;
    }
    const agree = mlp.digit === cnn.digit;
    this.head.className = `card cmp-head ${agree ? 'agree' : 'disagree'}`;
    this.head.replaceChildren(
      h('span', { class: 'badge' }, agree ? 'Agree' : 'Disagree'),
      h('span', { class: 'verdict' }, agree ? `Both read a ${mlp.digit}` : `The MLP reads a ${mlp.digit}, the CNN a ${cnn.digit}`),
      h('span', { class: 'subtitle' }, `MLP ${pct(mlp.probs[mlp.digit])} · CNN ${pct(cnn.probs[cnn.digit])} sure`),
    );
  }

  private stats(models: (ModelResult | null)[]): void {
    const row = (label: string, f: (m: ModelResult) => string) => h('tr', {}, h('td', {}, label), ...models.map((m) => h('td', {}, m ? f(m) : '–')));
    const params = (id: ModelId) => this.summaries?.find((s) => s.id === id)?.params;
    this.table.replaceChildren(
      row('Prediction', (m) => String(m.digit)),
      row('Probability', (m) => pct(m.probs[m.digit])),
      row('Runner-up', (m) => {
        const [, b] = topTwo(m.probs);
        return `${b} (${pct(m.probs[b])})`;
      }),
      row('Logit margin', (m) => {
        const [a, b] = topTwo(m.probs);
        return fmt(m.logits[a] - m.logits[b]);
      }),
      row('Entropy', (m) => `${entropyBits(m.probs).toFixed(2)} bits`),
      h('tr', {}, h('td', {}, 'Parameters'), ...MODEL_IDS.map((id) => h('td', {}, params(id)?.toLocaleString('en-US') ?? '–'))),
    );
  }

  private async loadSummaries(): Promise<void> {
    if (this.summaries) return;
    try {
      this.summaries = await (await this.wb.api()).models();
    } catch {
      return;
    }
    this.arch.replaceChildren(
      ...MODEL_IDS.map((id) => {
        const s = this.summaries!.find((m) => m.id === id);
        if (!s) return h('div');
        return h('div', { class: id },
          h('div', { class: 'model-name' }, `${MODEL_NAMES[id]} · ${s.params.toLocaleString('en-US')} parameters`),
          h('ul', { class: 'arch' }, ...s.layers.map((l) => h('li', {}, h('b', {}, l.name), h('span', {}, `${l.kind}${l.activation && l.activation !== 'linear' ? ` ${l.activation}` : ''} → ${l.outputShape.join('×')}`)))),
        );
      }),
    );
    if (this.wb.latest) this.stats(MODEL_IDS.map((id) => this.wb.latest!.result.models.find((m) => m.id === id) ?? null));
  }
}
