/**
 * One suite, run in each browser (chromium.test.ts, firefox.test.ts): the context-menu handler on the demo page's
 * images, same-origin and cross-origin, and what the panel shows. Screenshots go to artifacts/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDemo, type DemoServer } from '../../scripts/demo-server.ts';
import type { DemoManifest } from '../../scripts/demo-assets.ts';
import { ARTIFACTS, DIST, poll, type Session } from '../../scripts/browsers.ts';
import { findPanel, panelOpen, readPanel, settledPanel, type PanelView } from './panel.ts';
import { LOW_CONFIDENCE } from '../../extension/shared/verdict.ts';

const DEMO = join(DIST, 'demo');

export interface SuiteOptions {
  /** Host name the "other site" is reached by, for images whose site the extension has no access to. */
  otherHost: string;
  /** Whether a test can accept the host-permission request (Firefox: a pref; Chrome: a native dialog, no). */
  grantable: boolean;
}

export function extensionSuite(launch: () => Promise<Session>, target: 'chrome' | 'firefox', opts: SuiteOptions): void {
  const demo: DemoManifest = JSON.parse(readFileSync(join(DEMO, 'digits.json'), 'utf8'));
  let session: Session;
  let page: Page;
  let site: DemoServer;
  let other: DemoServer;
  let name = '';

  const url = (file: string) => new URL(file, site.origin + '/').href;
  const shot = async (p: Page, what: string) => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await p.screenshot({ path: join(ARTIFACTS, `${name}-panel-${what}.png`) });
  };

  /** Right-click → "Classify digit": the outcome the background computed, and what the panel shows. */
  async function classify(srcUrl: string, on = page): Promise<PanelView> {
    await on.bringToFront(); // the accessibility tree (how tests find the panel) is not kept for background tabs
    const outcome = await session.click(on, srcUrl);
    const { view } = await settledPanel(on);
    expect(view.state, JSON.stringify(outcome).slice(0, 300)).toBe(outcome.ok ? 'result' : 'error');
    return view;
  }

  /** Both models read the right digit. */
  function expectDigit(view: PanelView, digit: number): void {
    expect(view.state).toBe('result');
    expect(view.mlp).toBe(String(digit));
    expect(view.cnn).toBe(String(digit));
  }

  beforeAll(async () => {
    other = await serveDemo(DEMO, { ipv6: true });
    const otherPort = new URL(other.origin).port;
    site = await serveDemo(DEMO, { crossOrigin: `http://127.0.0.1:${otherPort}` });
    session = await launch();
    name = session.name;
    page = await session.open(site.origin + '/');
    await page.setViewport({ width: 1100, height: 900 });
  }, 60_000);

  afterAll(async () => {
    await session?.close();
    await site?.close();
    await other?.close();
  });

  it('classifies each MNIST test digit on the page (same origin) and shows it in the panel', async () => {
    for (const d of demo.digits) {
      const view = await classify(url(d.file));
      expectDigit(view, d.label);
      if (d.label === 7) {
        await page.$eval(`img[src="${d.file}"]`, (img) => img.scrollIntoView({ block: 'center' }));
        await (await findPanel(page)).evaluate(() => undefined); // settled above; keep the handle alive for the shot
        await shot(page, 'digit-7');
      }
    }
  });

  it('reads an SVG digit by rasterising it', async () => {
    expectDigit(await classify(url(demo.svg.file)), demo.svg.label);
  });

  it('reads a digit in a data: URL', async () => {
    const src = await page.$eval('#data-url', (img) => (img as HTMLImageElement).src);
    expectDigit(await classify(src), demo.dataUrl.label);
  });

  it('downscales a 1680×1680 image before preprocessing', async () => {
    expectDigit(await classify(url(demo.large.file)), demo.large.label);
  });

  it('says clearly that a blank image has no digit', async () => {
    const view = await classify(url(demo.blank.file));
    expect(view.state).toBe('error');
    expect(view.error).toMatch(/No digit found/);
    await page.$eval('#blank', (img) => img.scrollIntoView({ block: 'center' }));
    await shot(page, 'blank');
  });

  it('reads numbers digit by digit: 42, a touching pair, a four-digit number', async () => {
    for (const n of demo.numbers) {
      const view = await classify(url(n.file));
      expect(view.state).toBe('result');
      expect([view.number, view.mlp, view.cnn, view.digits]).toEqual([n.label, n.label, n.label, n.label.length]);
      if (n.id === 'year') {
        await page.$eval('#year', (img) => img.scrollIntoView({ block: 'center' }));
        await shot(page, 'number');
      }
    }
  });

  it('flags a doubtful answer exactly when a model is unsure or the models disagree', async () => {
    const outcome = await session.click(page, url(demo.notDigit.file));
    const { view } = await settledPanel(page);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const [a, b] = outcome.result.models;
    const strange = [a, b].some((m) => m.typicality && !m.typicality.typical);
    const doubtful = strange || a.digit !== b.digit || [a, b].some((m) => m.probs[m.digit] < LOW_CONFIDENCE);
    expect(view.warning !== null, JSON.stringify(view)).toBe(doubtful);
    if (doubtful) expect(view.warning).toMatch(strange ? /doesn't look like any digit I know/ : /doesn't look much like a digit/);
    // Typicality (each model's distance from the digits it knows) is shown, and is what the worker computed.
    // The panel's text is CSS generated content ([data-text], see content/dom.ts): read it as the user sees it.
    const line = await (await findPanel(page)).evaluate((el) => {
      const shown = (n: Node): string =>
        n.nodeType === 3 ? n.textContent ?? '' : ((n as Element).getAttribute?.('data-text') ?? '') + [...n.childNodes].map(shown).join('');
      const t = el.querySelector('[data-testid="typicality"]');
      return t ? shown(t) : '';
    });
    expect(line).toContain(`MLP ${a.typicality!.distance.toFixed(1)}`);
    expect(line).toContain(`CNN ${b.typicality!.distance.toFixed(1)}`);
    await page.$eval('#not-digit', (img) => img.scrollIntoView({ block: 'center' }));
    await shot(page, 'not-a-digit');
  });

  it('classifies a cross-origin image served with CORS', async () => {
    const src = await page.$eval('#xo-cors', (img) => (img as HTMLImageElement).src);
    expect(new URL(src).origin).not.toBe(site.origin);
    expectDigit(await classify(src), 4);
  });

  it('asks for access to a cross-origin image without CORS, and classifies it once allowed', async () => {
    // The image server under another host name: a site the extension has no access to yet.
    const src = `http://${opts.otherHost}:${new URL(other.origin).port}/digits/mnist-9.png`;
    const xo = await session.open(`${site.origin}/?tab=cross-origin`); // its own URL: tests find tabs by URL
    await xo.setViewport({ width: 1100, height: 900 });
    const loaded = await xo.$eval('#xo-plain', (img, src) => new Promise((resolve) => {
      const i = img as HTMLImageElement;
      i.onload = () => resolve(true);
      i.onerror = () => resolve(false);
      i.src = src;
      i.scrollIntoView({ block: 'center' });
    }), src);
    expect(loaded, `${src} should load in the page`).toBe(true);
    const denied = await classify(src, xo);
    expect(denied.state).toBe('error');
    expect(denied.error).toMatch(/does not let other sites read its pixels/);
    expect(denied.allow).toBe(true);
    await shot(xo, 'cross-origin-denied');

    // "Allow" in the panel opens the access page (permissions.request needs a user gesture in an extension page).
    const before = new Set(await session.browser.pages());
    const allow = await (await findPanel(xo)).$('[data-testid="panel-allow"]');
    await allow!.click();
    // (Ask the page where it is: Firefox's puppeteer keeps moz-extension: tabs at about:blank.)
    const grant = await poll(async () => {
      const added = (await session.browser.pages()).filter((p) => !before.has(p));
      const where = await Promise.all(added.map((p) => p.evaluate(() => location.href).catch(() => '')));
      return added.find((_, i) => where[i].includes('grant='));
    }, 'the access page');
    await poll(() => grant.evaluate(() => document.readyState === 'complete' && !document.getElementById('grant')!.hidden), 'the access page to load');
    expect(await grant.$eval('#grant-host', (e) => e.textContent)).toBe(new URL(src).hostname);
    await shot(grant, 'access-page');
    if (!opts.grantable) return void (await Promise.all([grant.close(), xo.close()]));

    // Allowing runs the click again in the original tab, now read with the extension's host permission.
    await grant.click('[data-testid="allow"]');
    const after = await poll(async () => {
      const v = await readPanel(await findPanel(xo));
      return v.state === 'result' ? v : null;
    }, 'the panel to show the result after access was granted');
    expectDigit(after, 9);
    await xo.close();
  });

  it('follows the engine chosen in the settings (TensorFlow.js on WebAssembly, bundled under the MV3 CSP)', async () => {
    const settings = await session.extensionPage('options/index.html');
    const store = (engine: string) =>
      settings.evaluate((engine) => {
        const api = (globalThis as any).browser ?? (globalThis as any).chrome;
        return api.storage.local.set({ settings: { version: 1, engine } });
      }, engine);
    await store('tfjs-wasm');
    const view = await classify(url(demo.digits[4].file));
    expect(view.engine).toBe('tfjs-wasm');
    expectDigit(view, 4);
    await store('auto');
    expect((await classify(url(demo.digits[4].file))).engine).toBe('simd');
    await settings.close();
  });

  it.runIf(target === 'chrome')('recreates the offscreen document after Chrome closed it, on the next click', async () => {
    const d = demo.digits[2];
    expectDigit(await classify(url(d.file)), d.label);
    expect(await session.closeOffscreen!()).toBe(0);
    expectDigit(await classify(url(d.file)), d.label);
  });

  it('closes the panel with × and with Esc', async () => {
    await classify(url(demo.digits[0].file));
    expect(await panelOpen(page)).toBe(true);
    await (await findPanel(page)).$eval('[data-testid="panel-close"]', (b) => (b as HTMLButtonElement).click());
    expect(await panelOpen(page)).toBe(false);
    await classify(url(demo.digits[1].file));
    await page.keyboard.press('Escape');
    expect(await panelOpen(page)).toBe(false);
  });

  it('keeps the panel out of the page’s reach', async () => {
    await classify(url(demo.digits[3].file));
    const before = await readPanel(await findPanel(page));
    const seen = await page.evaluate(() => {
      const host = document.querySelector('seeing-digits-panel');
      // A page pretending to be the extension: window messages reach no listener of ours.
      window.postMessage({ type: 'sd:panel-error', srcUrl: location.href, error: { kind: 'engine', message: 'forged' } }, '*');
      return { host: host !== null, shadowRoot: host?.shadowRoot ?? null, text: host?.textContent ?? '' };
    });
    expect(seen).toEqual({ host: true, shadowRoot: null, text: '' });
    await new Promise((r) => setTimeout(r, 200));
    expect(await readPanel(await findPanel(page))).toEqual(before);
  });
}
