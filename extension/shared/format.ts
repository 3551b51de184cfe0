/** Numbers as the extension prints them, everywhere (popup, explorer, page panel). */

/** A probability as people read it: never "100%" for a model that is merely very sure, never "0%" for a small chance. */
export const pct = (p: number): string =>
  p >= 0.995 && p < 1 ? '>99%' : p < 0.005 && p > 0 ? '<1%' : `${Math.round(p * 100)}%`;

/** A signed value with a real minus sign; values that round to 0 print as "0". */
export const fmt = (v: number, digits = 2): string => (Math.abs(v) < 10 ** -digits / 2 ? '0' : v.toFixed(digits)).replace('-', '−');
