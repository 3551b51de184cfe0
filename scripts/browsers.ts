/**
 * The built extension in real browsers, driven by puppeteer-core (recipes: /work/shared/docs/browser-testing.md).
 * Chromium over CDP, Firefox ESR over WebDriver BiDi. A native context menu cannot be clicked headless, so tests
 * call the background's `handleImageClick` with what the menu would pass.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
/* eslint-disable @typescript-eslint/no-explicit-any -- page-side code reaches browser globals */
import puppeteer, { type Browser, type Page, type WebWorker } from 'puppeteer-core';
import { FIREFOX_ID } from '../extension/manifest.ts';
import type { AnalyzeOutcome } from '../extension/messages.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const DIST = join(ROOT, 'dist');
export const ARTIFACTS = join(ROOT, 'artifacts');

export const CHROMIUM = '/usr/lib/chromium/chromium';
export const FIREFOX = '/usr/bin/firefox-esr';

/** Exactly the flags browser-testing.md says work here. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

export interface Session {
  name: 'chromium' | 'firefox';
  browser: Browser;
  /** A tab showing `url`, with the extension allowed to script it (what a context-menu click grants). */
  open(url: string): Promise<Page>;
  /** What the context-menu item does when the user picks it on the image `srcUrl` in `page`. */
  click(page: Page, srcUrl: string): Promise<AnalyzeOutcome>;
  /** The extension page at `path` (e.g. 'options/index.html?grant=…'), once its document has loaded. */
  extensionPage(path: string): Promise<Page>;
  /** Chrome only: closes the offscreen document, as Chrome may at any time; the offscreen documents left open. */
  closeOffscreen?(): Promise<number>;
  close(): Promise<void>;
}

const tempProfile = (name: string) => mkdtempSync(join(tmpdir(), `sd-e2e-${name}-`));

/** The models dist/<target> ships (models/index.json, written by the build). */
export function builtModels(target: 'chrome' | 'firefox'): string[] {
  const index = join(DIST, 'test', target, 'models/index.json');
  if (!existsSync(index)) throw new Error(`${index} is missing: run \`npm run build && npm run build:test\` first`);
  return JSON.parse(readFileSync(index, 'utf8')) as string[];
}

/** The built extension to load, dist/<target>, which must ship both trained models (the tests read real digits). */
function extensionDir(target: 'chrome' | 'firefox'): string {
  const models = builtModels(target);
  if (models.join() !== 'mlp,cnn') throw new Error(`dist/test/${target} ships models [${models}], not mlp and cnn: run \`npm run build:test\``);
  return join(DIST, 'test', target);
}

// ---------------------------------------------------------------------------------------------------------------
// Chromium: the background is a service worker; activeTab comes from running the extension's action on the tab.

export async function chromium(): Promise<Session> {
  const profile = tempProfile('chromium');
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    pipe: true,
    enableExtensions: true,
    userDataDir: profile,
    args: CHROMIUM_FLAGS,
  });
  const id = await browser.installExtension(extensionDir('chrome'));
  const target = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${id}/`));
  const sw = (await target.worker()) as WebWorker;
  const cdp = await browser.target().createCDPSession();

  /** The same activeTab grant a context-menu click gives (Extensions.triggerAction runs the toolbar action). */
  async function grantActiveTab(page: Page): Promise<void> {
    // The action runs on a tab target, not the page target inside it (puppeteer keeps its id as _tabId).
    const tabId = (page as unknown as { _tabId?: string })._tabId;
    if (!tabId) throw new Error(`no tab target for ${page.url()}`);
    await cdp.send('Extensions.triggerAction', { id, targetId: tabId });
    // The action opens the popup; close it so it does not take focus or CPU.
    const popup = await browser.waitForTarget((t) => t.url().startsWith(`chrome-extension://${id}/popup/`), { timeout: 5000 }).catch(() => null);
    await (await popup?.asPage())?.close();
  }

  return {
    name: 'chromium',
    browser,
    async open(url) {
      const page = await browser.newPage();
      await page.goto(url, { waitUntil: 'load' });
      await grantActiveTab(page);
      return page;
    },
    click: (page, srcUrl) =>
      sw.evaluate(
        async (srcUrl, pageUrl) => {
          const tabs: { url?: string }[] = await (globalThis as any).chrome.tabs.query({});
          const tab = tabs.find((t) => t.url === pageUrl);
          const handle = (globalThis as unknown as { handleImageClick: Function }).handleImageClick;
          return handle({ menuItemId: 'seeing-digits-classify', srcUrl, pageUrl, frameId: 0 }, tab);
        },
        srcUrl,
        page.url(),
      ) as Promise<AnalyzeOutcome>,
    async extensionPage(path) {
      const page = await browser.newPage();
      await page.goto(`chrome-extension://${id}/${path}`);
      return page;
    },
    closeOffscreen: () =>
      sw.evaluate(async () => {
        const chrome = (globalThis as any).chrome;
        await chrome.offscreen.closeDocument();
        return (await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length;
      }) as Promise<number>,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Firefox: the background is an event page, reached from an extension page with runtime.getBackgroundPage().
// activeTab cannot be granted without a real menu; the tests grant the page's site through the options page (the
// same prompt-free path a user takes with extensions.webextOptionalPermissionPrompts off).

export async function firefox(): Promise<Session> {
  const profile = tempProfile('firefox');
  const uuid = randomUUID();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ID]: uuid }),
      'services.settings.server': 'data:,#remote-settings-dummy/v1',
      // permissions.request resolves without the doorhanger (headless cannot click it); still needs a user gesture.
      'extensions.webextOptionalPermissionPrompts': false,
    },
    env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' },
  });
  await browser.installExtension(extensionDir('firefox'));
  const base = `moz-extension://${uuid}/`;

  async function extensionPage(path: string): Promise<Page> {
    const page = await browser.newPage();
    void page.goto(base + path).catch(() => undefined); // never resolves for moz-extension: (browser-testing.md)
    await poll(() => page.evaluate(() => document.readyState === 'complete' && typeof (globalThis as any).browser === 'object'), `${path} to load`);
    return page;
  }
  let bg: Page | null = null;
  const background = async () => (bg ??= await extensionPage('options/index.html'));

  async function grantSite(url: string): Promise<void> {
    const origin = new URL(url).origin;
    const page = await extensionPage(`options/index.html?grant=${encodeURIComponent(origin)}`);
    await page.click('[data-testid="allow"]');
    const pattern = `${new URL(origin).protocol}//${new URL(origin).hostname}/*`;
    await poll(() => page.evaluate((p) => (globalThis as any).browser.permissions.contains({ origins: [p] }), pattern), `access to ${pattern}`);
    await page.close();
  }

  return {
    name: 'firefox',
    browser,
    async open(url) {
      await grantSite(url);
      const page = await browser.newPage();
      await page.goto(url, { waitUntil: 'load' });
      return page;
    },
    async click(page, srcUrl) {
      const pageUrl = page.url();
      return (await background()).evaluate(
        async (srcUrl, pageUrl) => {
          const api = (globalThis as any).browser;
          const tab = ((await api.tabs.query({})) as { url?: string }[]).find((t) => t.url === pageUrl);
          const bgWindow = (await api.runtime.getBackgroundPage()) as { handleImageClick: Function };
          return bgWindow.handleImageClick({ menuItemId: 'seeing-digits-classify', srcUrl, pageUrl, frameId: 0 }, tab);
        },
        srcUrl,
        pageUrl,
      ) as Promise<AnalyzeOutcome>;
    },
    extensionPage,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function poll<T>(fn: () => Promise<T>, what: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
}
