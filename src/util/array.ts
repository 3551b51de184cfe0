/** Index of the largest of `len` values from `offset` (the first on ties). */
export function argmax(a: ArrayLike<number>, offset = 0, len = a.length - offset): number {
  let best = 0;
  for (let i = 1; i < len; i++) if (a[offset + i] > a[offset + best]) best = i;
  return best;
}
