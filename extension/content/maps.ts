/** 28×28 maps as RGBA pixels: the model input, and a saliency overlay on it. Pure, so unit tests can check them. */
import { SIDE } from '../shared/digits.ts';
import { robustMax, SALIENCY_RGB } from '../shared/saliency.ts';

export { SIDE };

/** The input as the models see it: ink bright on black. */
export function inputPixels(input: ArrayLike<number>): Uint8ClampedArray {
  const out = new Uint8ClampedArray(SIDE * SIDE * 4);
  for (let i = 0; i < SIDE * SIDE; i++) {
    const v = input[i] * 255;
    out.set([v, v, v, 255], i * 4);
  }
  return out;
}

const POS = SALIENCY_RGB.positive;
const NEG = SALIENCY_RGB.negative;

/**
 * The input dimmed to grey with saliency blended over it, alpha = |s| / scale. The scale is a robust maximum (the
 * 99th percentile of |s|, as the popup draws it), so one extreme pixel does not wash out the rest; saliency has no
 * absolute meaning across inputs. Unsigned methods (plain gradients) are drawn as magnitude, in one colour.
 */
export function saliencyPixels(input: ArrayLike<number>, saliency: ArrayLike<number>, signed: boolean): Uint8ClampedArray {
  const scale = robustMax(saliency);
  const out = new Uint8ClampedArray(SIDE * SIDE * 4);
  for (let i = 0; i < SIDE * SIDE; i++) {
    const grey = 40 + input[i] * 70;
    const s = saliency[i] / scale;
    const a = Math.min(1, Math.abs(s));
    const c = s >= 0 || !signed ? POS : NEG;
    out.set([grey + (c[0] - grey) * a, grey + (c[1] - grey) * a, grey + (c[2] - grey) * a, 255], i * 4);
  }
  return out;
}
