/**
 * The explorer's charts, on uPlot (canvas, ~50 KB, no eval, styles set through the CSSOM so the extension CSP holds):
 * line charts with a hover read-out in uPlot's legend, bars, and a scatter of many points (the PCA maps' 10 000
 * digits) drawn in one draw hook, with box zoom (drag), wheel zoom, shift-drag pan, double-click reset, and a nearest-
 * point read-out. Colours come from the page's CSS variables at draw time, so a theme switch needs only a redraw.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export const cssVar = (el: Element, name: string, fallback = '#888'): string => getComputedStyle(el).getPropertyValue(name).trim() || fallback;

function axis(el: Element, label?: string, values?: uPlot.Axis['values']): uPlot.Axis {
  return {
    label,
    stroke: () => cssVar(el, '--muted'),
    grid: { stroke: () => cssVar(el, '--border'), width: 1 },
    ticks: { stroke: () => cssVar(el, '--border'), width: 1 },
    ...(values ? { values } : {}),
  };
}

/** Keeps a chart as wide as its host (uPlot has a fixed size). */
function fit(u: uPlot, host: HTMLElement, height: number): void {
  new ResizeObserver(() => {
    const w = Math.floor(host.clientWidth);
    if (w > 0 && w !== u.width) u.setSize({ width: w, height });
  }).observe(host);
}

export interface LineSeries {
  label: string;
  color: string;
  values: (number | null)[];
  /** Read-out format of a value. */
  format?: (v: number, idx: number) => string;
}

/** Lines over shared x positions; x ticks named by `xLabels` (categories) when given. */
export function lineChart(
  host: HTMLElement,
  opts: { x: number[]; xLabels?: string[]; xTicks?: (t: number) => string; xTitle?: string; yTitle?: string; series: LineSeries[]; height?: number; y?: [number, number]; bars?: boolean },
): uPlot {
  const height = opts.height ?? 240;
  const names = opts.xLabels;
  const u = new uPlot(
    {
      width: Math.max(200, host.clientWidth || 400),
      height,
      scales: { x: { time: false, ...(names ? { range: [-0.5, names.length - 0.5] as [number, number] } : {}) }, ...(opts.y ? { y: { range: opts.y } } : {}) },
      cursor: { drag: { x: false, y: false }, points: { size: 8 } },
      axes: [
        axis(host, opts.xTitle, names ? (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? (names[t] ?? '') : '')) : opts.xTicks ? (_u, ticks) => ticks.map(opts.xTicks!) : undefined),
        axis(host, opts.yTitle),
      ],
      series: [
        { label: opts.xTitle ?? 'x', value: (_u, v) => (v == null ? '—' : names ? (names[v] ?? '') : opts.xTicks ? opts.xTicks(v) || String(+v.toFixed(3)) : String(v)) },
        ...opts.series.map(
          (s): uPlot.Series => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            spanGaps: true,
            ...(opts.bars ? { paths: uPlot.paths.bars!({ size: [0.7, 40] }), fill: s.color + 'cc' } : { points: { show: true, size: 6, fill: s.color } }),
            value: (_u, v, _s, idx) => (v == null ? '—' : s.format ? s.format(v, idx ?? 0) : String(v)),
          }),
        ),
      ],
    },
    [opts.x, ...opts.series.map((s) => s.values)] as uPlot.AlignedData,
    host,
  );
  fit(u, host, height);
  return u;
}

export interface ScatterData {
  xs: Float32Array;
  ys: Float32Array;
  /** Colour index per point (e.g. the class), into `colors`. */
  groups: Uint8Array;
  colors: readonly string[];
}

export interface ScatterOptions {
  height?: number;
  xTitle?: string;
  yTitle?: string;
  /** The hovered point (or null), for the read-out. */
  onHover?: (i: number | null) => void;
  onClick?: (i: number) => void;
  /** Extra drawing over the points (the sketch's marker), in the plot's coordinates. */
  overlay?: (ctx: CanvasRenderingContext2D, toPx: (x: number, y: number) => [number, number], u: uPlot) => void;
  hidden?: () => ReadonlySet<number>;
}

/** A scatter of many points: zoomable, pannable, with hover and click on the nearest point. */
export class Scatter {
  readonly u: uPlot;
  private data: ScatterData;
  private hover: number | null = null;

  constructor(private readonly host: HTMLElement, data: ScatterData, private readonly opts: ScatterOptions = {}) {
    this.data = data;
    const height = opts.height ?? 420;
    const [x0, x1, y0, y1] = this.extent();
    // NOTE: uPlot passes every x scale change through `range` (a fixed [min, max] would undo each zoom).
    const xRange: uPlot.Range.Function = (_u, min, max) => (min == null || max == null || !(max > min) ? this.extent().slice(0, 2) as [number, number] : [min, max]);
    this.u = new uPlot(
      {
        width: Math.max(200, host.clientWidth || 500),
        height,
        legend: { show: false },
        scales: { x: { time: false, auto: false, range: xRange }, y: { auto: false, range: [y0, y1] } },
        cursor: { drag: { x: true, y: true, uni: 30 }, points: { show: false } },
        axes: [axis(host, opts.xTitle), axis(host, opts.yTitle)],
        series: [{}, { stroke: 'transparent', paths: () => null, points: { show: false } }],
        hooks: {
          draw: [(u) => this.draw(u)],
          setCursor: [(u) => this.cursorMoved(u)],
        },
      },
      [[x0, x1], [null, null]] as unknown as uPlot.AlignedData,
      host,
    );
    fit(this.u, host, height);
    this.wire();
  }

  setData(data: ScatterData): void {
    this.data = data;
    this.reset();
  }

  /** Redraws (theme switch, hidden classes, a moved marker). */
  redraw(): void {
    this.u.redraw(false, false);
  }

  reset(): void {
    const [x0, x1, y0, y1] = this.extent();
    // NOTE: uPlot keeps the x scale within its data's x values: the data is the two ends of the extent.
    this.u.setData([[x0, x1], [null, null]] as unknown as uPlot.AlignedData, false);
    this.u.batch(() => {
      this.u.setScale('x', { min: x0, max: x1 });
      this.u.setScale('y', { min: y0, max: y1 });
    });
  }

  private extent(): [number, number, number, number] {
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    const { xs, ys } = this.data;
    for (let i = 0; i < xs.length; i++) {
      x0 = Math.min(x0, xs[i]);
      x1 = Math.max(x1, xs[i]);
      y0 = Math.min(y0, ys[i]);
      y1 = Math.max(y1, ys[i]);
    }
    const px = (x1 - x0) * 0.04 || 1, py = (y1 - y0) * 0.04 || 1;
    return [x0 - px, x1 + px, y0 - py, y1 + py];
  }

  private toPx = (x: number, y: number): [number, number] => [this.u.valToPos(x, 'x', true), this.u.valToPos(y, 'y', true)];

  private draw(u: uPlot): void {
    // What the plot shows (x0,x1,y0,y1), for tests and the curious.
    this.host.dataset.view = [u.scales.x.min, u.scales.x.max, u.scales.y.min, u.scales.y.max].map((v) => (v ?? NaN).toPrecision(5)).join(',');
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const { xs, ys, groups, colors } = this.data;
    const hidden = this.opts.hidden?.() ?? new Set<number>();
    const r = Math.max(1.5, 1.6 * uPlot.pxRatio);
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.globalAlpha = 0.7;
    // One path per colour: 10 fills instead of 10 000.
    for (let g = 0; g < colors.length; g++) {
      if (hidden.has(g)) continue;
      ctx.beginPath();
      for (let i = 0; i < xs.length; i++) {
        if (groups[i] !== g) continue;
        const [px, py] = this.toPx(xs[i], ys[i]);
        ctx.rect(px - r, py - r, 2 * r, 2 * r);
      }
      ctx.fillStyle = colors[g];
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    if (this.hover !== null) {
      const [px, py] = this.toPx(xs[this.hover], ys[this.hover]);
      ctx.beginPath();
      ctx.arc(px, py, 5 * uPlot.pxRatio, 0, 2 * Math.PI);
      ctx.lineWidth = 2 * uPlot.pxRatio;
      ctx.strokeStyle = cssVar(this.host, '--text');
      ctx.stroke();
    }
    this.opts.overlay?.(ctx, this.toPx, u);
    ctx.restore();
  }

  /** The point nearest the cursor within 12 px, or null (a linear scan: 10 000 points take ~0.1 ms). */
  private nearest(u: uPlot): number | null {
    const { left, top } = u.cursor;
    if (left == null || top == null || left < 0) return null;
    const cx = left * uPlot.pxRatio + u.bbox.left, cy = top * uPlot.pxRatio + u.bbox.top;
    const { xs, ys, groups } = this.data;
    const hidden = this.opts.hidden?.() ?? new Set<number>();
    let best = (12 * uPlot.pxRatio) ** 2, at: number | null = null;
    for (let i = 0; i < xs.length; i++) {
      if (hidden.has(groups[i])) continue;
      const [px, py] = this.toPx(xs[i], ys[i]);
      const d = (px - cx) ** 2 + (py - cy) ** 2;
      if (d < best) {
        best = d;
        at = i;
      }
    }
    return at;
  }

  private cursorMoved(u: uPlot): void {
    const i = this.nearest(u);
    if (i === this.hover) return;
    this.hover = i;
    this.opts.onHover?.(i);
    this.redraw();
  }

  private wire(): void {
    const over = this.u.over;
    // Wheel: zoom around the cursor.
    over.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const k = e.deltaY < 0 ? 0.8 : 1.25;
        const rect = over.getBoundingClientRect();
        const cx = this.u.posToVal(e.clientX - rect.left, 'x'), cy = this.u.posToVal(e.clientY - rect.top, 'y');
        const sx = this.u.scales.x, sy = this.u.scales.y;
        this.u.batch(() => {
          this.u.setScale('x', { min: cx - (cx - sx.min!) * k, max: cx + (sx.max! - cx) * k });
          this.u.setScale('y', { min: cy - (cy - sy.min!) * k, max: cy + (sy.max! - cy) * k });
        });
      },
      { passive: false },
    );
    // Shift-drag: pan (plain drag is uPlot's box zoom).
    over.addEventListener(
      'mousedown',
      (e) => {
        if (!e.shiftKey) return;
        e.stopPropagation();
        const sx = { ...this.u.scales.x }, sy = { ...this.u.scales.y };
        const x0 = e.clientX, y0 = e.clientY;
        const pxX = (sx.max! - sx.min!) / (this.u.bbox.width / uPlot.pxRatio), pxY = (sy.max! - sy.min!) / (this.u.bbox.height / uPlot.pxRatio);
        const move = (m: MouseEvent) => {
          const dx = (m.clientX - x0) * pxX, dy = (m.clientY - y0) * pxY;
          this.u.batch(() => {
            this.u.setScale('x', { min: sx.min! - dx, max: sx.max! - dx });
            this.u.setScale('y', { min: sy.min! + dy, max: sy.max! + dy });
          });
        };
        const up = () => {
          document.removeEventListener('mousemove', move);
          document.removeEventListener('mouseup', up);
        };
        document.addEventListener('mousemove', move);
        document.addEventListener('mouseup', up);
      },
      true,
    );
    over.addEventListener('dblclick', () => this.reset());
    over.addEventListener('click', () => {
      if (this.hover !== null) this.opts.onClick?.(this.hover);
    });
  }
}
