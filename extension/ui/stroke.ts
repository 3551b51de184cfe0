/**
 * The sketch as data: strokes of points in unit coordinates (0..1 across the square pad, so the same sketch draws on
 * the 280 px popup pad and the bigger explorer pad), stroke-level undo, a compact serialisation for storage, and
 * smooth paths (quadratic curves through segment midpoints).
 */
export interface Point {
  x: number;
  y: number;
}
export type Stroke = Point[];

/** Points closer than this (≈ 0.8 px on a 280 px pad) add nothing but jitter. */
const MIN_STEP = 0.003;

export class Sketch {
  private list: Stroke[] = [];
  private current: Stroke | null = null;

  constructor(strokes: Stroke[] = []) {
    this.list = strokes.map((s) => s.slice());
  }

  get strokes(): readonly Stroke[] {
    return this.current ? [...this.list, this.current] : this.list;
  }

  get isEmpty(): boolean {
    return this.list.length === 0 && !this.current;
  }

  get drawing(): boolean {
    return this.current !== null;
  }

  begin(p: Point): void {
    this.current = [clampPoint(p)];
  }

  /** Adds points to the stroke in progress (e.g. a pointermove's coalesced events); returns whether any was kept. */
  extend(points: Point[]): boolean {
    const s = this.current;
    if (!s) return false;
    let added = false;
    for (const raw of points) {
      const p = clampPoint(raw);
      const last = s[s.length - 1];
      if (Math.hypot(p.x - last.x, p.y - last.y) >= MIN_STEP) {
        s.push(p);
        added = true;
      }
    }
    return added;
  }

  end(): void {
    if (this.current) this.list.push(this.current);
    this.current = null;
  }

  /** Drops the stroke in progress (pointercancel). */
  cancel(): void {
    this.current = null;
  }

  /** Removes the last finished stroke; false if there was none. */
  undo(): boolean {
    if (this.current) {
      this.current = null;
      return true;
    }
    return this.list.pop() !== undefined;
  }

  clear(): void {
    this.list = [];
    this.current = null;
  }
}

function clampPoint(p: Point): Point {
  return { x: Math.min(1, Math.max(0, p.x)), y: Math.min(1, Math.max(0, p.y)) };
}

/** Storage form: per stroke, x and y interleaved as integers in 0..10000 (0.1 px on the popup pad). */
export interface SavedSketch {
  v: 1;
  strokes: number[][];
}

const Q = 10000;

export function encodeSketch(strokes: readonly Stroke[]): SavedSketch {
  return { v: 1, strokes: strokes.map((s) => s.flatMap((p) => [Math.round(p.x * Q), Math.round(p.y * Q)])) };
}

/** Reads what encodeSketch wrote; anything malformed yields an empty sketch rather than an exception. */
export function decodeSketch(raw: unknown): Stroke[] {
  if (!raw || typeof raw !== 'object' || (raw as SavedSketch).v !== 1 || !Array.isArray((raw as SavedSketch).strokes)) return [];
  const out: Stroke[] = [];
  for (const s of (raw as SavedSketch).strokes) {
    if (!Array.isArray(s) || s.length < 2 || s.length % 2 !== 0) continue;
    if (!s.every((v) => typeof v === 'number' && Number.isFinite(v))) continue;
    const stroke: Stroke = [];
    for (let i = 0; i < s.length; i += 2) stroke.push(clampPoint({ x: s[i] / Q, y: s[i + 1] / Q }));
    out.push(stroke);
  }
  return out;
}

export type Segment =
  | { op: 'dot'; x: number; y: number }
  | { op: 'move'; x: number; y: number }
  | { op: 'line'; x: number; y: number }
  | { op: 'quad'; cx: number; cy: number; x: number; y: number };

/**
 * Path for one stroke: a dot for a tap; otherwise straight to the first midpoint, quadratic curves with each
 * sampled point as control point and the midpoints as ends (C¹-continuous), straight to the last point.
 */
export function strokePath(s: Stroke): Segment[] {
  if (s.length === 0) return [];
  if (s.length === 1) return [{ op: 'dot', x: s[0].x, y: s[0].y }];
  const segs: Segment[] = [{ op: 'move', x: s[0].x, y: s[0].y }];
  if (s.length === 2) return [...segs, { op: 'line', x: s[1].x, y: s[1].y }];
  segs.push({ op: 'line', x: (s[0].x + s[1].x) / 2, y: (s[0].y + s[1].y) / 2 });
  for (let i = 1; i < s.length - 1; i++) {
    segs.push({ op: 'quad', cx: s[i].x, cy: s[i].y, x: (s[i].x + s[i + 1].x) / 2, y: (s[i].y + s[i + 1].y) / 2 });
  }
  const last = s[s.length - 1];
  segs.push({ op: 'line', x: last.x, y: last.y });
  return segs;
}

/** Draws strokes on a `size`×`size` context (canvas or OffscreenCanvas) with round caps and joins. */
export function drawStrokes(
  ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D,
  strokes: readonly Stroke[],
  size: number,
  ink: number,
  color: string,
): void {
  const width = ink * size;
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = width;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const s of strokes) {
    ctx.beginPath();
    for (const g of strokePath(s)) {
      if (g.op === 'dot') {
        ctx.arc(g.x * size, g.y * size, width / 2, 0, Math.PI * 2);
        ctx.fill();
      } else if (g.op === 'move') ctx.moveTo(g.x * size, g.y * size);
      else if (g.op === 'line') ctx.lineTo(g.x * size, g.y * size);
      else ctx.quadraticCurveTo(g.cx * size, g.cy * size, g.x * size, g.y * size);
    }
    if (s.length > 1) ctx.stroke();
  }
}
