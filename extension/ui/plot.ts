/** Axis math for the explorer's plots: linear scales and "nice" tick values (1, 2, 5 × 10ⁿ). */

export interface Scale {
  (v: number): number;
  invert(p: number): number;
}

/** Maps [d0, d1] linearly onto [r0, r1] (a flipped range flips the axis, e.g. y up). */
export function linear(d0: number, d1: number, r0: number, r1: number): Scale {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const s = ((v: number) => r0 + (v - d0) * k) as Scale;
  s.invert = (p: number) => (k === 0 ? d0 : d0 + (p - r0) / k);
  return s;
}

/** About `count` evenly spaced round numbers within [lo, hi] (Heckbert, "Nice numbers for graph labels", 1990). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo) || count < 1) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : +v.toPrecision(12));
  return out;
}
