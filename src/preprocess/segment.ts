/**
 * A row of digits, laid out: the kept ink components (components.ts) grouped into digits, in reading order.
 *
 *  - Lines: the components' vertical extents are merged into bands; two bands each at least LINE_MIN of the tallest
 *    component's height, one of them holding digits side by side, are two lines of text: refused, not guessed.
 *  - Digits: components at least BIG of the row's height are digit bodies; sorted by x, a body joins the digit before
 *    it when their horizontal extents overlap strongly (OVERLAP of the narrower one) or when one sits above the other
 *    (an 8 whose loops do not touch). Small components (a 5's loose top bar, the dots of a dotted or faint stroke)
 *    join the digit they overlap horizontally most, else the nearest one within NEAR of the row's height; further
 *    away, a tiny speck is dropped and anything larger is a mark that is not a digit (the point of "3.14", a dash):
 *    refused.
 *  - Touching digits stay one group here; row.ts tries cutting wide groups (cut.ts), checked by the models.
 *
 * A single group is the whole ink exactly as preprocess() crops it, so one digit is read bit for bit as before.
 */
import type { Box } from './components.ts';
import { cropInk, fail, sourceBox, type Failure, type Located, type Signal } from './mnist.ts';
import type { Polarity } from './types.ts';

/** Bodies: at least this fraction of the row's height. */
export const BIG = 0.5;
/** Bodies whose extents overlap by this fraction of the narrower one's width are one digit. */
export const OVERLAP = 0.5;
/** A small mark this close (fraction of the row's height) to a digit belongs to it. */
export const NEAR = 0.15;
/** A band of ink at least this fraction of the tallest component's height can be a line of its own. */
export const LINE_MIN = 0.5;
/** A small component away from the digits this large (× the row's height) is a mark, not a speck. */
export const MARK = 0.12;
/** Rows longer than this are refused: the popup's and the panel's layouts, and the issue, stop at 12. */
export const MAX_DIGITS = 12;

/** Ink in work-image coordinates with its own copy of the ink (distances, 0 elsewhere), row-major w × h. */
export interface Piece {
  x0: number;
  y0: number;
  w: number;
  h: number;
  ink: Float32Array;
}

export interface RowLayout {
  ok: true;
  /** Digits (or touching groups of digits) left to right. */
  pieces: Piece[];
  /** The row's height in work pixels: the kept ink's. */
  height: number;
  /** Full-ink level and polarity, measured over all the ink once, as for a single digit. */
  level: number;
  polarity: Polarity;
  /** For mapping boxes back to the source image. */
  sig: Signal;
}

const overlap = (a0: number, a1: number, b0: number, b1: number): number => Math.min(a1, b1) - Math.max(a0, b0);
const widthOf = (b: Box) => b.x1 - b.x0;
const heightOf = (b: Box) => b.y1 - b.y0;

/** Lays the found ink out as a row of digit pieces, or says why it is not one row of digits. */
export function layoutRow(found: Located): RowLayout | Failure {
  const { sig, ws, ink, high } = found;
  const { level, polarity } = cropInk(sig, ws, ink, high); // ws.crop: the kept ink over its bounding box
  const height = heightOf(ink);
  const lines = countLines(ink.parts);
  if (lines > 1) {
    return fail('several-digits', `the image seems to hold ${lines} lines of text; Seeing Digits reads one row of digits at a time, so crop one line`);
  }
  const groups = groupDigits(ink.parts, height);
  if ('message' in groups) return groups;
  if (groups.length > MAX_DIGITS) {
    return fail('several-digits', `the image seems to hold ${groups.length} digits in a row; Seeing Digits reads up to ${MAX_DIGITS}, so crop a shorter part`);
  }
  const base = { ok: true as const, height, level, polarity, sig };
  const cw = widthOf(ink), ch = height;
  if (groups.length === 1) return { ...base, pieces: [{ x0: ink.x0, y0: ink.y0, w: cw, h: ch, ink: ws.crop.slice(0, cw * ch) }] };
  // Which group each component's root label belongs to (-1: a far speck, dropped).
  const groupOf = new Map<number, number>();
  groups.forEach((g, gi) => g.members.forEach((j) => groupOf.set(ink.roots[j], gi)));
  const pieces = groups.map((g) => ({ x0: g.box.x0, y0: g.box.y0, w: widthOf(g.box), h: heightOf(g.box), ink: new Float32Array(widthOf(g.box) * heightOf(g.box)) }));
  const { labels, parent } = ws;
  for (let y = ink.y0; y < ink.y1; y++) {
    for (let x = ink.x0; x < ink.x1; x++) {
      const v = ws.crop[(y - ink.y0) * cw + (x - ink.x0)];
      if (v === 0) continue;
      const gi = groupOf.get(parent[labels[y * sig.w + x]]);
      if (gi === undefined) continue;
      const p = pieces[gi];
      p.ink[(y - p.y0) * p.w + (x - p.x0)] = v;
    }
  }
  return { ...base, pieces };
}

/** The source-image box of a piece. */
export function pieceBox(sig: Signal, p: Piece): { x: number; y: number; width: number; height: number } {
  return sourceBox(sig, { x0: p.x0, y0: p.y0, x1: p.x0 + p.w, y1: p.y0 + p.h });
}

/**
 * Lines of text: the components' vertical extents merged into bands (overlapping or adjacent ranges join). Bands
 * shorter than LINE_MIN of the tallest component are bars and dots of a digit, not lines. Two tall bands are two
 * lines only if one of them holds several columns: the two loops of a broken 8 are two bands of one column each.
 */
export function countLines(parts: Box[]): number {
  const byY = [...parts].sort((a, b) => a.y0 - b.y0);
  const bands: Box[][] = [];
  let end = -1;
  for (const p of byY) {
    if (bands.length && p.y0 <= end) bands[bands.length - 1].push(p);
    else bands.push([p]);
    end = Math.max(end, p.y1);
  }
  const tallest = Math.max(...parts.map(heightOf));
  const tall = bands.filter((b) => Math.max(...b.map((p) => p.y1)) - Math.min(...b.map((p) => p.y0)) >= LINE_MIN * tallest);
  if (tall.length < 2) return 1;
  return tall.some((b) => columns(b) > 1) ? tall.length : 1;
}

/** Columns of boxes: runs of horizontally overlapping boxes. */
function columns(boxes: Box[]): number {
  let n = 0, end = -Infinity;
  for (const b of [...boxes].sort((a, c) => a.x0 - c.x0)) {
    if (b.x0 >= end) n++;
    end = Math.max(end, b.x1);
  }
  return n;
}

interface Group {
  box: Box;
  /** Indices into the parts. */
  members: number[];
}

/** Digit bodies and the small marks that belong to them, left to right. */
export function groupDigits(parts: Box[], height: number): Group[] | Failure {
  const order = parts.map((_, j) => j).sort((a, b) => parts[a].x0 - parts[b].x0 || parts[a].x1 - parts[b].x1);
  const big = order.filter((j) => heightOf(parts[j]) >= BIG * height);
  const groups: Group[] = [];
  for (const j of big) {
    const p = parts[j], g = groups[groups.length - 1];
    if (g && sameDigit(g.box, p)) add(g, p, j);
    else groups.push({ box: { ...p }, members: [j] });
  }
  if (groups.length <= 1) return [{ box: union(parts), members: parts.map((_, j) => j) }];
  for (const j of order) {
    if (heightOf(parts[j]) >= BIG * height) continue;
    const p = parts[j];
    let best = -1, bestScore = -Infinity;
    for (let gi = 0; gi < groups.length; gi++) {
      // Overlap when positive, minus the gap when apart.
      const s = overlap(p.x0, p.x1, groups[gi].box.x0, groups[gi].box.x1);
      if (s > bestScore) [best, bestScore] = [gi, s];
    }
    if (bestScore > 0 || -bestScore <= NEAR * height) add(groups[best], p, j);
    else if (Math.max(widthOf(p), heightOf(p)) >= MARK * height) {
      return fail('several-digits', 'the image holds a mark that is not a digit between or beside the digits (a point, a dash, a letter?); Seeing Digits reads rows of digits only');
    }
  }
  return groups;
}

/** Two bodies are one digit when they overlap strongly side to side, or stack one above the other. */
function sameDigit(g: Box, p: Box): boolean {
  const ox = overlap(g.x0, g.x1, p.x0, p.x1);
  if (ox >= OVERLAP * Math.min(widthOf(g), widthOf(p))) return true;
  return ox > 0 && overlap(g.y0, g.y1, p.y0, p.y1) <= 0.25 * Math.min(heightOf(g), heightOf(p));
}

function add(g: Group, p: Box, j: number): void {
  g.members.push(j);
  g.box = union([g.box, p]);
}

function union(boxes: Box[]): Box {
  return {
    x0: Math.min(...boxes.map((b) => b.x0)),
    y0: Math.min(...boxes.map((b) => b.y0)),
    x1: Math.max(...boxes.map((b) => b.x1)),
    y1: Math.max(...boxes.map((b) => b.y1)),
  };
}
