/**
 * The drawing pad: Pointer Events (mouse, touch, pen alike) with pointer capture, so a stroke continues outside
 * the canvas, and coalesced events, so fast strokes keep every sample the hardware delivered between frames.
 * One pointer at a time (a resting palm or second finger does not start a second stroke).
 */
import { drawStrokes, Sketch, type Point, type Stroke } from './stroke.ts';

export type PadChange = 'draw' | 'end' | 'undo' | 'clear' | 'load' | 'digit';

export interface PadOptions {
  /** Ink width as a fraction of the pad. */
  ink: () => number;
  onChange: (why: PadChange) => void;
}

export class SketchPad {
  readonly sketch = new Sketch();
  /** A loaded test digit (28×28, ink 1 on 0) shown instead of strokes; the next stroke replaces it. */
  digit: Float32Array | null = null;
  private digitCanvas: HTMLCanvasElement | null = null;
  private pointerId: number | null = null;
  private rect: DOMRect | null = null;
  private framePending = false;
  private inkColor = '#111';
  private rasterCanvas: OffscreenCanvas | null = null;

  constructor(readonly canvas: HTMLCanvasElement, private readonly opts: PadOptions) {
    canvas.style.touchAction = 'none';
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', (e) => this.up(e, false));
    canvas.addEventListener('pointercancel', (e) => this.up(e, true));
    canvas.addEventListener('lostpointercapture', (e) => this.up(e, false));
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
  }

  /** Reads the ink colour from the canvas' CSS (`color`), e.g. after a theme change. */
  restyle(): void {
    this.inkColor = getComputedStyle(this.canvas).color || '#111';
    this.redraw();
  }

  /** Nothing on the pad: no strokes and no test digit. */
  get isBlank(): boolean {
    return this.sketch.isEmpty && !this.digit;
  }

  /** Shows a 28×28 digit (a test digit) filling the pad, in place of the sketch. */
  showDigit(pixels: Float32Array): void {
    this.sketch.clear();
    this.pointerId = null;
    this.digit = pixels;
    this.changed('digit');
  }

  load(strokes: Stroke[]): void {
    this.sketch.clear();
    for (const s of strokes) {
      this.sketch.begin(s[0]);
      this.sketch.extend(s.slice(1));
      this.sketch.end();
    }
    this.changed('load');
  }

  undo(): void {
    if (this.digit && this.sketch.isEmpty) return this.clear();
    if (this.sketch.undo()) {
      this.pointerId = null;
      this.changed('undo');
    }
  }

  clear(): void {
    this.digit = null;
    this.sketch.clear();
    this.pointerId = null;
    this.changed('clear');
  }

  /** The sketch rasterised for the models: `size`×`size` gray in [0, 1], light ink on black. */
  raster(size: number): Float32Array {
    if (!this.rasterCanvas || this.rasterCanvas.width !== size) this.rasterCanvas = new OffscreenCanvas(size, size);
    const ctx = this.rasterCanvas.getContext('2d', { willReadFrequently: true })!;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, size, size);
    drawStrokes(ctx, this.sketch.strokes, size, this.opts.ink(), '#fff');
    const rgba = ctx.getImageData(0, 0, size, size).data;
    const gray = new Float32Array(size * size);
    for (let i = 0; i < gray.length; i++) gray[i] = rgba[i * 4] / 255;
    return gray;
  }

  /** Redraws at the next frame (several changes in one frame draw once). */
  redraw(): void {
    if (this.framePending) return;
    this.framePending = true;
    requestAnimationFrame(() => {
      this.framePending = false;
      const ctx = this.canvas.getContext('2d')!;
      ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
      if (this.digit) this.drawDigit(ctx, this.digit);
      drawStrokes(ctx, this.sketch.strokes, this.canvas.width, this.opts.ink(), this.inkColor);
    });
  }

  /** The digit in the ink colour, alpha = intensity, smoothed up to the pad's size. */
  private drawDigit(ctx: CanvasRenderingContext2D, pixels: Float32Array): void {
    const side = Math.round(Math.sqrt(pixels.length));
    const c = (this.digitCanvas ??= document.createElement('canvas'));
    c.width = c.height = side;
    const sctx = c.getContext('2d')!;
    sctx.fillStyle = this.inkColor;
    sctx.fillRect(0, 0, side, side);
    const img = sctx.getImageData(0, 0, side, side);
    for (let i = 0; i < pixels.length; i++) img.data[i * 4 + 3] = Math.round(pixels[i] * 255);
    sctx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(c, 0, 0, this.canvas.width, this.canvas.height);
  }

  private resize(): void {
    const dpr = globalThis.devicePixelRatio || 1;
    const side = Math.round(this.canvas.clientWidth * dpr);
    if (side > 0 && side !== this.canvas.width) {
      this.canvas.width = side;
      this.canvas.height = side;
      this.redraw();
    }
  }

  /** When the last stroke ended: the pointerup's own timestamp (the performance.now() clock), not the handler's. */
  endedAt = 0;

  private changed(why: PadChange): void {
    this.redraw();
    this.opts.onChange(why);
  }

  private point(e: PointerEvent): Point {
    const r = (this.rect ??= this.canvas.getBoundingClientRect());
    return { x: (e.clientX - r.left) / r.width, y: (e.clientY - r.top) / r.height };
  }

  private down(e: PointerEvent): void {
    if (this.pointerId !== null || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    this.pointerId = e.pointerId;
    this.canvas.setPointerCapture(e.pointerId);
    this.rect = this.canvas.getBoundingClientRect();
    this.digit = null; // drawing starts a sketch of the user's own
    this.sketch.begin(this.point(e));
    this.changed('draw');
  }

  private move(e: PointerEvent): void {
    if (e.pointerId !== this.pointerId || !this.sketch.drawing) return;
    const events = e.getCoalescedEvents?.() ?? [];
    if (this.sketch.extend((events.length ? events : [e]).map((ev) => this.point(ev)))) this.changed('draw');
  }

  private up(e: PointerEvent, cancelled: boolean): void {
    if (e.pointerId !== this.pointerId) return;
    this.endedAt = e.timeStamp;
    this.pointerId = null;
    this.rect = null;
    if (!this.sketch.drawing) return;
    if (cancelled) return (this.sketch.cancel(), this.changed('end'));
    // Ending a stroke changes nothing drawn: no redraw. A frame requested here would make Chromium hold the
    // worker's answer to this stroke until that frame is painted (it defers tasks after input while a frame is
    // pending), so the answer could only show a frame later.
    this.sketch.end();
    this.opts.onChange('end');
  }
}
