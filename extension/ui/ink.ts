/**
 * Is there enough ink on the pad to be a digit? A dot, a tick or a few stray specks pass preprocessing (they do
 * stand out from the background) and the models then read them as a confident "0" or "1": the pad calls them blank.
 * The rule is the pad's, not the library's, because it knows the pen: a digit is at least a short stroke of the
 * pen's width. Pure (unit-tested).
 */

/** The shortest stroke that can be a digit (a small "1"), as a fraction of the pad. */
export const MIN_STROKE = 0.2;

/**
 * `gray`: the pad rasterised (side × side, ink 1 on 0); `ink`: the pen's width as a fraction of the pad. Returns
 * why the ink is no digit, or null if it may be one.
 */
export function tooLittleInk(gray: ArrayLike<number>, side: number, ink: number): string | null {
  let area = 0;
  let x0 = side, y0 = side, x1 = -1, y1 = -1;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = gray[y * side + x];
      if (v <= 0.5) continue;
      area += v;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (x1 < 0) return null; // nothing at all: the plain blank state
  const span = Math.max(x1 - x0 + 1, y1 - y0 + 1) / side;
  // Ink of one stroke MIN_STROKE long; a dot or a few specks have less however far apart they lie.
  const enough = ink * MIN_STROKE * side * side;
  if (span < MIN_STROKE) return 'That mark is too small to be a digit.';
  if (area < enough) return 'A few dots are not a digit.';
  return null;
}
