/**
 * Chrome: the service worker cannot create Workers, so an offscreen document runs the worker (and reads images
 * with the extension's rights) and answers by message. (Firefox's background page does it itself: firefox.ts.)
 */
import browser from 'webextension-polyfill';
import { isAnalyzeOutcome, type AnalyzeOutcome, type AnalyzePrefs, type ImageSource, type Message } from '../messages.ts';
import { errorOutcome } from '../shared/outcome.ts';
import { PATHS } from '../paths.ts';

/** The part of chrome.offscreen / chrome.runtime we use (not wrapped by webextension-polyfill). */
interface ChromeOffscreen {
  offscreen: { createDocument(p: { url: string; reasons: string[]; justification: string }): Promise<void> };
  runtime: { getContexts(f: { contextTypes: string[]; documentUrls: string[] }): Promise<unknown[]> };
}

const api = (globalThis as unknown as { chrome: ChromeOffscreen }).chrome;

let creating: Promise<void> | null = null;

async function ensureOffscreen(): Promise<void> {
  const url = browser.runtime.getURL(PATHS.offscreen);
  const open = await api.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'], documentUrls: [url] });
  if (open.length > 0) return;
  // Two clicks in quick succession must not both create it (the second createDocument would throw).
  creating ??= api.offscreen
    .createDocument({ url, reasons: ['WORKERS'], justification: 'Runs the digit models in a Web Worker.' })
    .finally(() => (creating = null));
  await creating;
}

export async function viaOffscreen(source: ImageSource, prefs: AnalyzePrefs): Promise<AnalyzeOutcome> {
  await ensureOffscreen();
  const msg: Message = { type: 'sd:offscreen-analyze', source, prefs };
  const reply: unknown = await browser.runtime.sendMessage(msg);
  return isAnalyzeOutcome(reply) ? reply : errorOutcome('engine', 'The analysis page sent a malformed answer.');
}
