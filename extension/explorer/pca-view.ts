/**
 * PCA map: MNIST test digits placed by the first two principal components of one hidden layer (precomputed in
 * models/<id>/pca.json, format in ui/formats.ts), coloured by true class; the current sketch is projected with the
 * same components and drawn as a ring, with a fading trail while you draw. The 2 000 points are drawn once into
 * their own canvas; only the ring layer is redrawn per analysis.
 */
import type { ModelId } from '../../worker/api.ts';
import { CLASS_COLORS } from '../ui/colormap.ts';
import { bounds, nearest, project, readPca, type PcaFile } from '../ui/formats.ts';
import { modelsBase } from '../shared/session.ts';
import type { Analysis } from '../ui/live.ts';
import { linear, niceTicks, type Scale } from '../ui/plot.ts';
import type { WorkbenchContext } from '../ui/workbench/workbench.ts';
import { h } from '../shared/dom.ts';
import { MODEL_NAMES } from '../shared/labels.ts';
import { errorText } from '../shared/errors.ts';
import { shippedDigits, type PoolDigit } from './neuron-ranking.ts';
import { CLASSES } from '../shared/digits.ts';

const MARGIN = { left: 44, right: 12, top: 12, bottom: 34 };
const TRAIL = 48;
const K = 20;

interface Frame {
  sx: Scale;
  sy: Scale;
  dpr: number;
}

export class PcaView {
  private model: ModelId = 'mlp';
  private readonly files = new Map<ModelId, Promise<PcaFile>>();
  private readonly hiddenClasses = new Set<number>();
  private trail: { x: number; y: number }[] = [];
  private readonly base = h('canvas', { 'data-testid': 'pca-points' });
  private readonly top = h('canvas', { 'data-testid': 'pca-marker' });
  private readonly plot = h('div', { class: 'pca-plot' }, this.base, this.top);
  private readonly legend = h('div', { class: 'class-legend' });
  private readonly note = h('div', { class: 'pca-note' });
  private readonly where = h('div', { class: 'pca-where', 'data-testid': 'pca-where' });
  private frame: Frame | null = null;
  private data: PcaFile | null = null;
  /** The points' extent (distances on the map are measured relative to it, so both axes count alike). */
  private extent: ReturnType<typeof bounds> | null = null;

  constructor(private readonly wb: WorkbenchContext, private readonly host: HTMLElement, seg: HTMLElement) {
    for (let c = 0; c < CLASSES; c++) {
      const b = h('button', { type: 'button', title: `Show or hide the ${c}s` }, h('span', { class: 'sw', style: `background:${CLASS_COLORS[c]}` }), `${c}`);
      b.addEventListener('click', () => {
        if (!this.hiddenClasses.delete(c)) this.hiddenClasses.add(c);
        b.classList.toggle('off', this.hiddenClasses.has(c));
        this.drawBase();
      });
      this.legend.append(b);
    }
    for (const b of seg.querySelectorAll<HTMLButtonElement>('button[data-model]')) {
      b.addEventListener('click', () => {
        this.model = b.dataset.model as ModelId;
        for (const o of seg.querySelectorAll('button')) o.setAttribute('aria-pressed', String(o === b));
        this.trail = [];
        this.update(this.wb.latest);
      });
    }
    this.top.addEventListener('mousemove', (e) => this.hover(e));
    this.top.addEventListener('click', (e) => void this.pick(e));
    this.top.addEventListener('mouseleave', () => this.wb.tooltip.hide());
    new ResizeObserver(() => this.drawBase()).observe(this.plot);
    wb.subscribe((a) => {
      if (!a) this.trail = [];
    });
  }

  update(a: Analysis | null): void {
    const model = this.model;
    void this.load(model).then(
      (pca) => {
        if (this.model !== model) return;
        if (this.data !== pca) {
          this.data = pca;
          this.extent = null;
          this.host.replaceChildren(h('div', { class: 'pca-wrap' }, this.plot, h('div', {}, this.legend, this.note, this.where)));
          const ex = pca.explained;
          this.note.textContent = `${pca.points.length.toLocaleString('en-US')} test digits · layer ${pca.layer}${ex ? ` · the two axes hold ${Math.round((ex[0] + ex[1]) * 100)}% of its variance` : ''}`;
          this.drawBase();
        }
        this.drawMarker(a);
      },
      (e: unknown) => {
        if (this.model !== model) return;
        this.data = null;
        this.host.replaceChildren(
          h('div', { class: 'empty-state', 'data-testid': 'pca-missing' },
            h('b', {}, `No PCA map for the ${MODEL_NAMES[model]} in this build`),
            h('span', {}, errorText(e)),
          ),
        );
      },
    );
  }

  private load(id: ModelId): Promise<PcaFile> {
    let p = this.files.get(id);
    if (!p) {
      const url = new URL(`${id}/pca.json`, modelsBase());
      p = fetch(url)
        .then((r) => {
          if (!r.ok) throw new Error(`models/${id}/pca.json is not there (HTTP ${r.status}).`);
          return r.json();
        }, () => Promise.reject(new Error(`models/${id}/pca.json is not there.`)))
        .then((raw) => readPca(raw, `models/${id}/pca.json`));
      this.files.set(id, p);
    }
    return p;
  }

  private size(canvas: HTMLCanvasElement): number {
    const dpr = globalThis.devicePixelRatio || 1;
    const side = Math.round(this.plot.clientWidth * dpr);
    if (canvas.width !== side) {
      canvas.width = side;
      canvas.height = side;
    }
    return dpr;
  }

  private drawBase(): void {
    const pca = this.data;
    if (!pca || !this.plot.isConnected || this.plot.clientWidth === 0) return;
    const dpr = this.size(this.base);
    this.size(this.top);
    const W = this.base.width / dpr;
    const b = bounds(pca.points);
    const sx = linear(b.x0, b.x1, MARGIN.left, W - MARGIN.right);
    const sy = linear(b.y0, b.y1, W - MARGIN.bottom, MARGIN.top);
    this.frame = { sx, sy, dpr };
    const ctx = this.base.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, W);
    this.axes(ctx, sx, sy, b, W);
    ctx.globalAlpha = 0.55;
    for (const p of pca.points) {
      if (this.hiddenClasses.has(p.label)) continue;
      ctx.fillStyle = CLASS_COLORS[p.label];
      ctx.fillRect(sx(p.x) - 1.25, sy(p.y) - 1.25, 2.5, 2.5);
    }
    ctx.globalAlpha = 1;
    this.drawMarker(this.wb.latest);
  }

  private axes(ctx: CanvasRenderingContext2D, sx: Scale, sy: Scale, b: ReturnType<typeof bounds>, W: number): void {
    const css = getComputedStyle(document.documentElement);
    const grid = css.getPropertyValue('--border').trim();
    const text = css.getPropertyValue('--faint').trim();
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = text;
    ctx.strokeStyle = grid;
    ctx.lineWidth = 1;
    ctx.textAlign = 'center';
    for (const t of niceTicks(b.x0, b.x1, 6)) {
      const x = Math.round(sx(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x, MARGIN.top);
      ctx.lineTo(x, W - MARGIN.bottom);
      ctx.stroke();
      ctx.fillText(String(t), x, W - MARGIN.bottom + 14);
    }
    ctx.textAlign = 'right';
    for (const t of niceTicks(b.y0, b.y1, 6)) {
      const y = Math.round(sy(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(MARGIN.left, y);
      ctx.lineTo(W - MARGIN.right, y);
      ctx.stroke();
      ctx.fillText(String(t), MARGIN.left - 6, y + 4);
    }
    const ex = this.data?.explained;
    ctx.textAlign = 'center';
    ctx.fillText(`PC1${ex ? ` (${(ex[0] * 100).toFixed(1)}%)` : ''}`, (MARGIN.left + W - MARGIN.right) / 2, W - 4);
    ctx.save();
    ctx.translate(11, (MARGIN.top + W - MARGIN.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(`PC2${ex ? ` (${(ex[1] * 100).toFixed(1)}%)` : ''}`, 0, 0);
    ctx.restore();
  }

  private drawMarker(a: Analysis | null): void {
    const pca = this.data;
    const f = this.frame;
    if (!pca || !f) return;
    const ctx = this.top.getContext('2d')!;
    ctx.setTransform(f.dpr, 0, 0, f.dpr, 0, 0);
    ctx.clearRect(0, 0, this.top.width, this.top.height);
    const m = a?.result.models.find((r) => r.id === this.model);
    const layer = m?.layers?.find((l) => l.name === pca.layer);
    if (!m || !layer) {
      this.where.textContent = a ? `The ${MODEL_NAMES[this.model]} has no layer “${pca.layer}”.` : 'Draw a digit to place it on the map.';
      return;
    }
    const p = project(pca, layer.out);
    const last = this.trail[this.trail.length - 1];
    if (!last || last.x !== p.x || last.y !== p.y) this.trail.push(p);
    if (this.trail.length > TRAIL) this.trail.shift();
    const css = getComputedStyle(document.documentElement);
    const ink = css.getPropertyValue('--text').trim();
    const paper = css.getPropertyValue('--surface').trim();
    ctx.lineCap = 'round';
    for (let i = 1; i < this.trail.length; i++) {
      ctx.globalAlpha = (i / this.trail.length) * 0.6;
      ctx.strokeStyle = ink;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(f.sx(this.trail[i - 1].x), f.sy(this.trail[i - 1].y));
      ctx.lineTo(f.sx(this.trail[i].x), f.sy(this.trail[i].y));
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    const x = f.sx(p.x);
    const y = f.sy(p.y);
    ctx.lineWidth = 5;
    ctx.strokeStyle = paper;
    ctx.beginPath();
    ctx.arc(x, y, 10, 0, Math.PI * 2);
    ctx.stroke();
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = ink;
    ctx.stroke();
    ctx.fillStyle = CLASS_COLORS[m.digit];
    ctx.beginPath();
    ctx.arc(x, y, 5, 0, Math.PI * 2);
    ctx.fill();
    this.describe(pca, p, m.digit);
  }

  /** The classes of the K nearest test digits on the map (in these two dimensions, not the full layer). */
  private describe(pca: PcaFile, p: { x: number; y: number }, digit: number): void {
    const b = this.extent ??= bounds(pca.points, 0);
    const kx = 1 / (b.x1 - b.x0 || 1);
    const ky = 1 / (b.y1 - b.y0 || 1);
    const counts = new Array(CLASSES).fill(0);
    for (const i of nearest(pca.points, p, K, kx, ky)) counts[pca.points[i].label]++;
    const order = counts.map((c, d) => [c, d]).filter(([c]) => c > 0).sort((u, v) => v[0] - u[0]);
    this.where.replaceChildren(
      `Your ${digit} lands among: `,
      ...order.slice(0, 3).flatMap(([c, d], i) => [i ? ', ' : '', h('b', {}, `${c} × ${d}`)]),
      ` (the ${K} nearest test digits on this map).`,
    );
  }

  private hover(e: MouseEvent): void {
    const pca = this.data;
    const f = this.frame;
    if (!pca || !f) return;
    let best = -1;
    let bestD = 64; // within 8 px
    for (let i = 0; i < pca.points.length; i++) {
      const q = pca.points[i];
      if (this.hiddenClasses.has(q.label)) continue;
      const d = (f.sx(q.x) - e.offsetX) ** 2 + (f.sy(q.y) - e.offsetY) ** 2;
      if (d < bestD) [best, bestD] = [i, d];
    }
    if (best < 0) return this.wb.tooltip.hide();
    const q = pca.points[best];
    const idx = q.index !== undefined ? `test digit #${q.index}: ` : '';
    const pred = q.pred !== undefined && q.pred !== q.label ? ` (read as ${q.pred})` : '';
    this.wb.tooltip.show(`${idx}a ${q.label}${pred}`, e.clientX, e.clientY);
  }

  /**
   * A click puts the nearest test digit the extension ships on the pad (it ships the images of about a quarter of
   * the map's points: test-digits.bin and the neuron files), so the user can see why a point lies where it does.
   */
  private async pick(e: MouseEvent): Promise<void> {
    const pca = this.data;
    const f = this.frame;
    if (!pca || !f) return;
    const digits = await shippedDigits();
    let best: PoolDigit | null = null;
    let bestD = Infinity;
    for (const q of pca.points) {
      const d = q.index === undefined || this.hiddenClasses.has(q.label) ? undefined : digits.get(q.index);
      if (!d) continue;
      const dist = (f.sx(q.x) - e.offsetX) ** 2 + (f.sy(q.y) - e.offsetY) ** 2;
      if (dist < bestD) [best, bestD] = [d, dist];
    }
    if (best) this.wb.showDigit(best);
  }
}
