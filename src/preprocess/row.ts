/**
 * Reading a row of digits ("1973"): the ink laid out into digits (segment.ts), wide groups cut where digits touch
 * (cut.ts), every digit then through the same MNIST-style normalisation as a single digit (mnist.ts).
 *
 * A cut is kept only if the models read both halves confidently — more confidently than the whole — so a wide 0 or
 * a sprawling 2 stays one digit. The models come in as a `score` callback (the confidence of a 28×28 input), keeping
 * this module free of engines. Without one, nothing is cut: touching digits are read as one.
 *
 * One digit is read bit for bit as preprocess() reads it.
 */
import { locateInk, locateInkGray, resampleInk, type Failure, type PreprocessOptions } from './mnist.ts';
import { centreInto, SIDE } from './resample.ts';
import { layoutRow, MAX_DIGITS, pieceBox, type Piece, type RowLayout } from './segment.ts';
import { cutCandidates } from './cut.ts';
import { workspace } from './workspace.ts';
import type { Preprocessed, RgbaImage } from './types.ts';

/** The models' confidence in [0, 1] that a 28×28 input is a digit (e.g. the top probability). */
export type Score = (pixels: Float32Array) => number | Promise<number>;

export interface ReadRowOptions {
  polarity?: PreprocessOptions['polarity'];
  score?: Score;
}

export type Digit = Extract<Preprocessed, { ok: true }>;

export type RowRead = { ok: true; digits: Digit[] } | Failure;

/** Groups narrower than this (× the row's height) are never cut: a single digit is rarely wider than tall. */
export const CUT_MIN_WIDTH = 0.8;
/** Each half of a cut must be read at least this confidently… */
export const HALF_CONFIDENCE = 0.6;
/** …and (the worse half) by this much more than the whole, unless the group is too wide for one digit. */
export const CUT_GAIN = 0.1;
/** Wider than this (× the row's height), a group is two digits or more: cut at the best seam anyway. */
export const WIDE = 1.6;
/** A half must be this tall (× the row's height) to be a digit. */
const HALF_HEIGHT = 0.4;

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

async function read(layout: RowLayout | Failure, opts: ReadRowOptions): Promise<RowRead> {
  if (!layout.ok) return layout;
  const digits: Digit[] = [];
  for (const piece of layout.pieces) {
    for (const d of await readPiece(layout, piece, opts.score, 0)) {
      if (!d) return { ok: false, reason: 'blank', message: 'the image is blank: the ink vanished when scaled' };
      digits.push({ ...d, polarity: opts.polarity ?? d.polarity });
    }
  }
  if (digits.length > MAX_DIGITS) {
    return { ok: false, reason: 'several-digits', message: `the image seems to hold ${digits.length} digits in a row; Seeing Digits reads up to ${MAX_DIGITS}, so crop a shorter part` };
  }
  return { ok: true, digits };
}

/** A piece as one digit, or cut into several when the models agree it is several. */
async function readPiece(layout: RowLayout, piece: Piece, score: Score | undefined, depth: number): Promise<(Digit | null)[]> {
  const whole = normalise(layout, piece);
  const H = layout.height;
  if (!score || !whole || piece.w < CUT_MIN_WIDTH * H || depth >= MAX_DIGITS) return [whole];
  const sWhole = await score(whole.pixels);
  let best: { s: number; halves: [Piece, Piece] } | undefined;
  for (const halves of cutCandidates(piece, H)) {
    if (halves.some((p) => p.h < HALF_HEIGHT * H)) continue;
    const [l, r] = halves.map((p) => normalise(layout, p));
    if (!l || !r) continue;
    const s = Math.min(await score(l.pixels), await score(r.pixels));
    if (!best || s > best.s) best = { s, halves };
  }
  if (!best || !(best.s >= HALF_CONFIDENCE && (best.s >= sWhole + CUT_GAIN || piece.w > WIDE * H))) return [whole];
  const [l, r] = best.halves;
  return [...(await readPiece(layout, l, score, depth + 1)), ...(await readPiece(layout, r, score, depth + 1))];
}

/** The single-digit normalisation (mnist.ts) of one piece: its box, resampled and centred. */
function normalise(layout: RowLayout, p: Piece): Digit | null {
  const ws = workspace(p.w, p.h);
  ws.crop.set(p.ink);
  const { bw, bh } = resampleInk(ws, p.w, p.h, 1 / layout.level);
  const pixels = new Float32Array(SIDE * SIDE);
  if (!centreInto(ws.box, bw, bh, pixels)) return null;
  let count = 0;
  for (let i = 0; i < p.ink.length; i++) if (p.ink[i] !== 0) count++;
  return { ok: true, pixels, polarity: layout.polarity, bbox: pieceBox(layout.sig, p), inkFraction: count / (layout.sig.w * layout.sig.h) };
}
