/**
 * Colour maps as 256-entry RGBA lookup tables, so painting a 28×28 map or 128 neurons is one table read per value.
 * One colour language across the UI: warm = positive, cool = negative, neutral = zero. The neutral is the page's
 * surface colour (white paper in light mode, near-black in dark mode) so quiet neurons fade into the page.
 */
export type Lut = Uint8ClampedArray;
export type Theme = 'light' | 'dark';

type Stop = [t: number, hex: string];

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** A 256-entry RGBA table through `stops` (t ascending in [0, 1]), linear between stops, alpha 255. */
export function makeLut(stops: Stop[]): Lut {
  if (stops.length < 2 || stops[0][0] !== 0 || stops[stops.length - 1][0] !== 1) {
    throw new Error('makeLut: stops must start at t=0 and end at t=1');
  }
  const lut = new Uint8ClampedArray(256 * 4);
  let s = 0;
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    while (s < stops.length - 2 && t > stops[s + 1][0]) s++;
    const [t0, c0] = stops[s];
    const [t1, c1] = stops[s + 1];
    const f = t1 === t0 ? 0 : (t - t0) / (t1 - t0);
    const a = rgb(c0);
    const b = rgb(c1);
    for (let k = 0; k < 3; k++) lut[i * 4 + k] = Math.round(a[k] + (b[k] - a[k]) * f);
    lut[i * 4 + 3] = 255;
  }
  return lut;
}

// Diverging maps after ColorBrewer RdBu (light) and Crameri's "berlin" (dark, more saturated): lightness grows
// symmetrically with |v| away from the page colour, so strength reads the same for either sign.
const DIVERGING_STOPS: Record<Theme, Stop[]> = {
  light: [
    [0, '#053061'], [0.15, '#2166ac'], [0.3, '#4393c3'], [0.42, '#92c5de'], [0.5, '#f7f7f7'],
    [0.58, '#f4a582'], [0.7, '#d6604d'], [0.85, '#b2182b'], [1, '#67001f'],
  ],
  dark: [
    [0, '#7cc4ff'], [0.15, '#3f93e6'], [0.3, '#2a68ad'], [0.42, '#193a5e'], [0.5, '#14171c'],
    [0.58, '#4f2316'], [0.7, '#a3401f'], [0.85, '#e8663a'], [1, '#ffa474'],
  ],
};

const cache = new Map<string, Lut>();

/** Diverging map for values in [-1, 1] (index 0 = −1, 255 = +1). */
export function diverging(theme: Theme): Lut {
  const key = `div-${theme}`;
  let lut = cache.get(key);
  if (!lut) cache.set(key, (lut = makeLut(DIVERGING_STOPS[theme])));
  return lut;
}

/** Index into a LUT for `v` mapped linearly from [lo, hi] to [0, 255], clamped; NaN maps to the middle. */
export function lutIndex(v: number, lo: number, hi: number): number {
  const t = (v - lo) / (hi - lo);
  if (!(t === t)) return 128;
  return t <= 0 ? 0 : t >= 1 ? 255 : Math.round(t * 255);
}

/**
 * The range to paint a layer's values with: tanh layers use its fixed range −1..1 (so brightness means the same
 * across inputs); otherwise symmetric ±max|v| (non-negative ReLU outputs then use only the warm half).
 */
export function valueRange(values: ArrayLike<number>, activation?: string): [number, number] {
  if (activation === 'tanh') return [-1, 1];
  if (activation === 'sigmoid' || activation === 'softmax') return [-1, 1];
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > m) m = a;
  }
  return m > 0 ? [-m, m] : [-1, 1];
}

/** Ten class colours (Tableau 10), readable on light and dark surfaces. */
export const CLASS_COLORS = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
] as const;
