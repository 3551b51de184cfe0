/**
 * Live analysis while drawing: at most one analysis in flight, one per frame, always of the newest sketch
 * (LatestOnly). The sketch is rasterised and preprocessed here (preprocessGray, the fast path made for this pad),
 * so the worker only runs the models; the ink's box tells where the 28×28 input lies on the pad.
 */
import type { AnalyzeOptions, AnalyzeResult, SeeingDigitsApi } from '../../worker/api.ts';
import { preprocessGray } from '../../src/preprocess/mnist.ts';
import type { SketchPad } from './pad.ts';
import { inputRectInSource } from '../shared/saliency.ts';
import { tooLittleInk } from './ink.ts';
import { LatestOnly } from './scheduler.ts';
import type { Box } from '../shared/geometry.ts';

/** The library's messages speak of images; on the pad the user can only draw, undo or clear. */
const PAD_MESSAGES: Partial<Record<string, string>> = {
  'several-digits': 'That looks like more than one digit.',
};

/** Raster side for preprocessing: the digit becomes 20×20, so ~100 px of ink is plenty. */
export const RASTER = 140;

export interface Analysis {
  result: Extract<AnalyzeResult, { ok: true }>;
  /** Where the 28×28 input grid lies on the pad, in pad units (0..1); null if unknown. */
  inputRect: Box | null;
  /** From the start of this analysis (raster + preprocess + worker + transfer), ms. */
  roundTrip: number;
}

export interface LiveHandlers {
  api(): Promise<SeeingDigitsApi>;
  /** The engine in the page itself, when there is one (see EngineSession.inPage). */
  inPage?(): SeeingDigitsApi | null;
  options(): AnalyzeOptions;
  /** The pen's width as a fraction of the pad. */
  ink(): number;
  onResult(a: Analysis): void;
  /** Nothing to analyse: empty pad, or ink too small / faint to be a digit (message says which). */
  onBlank(message?: string): void;
  onError(e: unknown): void;
  /** Several digits side by side: the number (large) and what each model reads. */
  onNumber(number: string, detail: string): void;
}

export class LiveAnalysis {
  private readonly scheduler = new LatestOnly(() => this.run());
  /** The next run is a click's answer: on the in-page engine when there is one. */
  private inPage = false;

  constructor(private readonly pad: SketchPad, private readonly h: LiveHandlers) {}

  /**
   * `now`: skip the wait for the next frame (stroke ended, undo, clear). `inPage`: the answer to a click, which
   * should be on screen in the next frame: run it on the page's own engine if it has one (LiveHandlers.inPage).
   */
  request(now = false, inPage = false): void {
    this.inPage ||= inPage;
    this.scheduler.request(now);
  }

  /**
   * The API for this run: the in-page engine for a click's answer when there is one, else the worker. Taken when
   * the run starts, asked for only where the run needs it (inside its try: a failed engine rejects).
   */
  private takeApi(): () => Promise<SeeingDigitsApi> {
    const inPage = this.inPage;
    this.inPage = false;
    return async () => (inPage && this.h.inPage?.()) || this.h.api();
  }

  private async run(): Promise<void> {
    const t0 = performance.now();
    const api = this.takeApi();
    if (this.pad.digit) return this.runDigit(this.pad.digit, t0, api);
    if (this.pad.sketch.isEmpty) return this.h.onBlank();
    const gray = this.pad.raster(RASTER);
    const scribble = tooLittleInk(gray, RASTER, this.h.ink());
    if (scribble) return this.h.onBlank(scribble);
    const pre = preprocessGray(gray, RASTER, RASTER, { polarity: 'light-on-dark' });
    if (!pre.ok && pre.reason === 'several-digits') return this.readNumber(gray, api);
    if (!pre.ok) return this.h.onBlank(pre.reason === 'blank' ? undefined : PAD_MESSAGES[pre.reason] ?? pre.message);
    try {
      const result = await (await api()).analyze({ kind: 'mnist', pixels: pre.pixels }, this.h.options());
      // Cleared while this ran: the follow-up run shows the blank state; don't flash an old result first.
      if (this.pad.isBlank || this.pad.digit) return;
      if (!result.ok) return this.h.onBlank(result.message);
      const rect = inputRectInSource(result.input, pre.bbox);
      const inputRect = rect && { x: rect.x / RASTER, y: rect.y / RASTER, width: rect.width / RASTER, height: rect.height / RASTER };
      this.h.onResult({ result, inputRect, roundTrip: performance.now() - t0 });
    } catch (e) {
      this.h.onError(e);
    }
  }

  /** A test digit is already a model input: it fills the pad, so the input grid is the whole pad. */
  private async runDigit(pixels: Float32Array, t0: number, api: () => Promise<SeeingDigitsApi>): Promise<void> {
    try {
      const result = await (await api()).analyze({ kind: 'mnist', pixels: pixels.slice() }, this.h.options());
      if (this.pad.digit !== pixels) return; // replaced or cleared meanwhile
      if (!result.ok) return this.h.onBlank(result.message);
      this.h.onResult({ result, inputRect: { x: 0, y: 0, width: 1, height: 1 }, roundTrip: performance.now() - t0 });
    } catch (e) {
      this.h.onError(e);
    }
  }

  /** Several digits side by side: the worker reads the row (src/preprocess/row.ts) and names the number. */
  private async readNumber(gray: Float32Array, api: () => Promise<SeeingDigitsApi>): Promise<void> {
    const data = new Uint8ClampedArray(gray.length * 4);
    for (let i = 0; i < gray.length; i++) {
      data.fill(Math.round(gray[i] * 255), 4 * i, 4 * i + 3);
      data[4 * i + 3] = 255;
    }
    try {
      const r = await (await api()).analyze({ kind: 'image', image: { width: RASTER, height: RASTER, data } }, { models: this.h.options().models });
      if (this.pad.sketch.isEmpty) return;
      if (!r.ok || !r.number) return this.h.onBlank(r.ok ? 'one digit at a time, or several side by side' : r.message);
      const { byModel } = r.number;
      this.h.onNumber(byModel.cnn ?? Object.values(byModel)[0] ?? '', Object.entries(byModel).map(([id, n]) => `${id.toUpperCase()} ${n}`).join(' · '));
    } catch (e) {
      this.h.onError(e);
    }
  }
}
