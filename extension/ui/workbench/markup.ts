/**
 * The workbench markup both pages share, built once: the engine chip and timing for the header, the sketch column
 * (pad, toolbar, "why" card) and the results head (error banner, prediction cards' slot). Pages hold placeholders
 * (`data-slot="…"`) where these go; every part keeps its data-testid, the tests' and the code's handle.
 */
import { MODEL_IDS } from '../../../worker/api.ts';
import { h } from '../../shared/dom.ts';
import { MODEL_NAMES } from '../../shared/labels.ts';
import { SIDE } from '../../shared/digits.ts';

const SVG = 'http://www.w3.org/2000/svg';

/** A 20×20 line icon from path data. */
function icon(...paths: string[]): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  for (const [k, v] of Object.entries({ viewBox: '0 0 20 20', fill: 'none', stroke: 'currentColor', 'stroke-width': '1.8', 'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true' })) {
    svg.setAttribute(k, v);
  }
  for (const d of paths) {
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('d', d);
    svg.append(p);
  }
  return svg;
}

export const ICONS = {
  undo: () => icon('M7 5L3 9l4 4', 'M3 9h9a5 5 0 0 1 0 10h-2'),
  clear: () => icon('M5 5l10 10M15 5L5 15'),
  open: () => icon('M11 3h6v6M17 3l-7 7M8 4H5a2 2 0 0 0-2 2v9a2 2 0 0 0 2 2h9a2 2 0 0 0 2-2v-3'),
};

/** Engine chip and the last analysis' time, for the page header. */
export function statusMarkup(): Node[] {
  return [
    h('span', { class: 'chip busy', 'data-testid': 'engine', title: '' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), 'Starting engine…'),
    h('span', { class: 'timing', 'data-testid': 'timing', 'aria-label': 'time of the last analysis' }),
  ];
}

/** The sketch column: the pad with its saliency overlay, hint and legend, the toolbar, and the "why" card. */
export function sketchMarkup(): Node[] {
  const thumb = (id: (typeof MODEL_IDS)[number]) =>
    h(
      'button',
      { type: 'button', class: `thumb thumb--pick ${id}`, 'data-testid': `pick-${id}`, 'aria-pressed': 'false', title: `Show the ${MODEL_NAMES[id]}’s map on the sketch` },
      h('canvas', { class: 'px', 'data-testid': `saliency-${id}`, width: SIDE, height: SIDE }),
      h('span', { class: 'thumb__caption' }, MODEL_NAMES[id]),
    );
  return [
    h(
      'div',
      { class: 'pad-wrap card' },
      h('canvas', { class: 'pad', 'data-testid': 'sketch', 'aria-label': 'Drawing pad: draw a digit with the mouse, a finger or a pen' }),
      h('canvas', { class: 'overlay', 'data-testid': 'overlay', 'aria-hidden': 'true' }),
      h('div', { class: 'pad-hint', 'data-testid': 'hint' }, 'Draw a digit'),
    ),
    h(
      'div',
      { class: 'toolbar' },
      h('button', { class: 'btn', type: 'button', 'data-testid': 'undo', title: 'Undo the last stroke (Ctrl+Z)' }, ICONS.undo(), 'Undo'),
      h('button', { class: 'btn', type: 'button', 'data-testid': 'clear', title: 'Clear the pad' }, ICONS.clear(), 'Clear'),
      // Works from the keyboard: the way to use the pad without a pointer, and to look at the models' mistakes.
      h(
        'select',
        { class: 'btn digit-pick', 'data-testid': 'load-digit', 'aria-label': 'Load an MNIST test digit', title: 'Load an MNIST test digit onto the pad' },
        h('option', { value: '' }, 'Test digit…'),
        h('option', { value: 'random' }, 'Random'),
        h('option', { value: 'misread' }, 'One a model misreads'),
      ),
    ),
    h('div', { class: 'pad-status', 'data-testid': 'pad-status', role: 'status', hidden: true }),
    // The heatmap's switch and what its colours mean, together, right under the pad where the colours are.
    h(
      'div',
      { class: 'heat-row' },
      h('label', { class: 'switch', title: 'Show where the selected model looks, over your sketch' }, h('input', { type: 'checkbox', 'data-testid': 'overlay-toggle' }), 'Heatmap'),
      h('span', { class: 'heat-legend', 'data-testid': 'heat-legend', hidden: true }),
    ),
    h(
      'div',
      { class: 'card explain' },
      h('div', { class: 'explain__head' }, h('span', { class: 'section-title' }, 'Why'), h('select', { 'data-testid': 'saliency-method', 'aria-label': 'Saliency method' })),
      h(
        'div',
        { class: 'explain__row' },
        h('figure', { class: 'thumb' }, h('canvas', { class: 'px', 'data-testid': 'input-preview', width: SIDE, height: SIDE }), h('figcaption', { class: 'thumb__caption' }, 'Model input')),
        ...MODEL_IDS.map(thumb),
      ),
      h(
        'div',
        { class: 'explain__target' },
        h('span', { 'data-testid': 'target-line' }),
        h('button', { class: 'link', type: 'button', 'data-testid': 'target-reset', hidden: true }, 'Reset'),
      ),
    ),
  ];
}

/** Above the results: the engine error with its Retry, the verdict when the models doubt, the prediction cards. */
export function resultsMarkup(): Node[] {
  return [
    h(
      'div',
      { class: 'banner error', 'data-testid': 'error', role: 'alert', hidden: true },
      h('div', { class: 'msg' }, h('b', { 'data-testid': 'error-title' }), h('span', { 'data-testid': 'error-message' })),
      h('button', { class: 'btn', type: 'button', 'data-testid': 'retry' }, 'Retry'),
    ),
    h('div', { class: 'banner warn', 'data-testid': 'warning', role: 'status', hidden: true }),
    // The engine had to be picked again (a lost WebGL context): what happened, for a while after.
    h('div', { class: 'banner', 'data-testid': 'engine-notice', role: 'status', hidden: true }),
    h('div', { class: 'preds', 'data-testid': 'predictions' }),
    h('p', { class: 'typicality', 'data-testid': 'typicality', hidden: true }),
  ];
}

/** Fills each `[data-slot]` placeholder under `root` with its markup. */
export function fillSlots(root: ParentNode): void {
  const parts: Record<string, () => Node[]> = { status: statusMarkup, sketch: sketchMarkup, results: resultsMarkup };
  for (const slot of root.querySelectorAll<HTMLElement>('[data-slot]')) {
    const make = parts[slot.dataset.slot ?? ''];
    if (!make) throw new Error(`unknown slot ${slot.dataset.slot}`);
    slot.replaceWith(...make());
  }
}
