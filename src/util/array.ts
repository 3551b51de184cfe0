/** Index of the largest of `len` values from `offset` (the first on ties). */
export function argmax(a: ArrayLike<number>, offset = 0, len = a.length - offset): number {
  let best = 0;
  for (let i = 1; i < len; i++) if (a[offset + i] > a[offset + best]) best = i;
  return best;
}

/** The arrays end to end in one new Float32Array. */
export function concatF32(arrays: readonly Float32Array[]): Float32Array<ArrayBuffer> {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}
