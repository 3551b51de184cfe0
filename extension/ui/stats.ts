/** Small statistics over a model's output distribution. */

/** Shannon entropy of a distribution, in bits (0: certain, log2 10 ≈ 3.32: uniform over ten digits). */
export function entropyBits(p: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0) e -= p[i] * Math.log2(p[i]);
  return e;
}

/** The two most probable classes. */
export function topTwo(p: ArrayLike<number>): [number, number] {
  let a = 0;
  let b = -1;
  for (let i = 1; i < p.length; i++) {
    if (p[i] > p[a]) [a, b] = [i, a];
    else if (b < 0 || p[i] > p[b]) b = i;
  }
  return [a, b < 0 ? a : b];
}
