/** 28×28 maps as RGBA pixels: the model input, and a saliency overlay on it. Pure, so unit tests can check them. */
import { robustMax } from '../ui/saliency.ts';

export const SIDE = 28;

/** The input as the models see it: ink bright on black. */
export function inputPixels(input: ArrayLike<number>): Uint8ClampedArray {
  const out = new Uint8ClampedArray(SIDE * SIDE * 4);
  for (let i = 0; i < SIDE * SIDE; i++) {
    const v = input[i] * 255;
    out.set([v, v, v, 255], i * 4);
  }
  return out;
}

// Evidence for the predicted digit (and plain sensitivity) in warm red, evidence against it in blue.
const POS = [255, 84, 64];
const NEG = [64, 140, 255];

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

export const SALIENCY_COLOURS = { positive: `rgb(${POS.join(',')})`, negative: `rgb(${NEG.join(',')})` };
