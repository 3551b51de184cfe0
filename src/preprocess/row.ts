/**
 * Reading a row of digits ("1973"): the ink laid out into digits (segment.ts), wide groups cut where digits touch
 * (cut.ts), every digit then through the same MNIST-style normalisation as a single digit (mnist.ts).
 *
 * A cut is kept only if the models read the pieces confidently — more confidently than the whole — so a wide 0 or
 * a sprawling 2 stays one digit (see CutRule). The models come in as a `score` callback (the confidence of a 28×28
 * input), keeping this module free of engines. Without one, nothing is cut: touching digits are read as one.
 *
 * One digit is read bit for bit as preprocess() reads it.
 */
import { locateInk, locateInkGray, resampleInk, type Failure, type PreprocessOptions } from './mnist.ts';
import { centreInto, SIDE } from './resample.ts';
import { layoutRow, MAX_DIGITS, pieceBox, type Piece, type RowLayout } from './segment.ts';
import { between, seams } from './cut.ts';
import { workspace } from './workspace.ts';
import type { Preprocessed, RgbaImage } from './types.ts';

/** The models' confidence in [0, 1] that a 28×28 input is a digit (e.g. the top probability). */
export type Score = (pixels: Float32Array) => number | Promise<number>;

export interface ReadRowOptions {
  polarity?: PreprocessOptions['polarity'];
  score?: Score;
  /** For experiments; CUT_RULE by default. */
  rule?: CutRule;
}

export type Digit = Extract<Preprocessed, { ok: true }>;

export type RowRead = { ok: true; digits: Digit[] } | Failure;

/**
 * When a group of ink is read as several digits (tuned on generated numbers of seed 1, see `seeing-digits numbers`).
 * A reading costs −Σ log(confidence) over its digits plus `penalty` for each digit beyond the first, so cutting
 * one confident digit into two confident halves never pays, while a touching pair read as one doubtful digit does.
 */
export interface CutRule {
  /** Groups narrower than this × the row's height are one digit (a row of one group: `minWidthAlone`). */
  minWidth: number;
  minWidthAlone: number;
  /** A piece wider than this × the row's height is not one digit (the whole group excepted). */
  maxDigitWidth: number;
  /** …nor one shorter than this (in a row of one group: `minDigitHeightAlone`, as a pair's digits are both tall). */
  minDigitHeight: number;
  minDigitHeightAlone: number;
  penalty: number;
  /**
   * In a row of several groups, where the row's height is known: a digit wider than `wideFrom` × the row's height
   * costs `widthCost` per row height beyond (a touching pair read confidently as one wide digit, e.g. "66" as 0).
   */
  wideFrom: number;
  widthCost: number;
  /** The same for a row of one group, relative to its own height: only a very wide group is doubtful. */
  wideFromAlone: number;
  widthCostAlone: number;
  /** Candidate seams per row height of width. */
  seamDensity: number;
  /** Neighbouring cut digits may overlap side to side by this fraction of the narrower one's width. */
  maxOverlap: number;
}

export const CUT_RULE: CutRule = {
  minWidth: 0.8,
  minWidthAlone: 1.0,
  maxDigitWidth: 1.3,
  minDigitHeight: 0.4,
  minDigitHeightAlone: 0.6,
  penalty: 0.3,
  wideFrom: 0.95,
  widthCost: 4,
  wideFromAlone: 1.3,
  widthCostAlone: 1,
  seamDensity: 3,
  maxOverlap: 0.4,
};

export async function readRow(img: RgbaImage, opts: ReadRowOptions = {}): Promise<RowRead> {
  const found = locateInk(img, { polarity: opts.polarity });
  if (!('sig' in found)) return found;
  return read(layoutRow(found), opts);
}

export async function readRowGray(gray: Float32Array, w: number, h: number, opts: ReadRowOptions = {}): Promise<RowRead> {
  const found = locateInkGray(gray, w, h, { polarity: opts.polarity });
  if (!('sig' in found)) return found;
  return read(layoutRow(found), opts);
}

/** The row's height: its median group's (one tall or short digit does not set it), or its only group's. */
function rowHeight(layout: RowLayout): number {
  const hs = layout.pieces.map((p) => p.h).sort((a, b) => a - b);
  return hs[hs.length >> 1];
}

async function read(layout: RowLayout | Failure, opts: ReadRowOptions): Promise<RowRead> {
  if (!layout.ok) return layout;
  const found = opts.score
    ? await bestReading(layout, opts.score, opts.rule ?? CUT_RULE)
    : layout.pieces.map((p) => normalise(layout, p));
  const digits: Digit[] = [];
  for (const d of found) {
    if (!d) return { ok: false, reason: 'blank', message: 'the image is blank: the ink vanished when scaled' };
    digits.push({ ...d, polarity: opts.polarity ?? d.polarity });
  }
  if (digits.length > MAX_DIGITS) {
    return { ok: false, reason: 'several-digits', message: `the image seems to hold ${digits.length} digits in a row; Seeing Digits reads up to ${MAX_DIGITS}, so crop a shorter part` };
  }
  return { ok: true, digits };
}

/**
 * Each group as one digit, or cut into several: seams through it (cut.ts), and over them the reading of least cost
 * by dynamic programming, left to right (the best reading up to each seam). Digits never span two groups: the
 * layout already joined the strokes of one digit, and a classifier asked whether "71" is one digit says 7.
 */
async function bestReading(layout: RowLayout, score: Score, rule: CutRule): Promise<(Digit | null)[]> {
  const H = rowHeight(layout);
  const out: (Digit | null)[] = [];
  for (const piece of layout.pieces) out.push(...(await readPiece(layout, piece, score, H, rule)));
  return out;
}

async function readPiece(layout: RowLayout, piece: Piece, score: Score, H: number, rule: CutRule): Promise<(Digit | null)[]> {
  const whole = normalise(layout, piece);
  const alone = layout.pieces.length === 1;
  if (!whole || piece.w < (alone ? rule.minWidthAlone : rule.minWidth) * H) return [whole];
  const bounds = [undefined, ...seams(piece, H, Math.min(40, Math.ceil((rule.seamDensity * piece.w) / H) + 1)), undefined];
  const n = bounds.length - 1;
  if (n === 1) return [whole];
  /** The digit between bounds i and j, and its cost; null if that is no digit. */
  const segment = async (i: number, j: number): Promise<{ digit: Digit; cost: number } | null> => {
    let d: Digit | null = null;
    if (i === 0 && j === n) d = whole;
    else {
      const p = between(piece, bounds[i], bounds[j]);
      if (p && p.h >= (alone ? rule.minDigitHeightAlone : rule.minDigitHeight) * H && p.w <= rule.maxDigitWidth * H) d = normalise(layout, p);
    }
    if (!d) return null;
    const wr = d.bbox.width / layout.sig.k / H;
    const wide = alone ? rule.widthCostAlone * Math.max(0, wr - rule.wideFromAlone) : rule.widthCost * Math.max(0, wr - rule.wideFrom);
    return { digit: d, cost: -Math.log(Math.max(1e-6, await score(d.pixels))) + wide };
  };
  const best: { cost: number; from: number; digit?: Digit }[] = [{ cost: 0, from: -1 }];
  for (let j = 1; j <= n; j++) {
    best[j] = { cost: Infinity, from: -1 };
    // A digit spans at most MAX_SPAN seams; the whole group is always a candidate, so the end is always reached.
    const from = Array.from({ length: Math.min(j, MAX_SPAN) }, (_, k) => j - 1 - k);
    if (j === n && !from.includes(0)) from.push(0);
    for (const i of from) {
      if (best[i].cost === Infinity) continue;
      const sg = await segment(i, j);
      if (!sg || tooOverlapped(best[i].digit, sg.digit, rule)) continue;
      const c = best[i].cost + sg.cost + (i > 0 ? rule.penalty : 0);
      if (c < best[j].cost) best[j] = { cost: c, from: i, digit: sg.digit };
    }
  }
  const out: Digit[] = [];
  for (let j = n; j > 0; j = best[j].from) out.unshift(best[j].digit!);
  return out;
}

/** Two neighbours whose boxes overlap side to side by more than `maxOverlap` of the narrower are one digit cut up. */
function tooOverlapped(a: Digit | undefined, b: Digit, rule: CutRule): boolean {
  if (!a) return false;
  const o = Math.min(a.bbox.x + a.bbox.width, b.bbox.x + b.bbox.width) - Math.max(a.bbox.x, b.bbox.x);
  return o > rule.maxOverlap * Math.min(a.bbox.width, b.bbox.width);
}

/** A digit spans at most this many seams. */
const MAX_SPAN = 8;

/** The single-digit normalisation (mnist.ts) of one piece: its box, resampled and centred. */
export function normalise(layout: RowLayout, p: Piece): Digit | null {
  const ws = workspace(p.w, p.h);
  ws.crop.set(p.ink);
  const { bw, bh } = resampleInk(ws, p.w, p.h, 1 / layout.level);
  const pixels = new Float32Array(SIDE * SIDE);
  if (!centreInto(ws.box, bw, bh, pixels)) return null;
  let count = 0;
  for (let i = 0; i < p.ink.length; i++) if (p.ink[i] !== 0) count++;
  return { ok: true, pixels, polarity: layout.polarity, bbox: pieceBox(layout.sig, p), inkFraction: count / (layout.sig.w * layout.sig.h) };
}
