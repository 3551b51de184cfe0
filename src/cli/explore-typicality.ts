/** typicality.json + typicality.bin for a model: fit, threshold on held-out training digits, AUROC against non-digits. */
import type { MnistSet } from '../data/mnist-node.ts';
import { nonDigits } from '../data/nondigits-node.ts';
import type { Network } from '../model/network.ts';
import { preprocess } from '../preprocess/mnist.ts';
import { DATA_VERSION, packBinary, type TypicalityHeader } from '../interpret/explorer-data.ts';
import { auroc, fitTypicality, quantile, scoreAll } from '../interpret/typicality.ts';

/** The trainer holds out the last 5 000 training digits for validation: the fit never sees them, the threshold does. */
export const HELD_OUT = 5000;
export const THRESHOLD_QUANTILE = 0.99;

/** The non-digits through the popup's preprocessing, as count × 784 pixels (refused images are left out). */
export function nonDigitInputs(): { pixels: Float32Array; kinds: ('letter' | 'shape')[]; refused: number } {
  const set = nonDigits();
  const kept: Float32Array[] = [];
  const kinds: ('letter' | 'shape')[] = [];
  for (const d of set) {
    const p = preprocess(d.image);
    if (!p.ok) continue;
    kept.push(p.pixels);
    kinds.push(d.kind);
  }
  const pixels = new Float32Array(kept.length * 784);
  kept.forEach((k, i) => pixels.set(k, i * 784));
  return { pixels, kinds, refused: set.length - kept.length };
}

export function typicalityFile(net: Network, train: MnistSet, test: MnistSet, say: (s: string) => void = () => {}) {
  const fitCount = train.count - HELD_OUT;
  const fit = fitTypicality(net, train.images, train.labels, fitCount);
  const t = { means: fit.means, precision: fit.precision, header: { dim: fit.dim, classes: fit.classes } };
  const held = scoreAll(net, t, train.images.subarray(fitCount * 784), HELD_OUT);
  const threshold = quantile(held, THRESHOLD_QUANTILE);
  const digits = scoreAll(net, t, test.images, test.count);
  const nd = nonDigitInputs();
  const others = scoreAll(net, t, nd.pixels, nd.kinds.length);
  const pick = (k: string) => others.filter((_, i) => nd.kinds[i] === k);
  const above = (s: ArrayLike<number>) => Array.from(s).filter((v) => v > threshold).length / s.length;
  const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
  const evaluation = {
    testDigits: test.count,
    nonDigits: others.length,
    auroc: r4(auroc(digits, others)),
    aurocLetters: r4(auroc(digits, pick('letter'))),
    aurocShapes: r4(auroc(digits, pick('shape'))),
    testAboveThreshold: r4(above(digits)),
    nonDigitsAboveThreshold: r4(above(others)),
  };
  say(`typicality on ${fit.layer}: threshold ${threshold.toFixed(2)}, AUROC ${evaluation.auroc} (letters ${evaluation.aurocLetters}, shapes ${evaluation.aurocShapes}); ` +
    `${(evaluation.testAboveThreshold * 100).toFixed(1)} % of test digits and ${(evaluation.nonDigitsAboveThreshold * 100).toFixed(1)} % of ${others.length} non-digits flagged (${nd.refused} refused by preprocessing)`);
  const { spans, bytes } = packBinary([fit.means, fit.precision]);
  const header: TypicalityHeader = {
    version: DATA_VERSION,
    model: net.spec.name,
    layer: fit.layer,
    dim: fit.dim,
    classes: fit.classes,
    fitCount,
    ridge: fit.ridge,
    means: spans[0],
    precision: spans[1],
    threshold,
    thresholdFrom: `${THRESHOLD_QUANTILE * 100}th percentile of the ${HELD_OUT} held-out training digits`,
    evaluation,
  };
  return { header, bytes };
}
