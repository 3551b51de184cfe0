/** The panel's contents: a result (both models, input, saliency) or an error with what to do about it. */
import type { SaliencyMethod } from '../../worker/api.ts';
import type { PanelError, PanelModel, PanelResult } from '../messages.ts';
import { isSigned, METHOD_LABELS } from '../shared/saliency.ts';
import type { EngineKind } from '../../src/engines/types.ts';
import { h, styled } from './dom.ts';
import { inputPixels, saliencyPixels, SIDE } from './maps.ts';
import { assess, typicalityLine, confidence, LOW_CONFIDENCE } from '../shared/verdict.ts';
import { ENGINE_LABELS, MODEL_NAMES } from '../shared/labels.ts';
import { SALIENCY_COLOURS } from '../shared/saliency.ts';
import { pct } from '../shared/format.ts';

const ERROR_TITLES: Record<PanelError['kind'], string> = {
  blank: 'No digit found',
  'several-digits': 'More than one digit',
  'too-large': 'Image too large',
  invalid: 'Not a usable image',
  unreadable: "Can't read this image",
  'cross-origin': 'This image is from another site',
  engine: 'Something went wrong',
};

export function mapCanvas(pixels: Uint8ClampedArray, label: string): HTMLCanvasElement {
  const canvas = h('canvas', { width: String(SIDE), height: String(SIDE), role: 'img', 'aria-label': label });
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  // NOTE: one fillRect a pixel rather than putImageData: in a Firefox content script, typed arrays belong to the
  // script's compartment and the page's ImageData refuses them ("security check failed", "permission denied").
  for (let i = 0; i < SIDE * SIDE; i++) {
    ctx.fillStyle = `rgb(${pixels[4 * i]},${pixels[4 * i + 1]},${pixels[4 * i + 2]})`;
    ctx.fillRect(i % SIDE, Math.floor(i / SIDE), 1, 1);
  }
  return canvas;
}

function modelCard(m: PanelModel): HTMLElement {
  const p = confidence(m);
  const max = Math.max(...m.probs);
  const bars = m.probs.map((q, d) =>
    styled(h('div', { class: d === m.digit ? 'bar top' : 'bar', title: `${d}: ${pct(q)}` }), { height: `${Math.max(2, (q / max) * 100)}%` }),
  );
  const labels = m.probs.map((_, d) => h('span', {}, String(d)));
  return h(
    'section',
    { class: 'model', 'data-testid': `model-${m.id}`, 'aria-label': `${MODEL_NAMES[m.id]} prediction` },
    h('div', { class: 'model-name' }, MODEL_NAMES[m.id]),
    h(
      'div',
      { class: 'model-head' },
      h('span', { class: 'digit', 'data-testid': `prediction-${m.id}` }, String(m.digit)),
      h('span', { class: p < LOW_CONFIDENCE ? 'confidence low' : 'confidence' }, `${pct(p)} sure`),
    ),
    h('div', { class: 'bars', 'aria-hidden': 'true' }, ...bars),
    h('div', { class: 'bar-labels', 'aria-hidden': 'true' }, ...labels),
  );
}

export function resultView(r: PanelResult): Node[] {
  const verdict = assess(r.models);
  const top = verdict.confident
    ? h('p', { class: 'verdict', 'data-testid': 'verdict' }, h('strong', {}, verdict.headline))
    : h(
        'div',
        { class: 'warning', role: 'status', 'data-testid': 'warning' },
        h('strong', {}, verdict.headline),
        ...verdict.doubts.map((d) => h('p', {}, d)),
      );
  const maps = [h('figure', { class: 'map' }, mapCanvas(inputPixels(r.input), 'Model input, 28 by 28 pixels'), h('figcaption', {}, 'Model input'))];
  const signed = r.saliencyMethod !== null && isSigned(r.saliencyMethod);
  for (const m of r.models) {
    if (!m.saliency) continue;
    const name = MODEL_NAMES[m.id];
    maps.push(h('figure', { class: 'map' }, mapCanvas(saliencyPixels(r.input, m.saliency, signed), `${name} saliency`), h('figcaption', {}, `${name} looked at`)));
  }
  const view: Node[] = [top, h('div', { class: 'models' }, ...r.models.map(modelCard))];
  const typical = typicalityLine(r.models);
  if (typical) view.push(h('p', { class: 'typicality', 'data-testid': 'typicality' }, typical));
  view.push(h('div', { class: 'maps' }, ...maps));
  if (r.saliencyMethod) view.push(legend(r.saliencyMethod));
  view.push(footer(r));
  return view;
}

export const footer = (r: PanelResult): HTMLElement =>
  h(
    'div',
    { class: 'footer' },
    h('span', { 'data-testid': 'engine', 'data-engine': r.engine, ...(r.notice ? { title: r.notice } : {}) }, `Engine: ${ENGINE_LABELS[r.engine as EngineKind] ?? r.engine}${r.notice ? ' (picked again)' : ''}`),
    h('span', {}, `${r.ms.toFixed(0)} ms`),
  );

const swatch = (colour: string) => styled(h('span', { class: 'swatch' }), { background: colour });

/** What the colours mean: signed methods show evidence for and against, the others how sensitive the answer is. */
function legend(method: SaliencyMethod): HTMLElement {
  const what = isSigned(method)
    ? [swatch(SALIENCY_COLOURS.positive), 'for the digit, ', swatch(SALIENCY_COLOURS.negative), 'against it.']
    : [swatch(SALIENCY_COLOURS.positive), 'pixels the answer is most sensitive to.'];
  return h('p', { class: 'legend' }, `${METHOD_LABELS[method]}: `, ...what);
}

export function errorView(e: PanelError, onAllow: (origin: string) => void): Node[] {
  const box = h(
    'div',
    // Blank images and missing access are situations, not failures: neutral colours.
    { class: e.kind === 'blank' || e.kind === 'several-digits' || e.kind === 'cross-origin' ? 'error info' : 'error', role: 'alert', 'data-testid': 'panel-error' },
    h('strong', {}, ERROR_TITLES[e.kind]),
    h('p', { 'data-testid': 'panel-error-message' }, e.message),
  );
  if (e.kind !== 'cross-origin' || !e.origin) return [box];
  const origin = e.origin;
  const allow = h('button', { class: 'allow', type: 'button', 'data-testid': 'panel-allow' }, `Allow reading images from ${new URL(origin).hostname}`);
  allow.addEventListener('click', (ev) => {
    if (ev.isTrusted) onAllow(origin); // a page script's synthetic click is not the user's consent
  });
  return [box, allow, h('p', { class: 'hint' }, 'You can remove this access at any time in the extension’s options.')];
}
