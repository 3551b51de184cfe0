import { mulberry32 } from '../../src/util/random.ts';

/** Seeded random numbers (mulberry32) so every test input is reproducible. */
export const rng = mulberry32;

export { randomArray } from '../../src/util/random.ts';

/** Largest |a − b| relative to max(1, |b|). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}
