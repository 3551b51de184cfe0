/**
 * The panel for a number (several digits in a row): the number large, as each model reads it, then one card a digit —
 * its crop of the image, the model input, each model's digit and confidence (flagged when low) and where it looked.
 */
import type { PanelDigit, PanelModel, PanelResult } from '../messages.ts';
import { isSigned } from '../shared/saliency.ts';
import { MODEL_NAMES } from '../shared/labels.ts';
import { h } from './dom.ts';
import { inputPixels, saliencyPixels } from './maps.ts';
import { confidence, LOW_CONFIDENCE } from '../shared/verdict.ts';
import { pct } from '../shared/format.ts';
import { footer, mapCanvas } from './views.ts';

/** How big a digit's crop is drawn (CSS pixels, its longer side). */
const CROP = 40;

export function numberView(r: PanelResult, anchor: Element | null): Node[] {
  const digits = r.digits ?? [];
  const byModel = r.number?.byModel ?? {};
  const shown = byModel.cnn ?? Object.values(byModel)[0] ?? '';
  const doubtful = digits.flatMap((d, k) => (d.models.some((m) => confidence(m) < LOW_CONFIDENCE) ? [k + 1] : []));
  const doubts: string[] = [];
  if (r.number && !r.number.agree) doubts.push(`The models disagree: ${readings(byModel)}.`);
  if (doubtful.length) doubts.push(`Unsure about digit ${doubtful.join(', ')} (counting from the left).`);
  const head = h(
    'div',
    { class: 'number-head' },
    h('div', { class: 'number', 'data-testid': 'number' }, shown),
    h(
      'div',
      { class: 'number-models' },
      ...Object.entries(byModel).flatMap(([id, n]) => [
        h('span', {}, `${MODEL_NAMES[id as PanelModel['id']]} `),
        h('strong', { 'data-testid': `prediction-${id}` }, n ?? ''),
        ' ',
      ]),
    ),
  );
  const top = doubts.length
    ? h('div', { class: 'warning', role: 'status', 'data-testid': 'warning' }, h('strong', {}, 'Read with doubts'), ...doubts.map((d) => h('p', {}, d)))
    : h('p', { class: 'verdict', 'data-testid': 'verdict' }, h('strong', {}, `Both models read ${shown}.`));
  const signed = r.saliencyMethod !== null && isSigned(r.saliencyMethod);
  const source = anchor instanceof HTMLImageElement ? anchor : null;
  const cards = digits.map((d, k) => digitCard(d, k, signed, source, r.imageSize));
  return [head, top, h('div', { class: 'digit-cards', 'data-testid': 'digits' }, ...cards), footer(r)];
}

const readings = (byModel: Partial<Record<string, string>>) =>
  Object.entries(byModel).map(([id, n]) => `the ${MODEL_NAMES[id as PanelModel['id']]} reads ${n}`).join(', ');

function digitCard(d: PanelDigit, k: number, signed: boolean, img: HTMLImageElement | null, size?: [number, number]): HTMLElement {
  const maps: Node[] = [];
  const crop = img && size ? cropCanvas(img, d.box, size) : null;
  if (crop) maps.push(h('figure', { class: 'map' }, crop, h('figcaption', {}, 'Crop')));
  maps.push(h('figure', { class: 'map' }, mapCanvas(inputPixels(d.input), `Digit ${k + 1}: model input`), h('figcaption', {}, 'Input')));
  for (const m of d.models) {
    if (!m.saliency) continue;
    const name = MODEL_NAMES[m.id];
    maps.push(h('figure', { class: 'map' }, mapCanvas(saliencyPixels(d.input, m.saliency, signed), `Digit ${k + 1}: ${name} saliency`), h('figcaption', {}, name)));
  }
  const reads = d.models.map((m) => {
    const p = confidence(m);
    const low = p < LOW_CONFIDENCE;
    return h(
      'div',
      { class: low ? 'digit-read low' : 'digit-read', 'data-testid': `digit-${k}-${m.id}`, ...(low ? { 'data-low': 'true' } : {}) },
      `${MODEL_NAMES[m.id]} `,
      h('strong', {}, String(m.digit)),
      ` ${pct(p)}${low ? ' — unsure' : ''}`,
    );
  });
  return h('section', { class: 'digit-card', 'aria-label': `Digit ${k + 1}` }, ...reads, h('div', { class: 'digit-maps' }, ...maps));
}

/** The digit's box cut out of the page's image (scaled from the analysed image's size to the element's own). */
function cropCanvas(img: HTMLImageElement, [x, y, w, bh]: PanelDigit['box'], [iw, ih]: [number, number]): HTMLCanvasElement | null {
  const sx = img.naturalWidth / iw, sy = img.naturalHeight / ih;
  if (!(sx > 0 && sy > 0) || !img.complete) return null;
  // Square, like the maps beside it: the box scaled to fit, centred.
  const f = CROP / Math.max(w, bh);
  const canvas = h('canvas', { class: 'crop', width: String(CROP), height: String(CROP), role: 'img', 'aria-label': 'The digit in the image' });
  try {
    canvas.getContext('2d')?.drawImage(img, x * sx, y * sy, w * sx, bh * sy, (CROP - w * f) / 2, (CROP - bh * f) / 2, w * f, bh * f);
  } catch {
    return null; // an image the page may not draw (a broken one): the card goes without a crop
  }
  return canvas;
}
