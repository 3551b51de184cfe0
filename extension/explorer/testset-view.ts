/**
 * MLP vs CNN over the 10 000 MNIST test digits (models/<id>/test-metrics.json, compare.json): accuracy and per-class
 * accuracy, both confusion matrices as heatmaps whose cells open the digits behind them, and galleries of the
 * mistakes, the disagreements and the confidently wrong, each digit opening both models' saliency maps.
 */
import type { CompareFile, Mistake, TestMetricsFile } from '../../src/interpret/explorer-data.ts';
import { MODEL_IDS, type ModelId } from '../../worker/api.ts';
import { CLASSES } from '../shared/digits.ts';
import { h } from '../shared/dom.ts';
import { errorText } from '../shared/errors.ts';
import { pct } from '../shared/format.ts';
import { MODEL_NAMES } from '../shared/labels.ts';
import type { WorkbenchContext } from '../ui/workbench/workbench.ts';
import { cssVar, lineChart } from './charts.ts';
import { DigitDetail, thumb, type DigitRef } from './digit-detail.ts';
import { compareFile, testMetrics } from './network-data.ts';
import type { View } from './view.ts';

type Gallery = 'mlp' | 'cnn' | 'disagree' | 'confident';

const pct2 = (v: number) => `${(v * 100).toFixed(2)} %`;

export class TestSetView implements View {
  private loaded: Promise<void> | null = null;
  private readonly summary = h('div', { class: 'ts-summary' });
  private readonly perClass = h('div', { class: 'ts-chart', 'data-testid': 'per-class' });
  private readonly matrices = h('div', { class: 'two-col' });
  private readonly galleryTabs = h('div', { class: 'seg', role: 'group', 'aria-label': 'Which digits' });
  private readonly gallery = h('div', { class: 'nd-gallery', 'data-testid': 'misclassified' });
  private readonly galleryNote = h('p', { class: 'help' });
  private readonly detail: DigitDetail;
  private data: { metrics: Record<ModelId, TestMetricsFile>; compare: CompareFile } | null = null;

  constructor(wb: WorkbenchContext, host: HTMLElement, hooks?: ConstructorParameters<typeof DigitDetail>[1]) {
    this.detail = new DigitDetail(wb, hooks);
    host.append(
      h('div', { class: 'card pane' }, h('h3', {}, 'Test accuracy'), this.summary, this.perClass),
      this.matrices,
      h('div', { class: 'card pane' }, h('div', { class: 'pane-head' }, h('h3', {}, 'The digits they get wrong'), this.galleryTabs), this.galleryNote, this.gallery),
      this.detail.el,
    );
  }

  update(): void {
    this.loaded ??= this.load().catch((e) => {
      this.loaded = null;
      this.summary.replaceChildren(h('div', { class: 'empty-state' }, h('b', {}, 'Cannot load the test-set results'), h('span', {}, errorText(e))));
    });
  }

  private async load(): Promise<void> {
    const [mlp, cnn, compare] = await Promise.all([testMetrics('mlp'), testMetrics('cnn'), compareFile()]);
    this.data = { metrics: { mlp, cnn }, compare };
    this.summary.replaceChildren(
      ...MODEL_IDS.map((id) => {
        const m = this.data!.metrics[id];
        return h('div', { class: `ts-stat ${id}`, 'data-testid': `accuracy-${id}` },
          h('b', {}, pct2(m.accuracy)), h('span', {}, `${MODEL_NAMES[id]}: ${m.misclassified.length} of ${m.count} wrong, ${m.confidentlyWrong} of them with ≥ ${Math.round(m.confidentThreshold * 100)} % confidence`));
      }),
      h('div', { class: 'ts-stat' }, h('b', {}, String(compare.disagreements.length)), h('span', {}, `digits where they disagree; both wrong on ${compare.bothWrong}`)),
    );
    lineChart(this.perClass, {
      x: [...Array(CLASSES).keys()],
      xTitle: 'digit',
      yTitle: 'accuracy',
      height: 200,
      series: MODEL_IDS.map((id) => ({ label: MODEL_NAMES[id], color: cssVar(this.perClass, `--${id}`), values: this.data!.metrics[id].perClass, format: pct2 })),
    });
    this.matrices.replaceChildren(...MODEL_IDS.map((id) => this.matrix(id)));
    const tabs: [Gallery, string][] = [['mlp', 'MLP mistakes'], ['cnn', 'CNN mistakes'], ['disagree', 'Disagreements'], ['confident', 'Confidently wrong']];
    this.galleryTabs.replaceChildren(
      ...tabs.map(([g, label]) => {
        const b = h('button', { type: 'button', 'data-gallery': g, 'aria-pressed': String(g === 'mlp') }, label);
        b.addEventListener('click', () => {
          for (const o of this.galleryTabs.children) o.setAttribute('aria-pressed', String(o === b));
          this.showGallery(g);
        });
        return b;
      }),
    );
    this.showGallery('mlp');
  }

  private matrix(id: ModelId): HTMLElement {
    const m = this.data!.metrics[id];
    const max = Math.max(...m.confusion.flatMap((row, t) => row.filter((_, p) => p !== t)));
    const grid = h('div', { class: 'cm-grid', 'data-testid': `confusion-${id}`, role: 'grid' });
    grid.append(h('span', { class: 'cm-corner' }, 'true ↓ read →'), ...[...Array(CLASSES).keys()].map((p) => h('span', { class: 'cm-head' }, String(p))));
    for (let t = 0; t < CLASSES; t++) {
      grid.append(h('span', { class: 'cm-head' }, String(t)));
      for (let p = 0; p < CLASSES; p++) {
        const n = m.confusion[t][p];
        // Off the diagonal, strength grows with the count (scaled to the worst cell); the diagonal is its own colour.
        const level = t === p ? 0 : n / Math.max(1, max);
        const cell = h('button', {
          type: 'button',
          class: `cm-cell${t === p ? ' cm-diag' : ''}${n === 0 ? ' cm-zero' : ''}`,
          'data-cell': `${t}:${p}`,
          title: t === p ? `${n} ${t}s read right (${pct2(m.perClass[t])})` : `${n} ${t}s read as ${p}: click to see them`,
          style: t === p ? '' : `--level:${level.toFixed(3)}`,
        }, String(n));
        if (t !== p && n > 0) cell.addEventListener('click', () => this.showCell(id, t, p));
        grid.append(cell);
      }
    }
    return h('div', { class: `card pane ${id}` }, h('h3', {}, `${MODEL_NAMES[id]} confusion matrix`), grid,
      h('p', { class: 'help' }, 'Rows: the true digit; columns: what the model read. Click a cell to see its digits.'));
  }

  private showCell(id: ModelId, t: number, p: number): void {
    const list = this.data!.metrics[id].misclassified.filter((x) => x.label === t && x.pred === p);
    for (const o of this.galleryTabs.children) o.setAttribute('aria-pressed', 'false');
    this.galleryNote.textContent = `${MODEL_NAMES[id]}: the ${list.length} test ${t}s it read as ${p}, most confident first.`;
    this.fill(list.map((x) => mistakeRef(id, x)));
  }

  private showGallery(g: Gallery): void {
    const { metrics, compare } = this.data!;
    if (g === 'mlp' || g === 'cnn') {
      const list = metrics[g].misclassified;
      this.galleryNote.textContent = `Every test digit the ${MODEL_NAMES[g]} gets wrong (${list.length}), most confident first. Click one for both models’ saliency maps.`;
      return this.fill(list.map((x) => mistakeRef(g, x)));
    }
    if (g === 'disagree') {
      this.galleryNote.textContent = `The ${compare.disagreements.length} digits the two models read differently (true label first).`;
      return this.fill(compare.disagreements.map((d) => ({ index: d.index, label: d.label, note: `${d.label}: M${d.preds.mlp} C${d.preds.cnn}` })));
    }
    const confident = MODEL_IDS.flatMap((id) => metrics[id].misclassified.filter((x) => x.confidence >= metrics[id].confidentThreshold).map((x) => mistakeRef(id, x)));
    this.galleryNote.textContent = `Wrong and sure of it (≥ ${Math.round(metrics.mlp.confidentThreshold * 100)} %): ${metrics.mlp.confidentlyWrong} for the MLP, ${metrics.cnn.confidentlyWrong} for the CNN. Many are badly written or mislabelled.`;
    this.fill(confident);
  }

  private fill(refs: DigitRef[]): void {
    this.gallery.replaceChildren(...refs.map((r) => thumb(r, (d) => void this.detail.open(d))));
  }
}

const mistakeRef = (id: ModelId, x: Mistake): DigitRef => ({ index: x.index, label: x.label, note: `${x.label}→${x.pred} ${MODEL_NAMES[id][0]} ${pct(x.confidence)}` });
