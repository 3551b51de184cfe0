/**
 * The result panel as a test sees it. It lives in a closed shadow root, so neither the page nor querySelector can
 * reach it. Chromium: the accessibility tree can (what screen readers use), so tests find it by role and name.
 * Firefox: puppeteer's ARIA queries do not enter shadow trees there, but WebDriver BiDi serialises an element's
 * shadow root, closed or not, as a shared reference a script can be called with.
 */
import type { ElementHandle, Page } from 'puppeteer-core';
import { poll } from '../../scripts/browsers.ts';

export interface PanelView {
  state: string | null;
  mlp: string | null;
  cnn: string | null;
  error: string | null;
  warning: string | null;
  allow: boolean;
  engine: string | null;
  /** A number: the number shown large, and how many digit cards (each with both models' readings). */
  number: string | null;
  digits: number;
}

export const PANEL = '::-p-aria([name="Seeing Digits"][role="dialog"])';

/** The parts of puppeteer's BiDi handles we need (internal, hence typed here). */
interface BidiHandle {
  remoteValue(): { value?: { shadowRoot?: { sharedId?: string } } };
  realm: {
    realm: { callFunction(fn: string, awaitPromise: boolean, opts: object): Promise<{ type: string; result: { type: string } }> };
    createHandle(value: unknown): ElementHandle<Element>;
  };
}

async function panelInShadowRoot(host: BidiHandle): Promise<ElementHandle<Element> | null> {
  const root = host.remoteValue().value?.shadowRoot?.sharedId;
  if (!root) return null;
  const res = await host.realm.realm.callFunction(`(root) => root.querySelector('[data-testid="panel"]')`, true, {
    arguments: [{ sharedId: root }],
    resultOwnership: 'root',
    serializationOptions: { maxDomDepth: 0, maxObjectDepth: 0 },
  });
  return res.type === 'success' && res.result.type === 'node' ? host.realm.createHandle(res.result) : null;
}

export async function findPanel(page: Page, timeout = 10_000): Promise<ElementHandle<Element>> {
  return poll(
    async () => {
      const host = await page.$('seeing-digits-panel');
      if (!host) return null;
      return 'remoteValue' in host ? panelInShadowRoot(host as unknown as BidiHandle) : page.$(PANEL);
    },
    'the panel',
    timeout,
  );
}

export function readPanel(panel: ElementHandle<Element>): Promise<PanelView> {
  return panel.evaluate((el) => {
    // The text a user sees: text nodes and the generated content of [data-text] (the panel's text, see dom.ts).
    const shown = (n: Node): string =>
      n.nodeType === 3 ? n.textContent ?? '' : ((n as Element).getAttribute?.('data-text') ?? '') + [...n.childNodes].map(shown).join('');
    const text = (id: string) => {
      const node = el.querySelector(`[data-testid="${id}"]`);
      return node ? shown(node) : null;
    };
    return {
      state: el.getAttribute('data-state'),
      mlp: text('prediction-mlp'),
      cnn: text('prediction-cnn'),
      error: text('panel-error'),
      warning: text('warning'),
      allow: el.querySelector('[data-testid="panel-allow"]') !== null,
      engine: el.querySelector('[data-testid="engine"]')?.getAttribute('data-engine') ?? null,
      number: text('number'),
      digits: el.querySelectorAll('[data-testid^="digit-"][data-testid$="-cnn"]').length,
    };
  });
}

/** The panel once it shows a result or an error (not the spinner). */
export async function settledPanel(page: Page): Promise<{ panel: ElementHandle<Element>; view: PanelView }> {
  const panel = await findPanel(page);
  const view = await poll(async () => {
    const v = await readPanel(panel);
    return v.state === 'loading' ? null : v;
  }, 'the panel to show a result');
  return { panel, view };
}

/** Whether the panel is in the page at all (a closed shadow root hides its inside, not its host element). */
export const panelOpen = (page: Page) => page.evaluate(() => document.querySelector('seeing-digits-panel') !== null);
