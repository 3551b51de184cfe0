import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { preprocess, preprocessGray } from '../../src/preprocess/mnist.ts';
import type { Preprocessed, RgbaImage } from '../../src/preprocess/types.ts';
import { decodeImageBytes } from '../../src/image/decode-node.ts';
import {
  alignedCorr, ascii, centreOfMass, corr, digit, enlarge, inkBox, morph, paint, shrink, type Rgb,
} from '../helpers/digits.ts';
import { rng } from '../helpers/random.ts';

const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];
/** Test digits used throughout: the first 40 of the MNIST test set (every class several times). */
const DIGITS = Array.from({ length: 40 }, (_, k) => k);

type Ok = Extract<Preprocessed, { ok: true }>;

function ok(r: Preprocessed): Ok {
  if (!r.ok) throw new Error(`expected a digit, got ${r.reason}: ${r.message}`);
  return r;
}

/** What MNIST guarantees of every digit: longer side of the ink's box exactly 20, mass within 0.5 px of (14, 14). */
function expectMnistGeometry(px: Float32Array): void {
  const box = inkBox(px);
  expect(Math.max(box.width, box.height), ascii(px)).toBe(20);
  const c = centreOfMass(px);
  expect(Math.abs(c.x - 14), `centre x ${c.x}`).toBeLessThanOrEqual(0.5 + 1e-9);
  expect(Math.abs(c.y - 14), `centre y ${c.y}`).toBeLessThanOrEqual(0.5 + 1e-9);
  expect(Math.min(...px)).toBe(0);
  expect(Math.max(...px)).toBe(1);
}

/** Runs preprocess on each test digit made into an image by `make`; returns the aligned correlations. */
function roundTrip(make: (d: Float32Array) => RgbaImage, check?: (r: Ok) => void): number[] {
  return DIGITS.map((k) => {
    const d = digit(k);
    const r = ok(preprocess(make(d)));
    expectMnistGeometry(r.pixels);
    check?.(r);
    return alignedCorr(r.pixels, d);
  });
}

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;

describe('preprocess: MNIST digits come back as themselves', () => {
  it('dark on light, enlarged 10× (280×280): correlation > 0.9, mostly ~1', () => {
    const plain: number[] = [];
    const cs = roundTrip(
      (d) => paint(d, 28, 28, BLACK, WHITE, 10),
      (r) => {
        expect(r.polarity).toBe('dark-on-light');
        expect(r.bbox.width).toBeLessThanOrEqual(200);
        expect(r.bbox.height).toBeLessThanOrEqual(200);
      },
    );
    for (const k of DIGITS) plain.push(corr(ok(preprocess(paint(digit(k), 28, 28, BLACK, WHITE, 10))).pixels, digit(k)));
    expect(Math.min(...cs)).toBeGreaterThan(0.9);
    expect(mean(cs)).toBeGreaterThan(0.98);
    // Without the ±1 px alignment too, except the few whose centre of mass sits on a half pixel (rounded either way).
    expect(plain.filter((c) => c > 0.9).length).toBeGreaterThanOrEqual(DIGITS.length * 0.9);
  });

  it('light on dark, enlarged 7× (196×196)', () => {
    const cs = roundTrip((d) => paint(d, 28, 28, WHITE, BLACK, 7), (r) => expect(r.polarity).toBe('light-on-dark'));
    expect(Math.min(...cs)).toBeGreaterThan(0.9);
  });

  it('the digit off-centre in a wide image, only part of the page', () => {
    const cs = roundTrip((d) => {
      const page = new Float32Array(300 * 120);
      const big = enlarge(d, 28, 28, 84, 84);
      for (let y = 0; y < 84; y++) for (let x = 0; x < 84; x++) page[(y + 30) * 300 + x + 200] = big[y * 84 + x];
      return paint(page, 300, 120, BLACK, WHITE);
    });
    expect(Math.min(...cs)).toBeGreaterThan(0.9);
  });
});

describe('preprocess: colours, noise, compression', () => {
  it('dark blue ink on yellow paper, JPEG quality 70', () => {
    const cs = roundTrip((d) => {
      const img = paint(enlarge(d, 28, 28, 224, 224), 224, 224, [20, 30, 120], [240, 220, 120]);
      return decodeImageBytes(jpeg.encode({ ...img, data: img.data }, 70).data, 'jpeg');
    }, (r) => expect(r.polarity).toBe('dark-on-light'));
    expect(Math.min(...cs)).toBeGreaterThan(0.9);
  });

  it('red ink on blue, nearly the same luminance (colour distance, not gray)', () => {
    // Rec. 601 luma: red 81, blue 76: a grayscale conversion would see almost nothing.
    const cs = roundTrip((d) => paint(d, 28, 28, [200, 30, 30], [60, 60, 200], 8));
    expect(Math.min(...cs)).toBeGreaterThan(0.9);
  });

  it('camera-like noise (±12 levels) and a dozen dark specks away from the digit', () => {
    const cs = roundTrip((d) => {
      const img = paint(enlarge(d, 28, 28, 280, 280), 280, 280, [40, 40, 40], [200, 200, 200]);
      const r = rng(7);
      for (let i = 0; i < img.data.length; i += 4) {
        const n = Math.round((r() * 2 - 1) * 12);
        for (let c = 0; c < 3; c++) img.data[i + c] = Math.min(255, Math.max(0, img.data[i + c] + n));
      }
      for (let s = 0; s < 12; s++) {
        // Specks in the 30-pixel margin where MNIST has no ink.
        const x = Math.floor(r() * 280), y = r() < 0.5 ? Math.floor(r() * 20) : 260 + Math.floor(r() * 20);
        for (let c = 0; c < 3; c++) img.data[4 * (y * 280 + x) + c] = 0;
      }
      return img;
    });
    expect(Math.min(...cs)).toBeGreaterThan(0.9);
  });
});

describe('preprocess: stroke width', () => {
  // High-resolution strokes: bilinear 10× enlargement, thresholded, then shrunk or grown.
  const strokes = (r: number) => (d: Float32Array) => paint(morph(enlarge(d, 28, 28, 280, 280), 280, 280, 0.5, r), 280, 280, BLACK, WHITE);

  it('plain binary strokes (MNIST-like width)', () => {
    const cs = roundTrip(strokes(0));
    expect(Math.min(...cs)).toBeGreaterThan(0.9);
  });

  it('thin: strokes eroded by 4 px at 10× (about a third of MNIST width)', () => {
    const cs = roundTrip(strokes(-4));
    expect(mean(cs)).toBeGreaterThan(0.8);
    expect(Math.min(...cs)).toBeGreaterThan(0.6);
  });

  it('thick: strokes grown by 8 px at 10× (about twice MNIST width)', () => {
    const cs = roundTrip(strokes(8));
    expect(mean(cs)).toBeGreaterThan(0.8);
    expect(Math.min(...cs)).toBeGreaterThan(0.7);
  });

  it('a 1-pixel pen line reads as full-intensity ink, not a faint smudge', () => {
    // A "7" drawn with a 1 px line on a 400×400 canvas: shrunk ~17×, the line covers a fraction of each pixel.
    const w = 400;
    const g = new Float32Array(w * w);
    for (let x = 100; x <= 300; x++) g[60 * w + x] = 1;
    for (let t = 0; t <= 280; t++) g[Math.round(60 + t) * w + Math.round(300 - t * 0.5)] = 1;
    const r = ok(preprocessGray(g, w, w));
    expectMnistGeometry(r.pixels);
    expect(r.polarity).toBe('light-on-dark');
    // Most of the line's pixels are strong ink, as in MNIST.
    const visible = [...r.pixels].filter((v) => v > 0.1);
    expect(visible.filter((v) => v > 0.5).length / visible.length).toBeGreaterThan(0.5);
  });
});

describe('preprocess: sizes', () => {
  it('tiny: 12×12 (the digit about 9 px tall), enlarged smoothly', () => {
    const cs = roundTrip((d) => paint(shrink(d, 28, 28, 12, 12), 12, 12, BLACK, WHITE));
    expect(mean(cs)).toBeGreaterThan(0.8);
    expect(Math.min(...cs)).toBeGreaterThan(0.55);
  });

  it('huge: 4000×3000 with the digit 2000 px tall at (1500, 500)', () => {
    for (const k of [0, 1, 2]) {
      const d = digit(k);
      const big = enlarge(d, 28, 28, 2000, 2000);
      const data = new Uint8ClampedArray(4000 * 3000 * 4).fill(255);
      for (let y = 0; y < 2000; y++) {
        for (let x = 0; x < 2000; x++) {
          const p = 4 * ((y + 500) * 4000 + x + 1500);
          data[p] = data[p + 1] = data[p + 2] = Math.round(255 * (1 - big[y * 2000 + x]));
        }
      }
      const r = ok(preprocess({ width: 4000, height: 3000, data }));
      expectMnistGeometry(r.pixels);
      expect(alignedCorr(r.pixels, d)).toBeGreaterThan(0.9);
      // The reported box is in source pixels, inside the placed digit (its 4-pixel MNIST margin is empty).
      expect(r.bbox.x).toBeGreaterThanOrEqual(1500);
      expect(r.bbox.x + r.bbox.width).toBeLessThanOrEqual(3500);
      expect(r.bbox.y).toBeGreaterThanOrEqual(500);
      expect(Math.max(r.bbox.width, r.bbox.height)).toBeGreaterThan(1300);
    }
  });
});

describe('preprocess: transparency', () => {
  /** Ink as alpha: colour everywhere `rgb`, alpha = ink (how drawings and glyphs are usually saved). */
  const alphaInk = (d: Float32Array, rgb: Rgb): RgbaImage => {
    const img = paint(d, 28, 28, rgb, rgb, 9);
    const big = paint(d, 28, 28, WHITE, BLACK, 9);
    for (let i = 0; i < img.data.length; i += 4) img.data[i + 3] = big.data[i];
    return img;
  };

  it('black strokes on a transparent background (composited over white)', () => {
    const cs = roundTrip((d) => alphaInk(d, BLACK), (r) => expect(r.polarity).toBe('dark-on-light'));
    expect(Math.min(...cs)).toBeGreaterThan(0.9);
  });

  it('white strokes on a transparent background (composited over black)', () => {
    const cs = roundTrip((d) => alphaInk(d, WHITE), (r) => expect(r.polarity).toBe('light-on-dark'));
    expect(Math.min(...cs)).toBeGreaterThan(0.9);
  });

  it('an opaque picture with a transparent hole: the hole takes the paper colour, not ink', () => {
    const cs = roundTrip((d) => {
      const img = paint(d, 28, 28, BLACK, WHITE, 10);
      // Transparent black pixels in the empty top-left margin.
      for (let y = 0; y < 30; y++) for (let x = 0; x < 30; x++) img.data.fill(0, 4 * (y * 280 + x), 4 * (y * 280 + x) + 4);
      return img;
    });
    expect(Math.min(...cs)).toBeGreaterThan(0.9);
  });
});

describe('preprocess: blank and nearly blank', () => {
  const flat = (w: number, h: number, rgb: Rgb): RgbaImage => paint(new Float32Array(w * h), w, h, rgb, rgb);

  const expectBlank = (r: Preprocessed, why: RegExp): void => {
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe('blank');
    expect(r.message).toMatch(why);
  };

  it('white page, coloured page', () => {
    expectBlank(preprocess(flat(280, 280, WHITE)), /no contrast/);
    expectBlank(preprocess(flat(64, 48, [30, 120, 200])), /no contrast/);
  });

  it('faint noise only (±6 levels), JPEG-compressed', () => {
    const img = flat(200, 150, [128, 128, 128]);
    const r = rng(3);
    for (let i = 0; i < img.data.length; i += 4) for (let c = 0; c < 3; c++) img.data[i + c] += Math.round((r() * 2 - 1) * 6);
    expectBlank(preprocess(decodeImageBytes(jpeg.encode({ ...img, data: img.data }, 80).data)), /no contrast|noise/);
  });

  it('a few black noise pixels on white', () => {
    const img = flat(280, 280, WHITE);
    const r = rng(5);
    for (let s = 0; s < 15; s++) {
      const p = 4 * Math.floor(r() * 280 * 280);
      img.data.fill(0, p, p + 3);
    }
    let ink = 0;
    for (let i = 0; i < img.data.length; i += 4) if (img.data[i] === 0) ink++;
    expect(ink).toBeGreaterThan(0); // the specks are there…
    expectBlank(preprocess(img), /specks/); // …and are not a digit
  });

  it('a 2-pixel dot', () => {
    const g = new Float32Array(280 * 280);
    g[140 * 280 + 140] = g[140 * 280 + 141] = g[141 * 280 + 140] = g[141 * 280 + 141] = 1;
    expectBlank(preprocessGray(g, 280, 280), /nearly blank/);
  });
});

describe('preprocess: invalid and too large', () => {
  it('0 pixels, fractional or missing sizes, wrong data length', () => {
    const bad = [
      preprocess({ width: 0, height: 0, data: new Uint8Array(0) }),
      preprocess({ width: 2.5, height: 2, data: new Uint8Array(20) }),
      preprocess({ width: 3, height: 3, data: new Uint8Array(35) }),
      preprocess(undefined as unknown as RgbaImage),
      preprocessGray(new Float32Array(10), 3, 3),
      preprocessGray(new Float32Array(9), 3, 3, { out: new Float32Array(28) }),
    ];
    for (const r of bad) expect(r).toMatchObject({ ok: false, reason: 'invalid' });
    expect(bad[2]).toMatchObject({ message: 'the RGBA data has 35 values but a 3×3 image needs 36' });
  });

  it('over 40 megapixels is refused before reading the pixels', () => {
    const r = preprocess({ width: 8000, height: 6000, data: new Uint8Array(4) });
    expect(r).toMatchObject({ ok: false, reason: 'too-large' });
    if (!r.ok) expect(r.message).toMatch(/8000×6000 \(48\.0 megapixels\); the limit is 40 megapixels/);
  });
});

describe('preprocessGray: the popup fast path', () => {
  const grayOf = (d: Float32Array, f: number, polarity: 'light' | 'dark'): Float32Array => {
    const W = 28 * f;
    const g = new Float32Array(W * W);
    for (let y = 0; y < W; y++) {
      for (let x = 0; x < W; x++) {
        const v = d[Math.floor(y / f) * 28 + Math.floor(x / f)];
        g[y * W + x] = polarity === 'light' ? v : 1 - v;
      }
    }
    return g;
  };

  it('gives exactly what preprocess gives for the same picture, either polarity', () => {
    for (const k of DIGITS.slice(0, 10)) {
      const d = digit(k);
      const a = ok(preprocessGray(grayOf(d, 10, 'light'), 280, 280));
      const b = ok(preprocess(paint(d, 28, 28, WHITE, BLACK, 10)));
      expect(a.polarity).toBe('light-on-dark');
      // RGBA is quantised to bytes, the gray canvas is not: equal to within a gray level.
      expect(maxAbsDiff(a.pixels, b.pixels)).toBeLessThan(0.01);
      expect(a.bbox).toEqual(b.bbox);
      const c = ok(preprocessGray(grayOf(d, 10, 'dark'), 280, 280));
      expect(c.polarity).toBe('dark-on-light');
      expect(maxAbsDiff(c.pixels, a.pixels)).toBeLessThan(1e-5);
    }
  });

  it('writes into opts.out and stays correct when called again and again (reused scratch memory)', () => {
    const out = new Float32Array(784);
    const first = ok(preprocessGray(grayOf(digit(0), 10, 'light'), 280, 280)).pixels.slice();
    for (const k of [1, 2, 3]) preprocessGray(grayOf(digit(k), 5, 'light'), 140, 140, { out });
    const again = ok(preprocessGray(grayOf(digit(0), 10, 'light'), 280, 280, { out }));
    expect(again.pixels).toBe(out);
    expect([...out]).toEqual([...first]);
  });

  it('forced polarity ignores ink of the other sign', () => {
    // Bright digit on mid-gray, plus a dark bar below it: forced light-on-dark sees only the digit.
    const d = digit(3);
    const g = new Float32Array(280 * 280).fill(0.5);
    for (let y = 0; y < 224; y++) for (let x = 0; x < 224; x++) g[y * 280 + x] = 0.5 + 0.5 * d[Math.floor(y / 8) * 28 + Math.floor(x / 8)];
    for (let y = 250; y < 270; y++) for (let x = 20; x < 260; x++) g[y * 280 + x] = 0;
    const forced = ok(preprocessGray(g, 280, 280, { polarity: 'light-on-dark' }));
    expect(forced.bbox.y + forced.bbox.height).toBeLessThanOrEqual(224);
    expect(alignedCorr(forced.pixels, d)).toBeGreaterThan(0.9);
    const auto = ok(preprocessGray(g, 280, 280));
    expect(auto.bbox.y + auto.bbox.height).toBe(270);
  });
});

describe('several digits side by side', () => {
  /** MNIST test digits a and b in one row, b's 28-px frame starting `offset` px after a's (ink is ~20 px wide). */
  function pair(a: number, b: number, offset: number): Float32Array {
    const W = 28 + offset;
    const out = new Float32Array(W * 28);
    const [da, db] = [digit(a), digit(b)];
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        out[y * W + x] = Math.max(out[y * W + x], da[y * 28 + x]);
        out[y * W + x + offset] = Math.max(out[y * W + x + offset], db[y * 28 + x]);
      }
    }
    return out;
  }

  it('a row of two MNIST digits is refused with a clear message, not read as one', () => {
    let refused = 0;
    for (let k = 0; k < 50; k++) {
      const r = preprocess(paint(pair(k, k + 1, 26), 54, 28, BLACK, WHITE, 4));
      if (!r.ok && r.reason === 'several-digits') {
        refused++;
        expect(r.message).toMatch(/2 digits side by side; Seeing Digits reads one digit at a time/);
      }
    }
    expect(refused).toBeGreaterThanOrEqual(48);
  });

  it('three digits are counted as three', () => {
    const ab = pair(3, 4, 28);
    const W = 56 + 28;
    const abc = new Float32Array(W * 28);
    const c = digit(5);
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 56; x++) abc[y * W + x] = ab[y * 56 + x];
      for (let x = 0; x < 28; x++) abc[y * W + 56 + x] = c[y * 28 + x];
    }
    const r = preprocessGray(abc, W, 28);
    expect(r.ok ? 'ok' : r.message).toMatch(/3 digits side by side/);
  });

  it('single digits, including ones drawn in separate strokes, are not split: none of the first 2000 test digits', () => {
    const split = Array.from({ length: 2000 }, (_, k) => k).filter((k) => {
      const r = preprocess(paint(digit(k), 28, 28, BLACK, WHITE, 3));
      return !r.ok && r.reason === 'several-digits';
    });
    expect(split).toEqual([]);
  });

  it('a 5 whose top bar does not touch its body, and a 4 whose bar stops short of its stem, stay one digit', () => {
    const img = new Float32Array(100 * 100);
    const bar = (x0: number, y0: number, x1: number, y1: number) => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) img[y * 100 + x] = 1;
    };
    bar(30, 10, 70, 16); // 5: loose top bar
    bar(30, 22, 36, 50); //    stem
    bar(30, 50, 66, 56); //    belly top
    bar(62, 50, 68, 86); //    belly side
    bar(30, 84, 68, 90); //    belly bottom
    expect(preprocessGray(img, 100, 100).ok).toBe(true);
    img.fill(0);
    bar(30, 10, 36, 56); // 4: left stroke
    bar(30, 56, 60, 62); //    bar, ending short of the stem
    bar(64, 10, 70, 90); //    stem
    expect(preprocessGray(img, 100, 100).ok).toBe(true);
  });
});
