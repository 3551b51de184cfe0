/**
 * Chrome's offscreen document: a DOM context the service worker opens so that something can create the Web Worker
 * (service workers cannot) and rasterise images (SVG needs an <img>). Answers only the background's requests.
 */
import browser from 'webextension-polyfill';
import { analyzeSource } from '../host/analyzer.ts';
import { parseMessage } from '../messages.ts';
import { PATHS } from '../paths.ts';

const BACKGROUND = browser.runtime.getURL(PATHS.background.chrome);

browser.runtime.onMessage.addListener((raw: unknown, sender: browser.Runtime.MessageSender) => {
  if (sender.id !== browser.runtime.id || sender.url !== BACKGROUND) return undefined;
  const msg = parseMessage(raw, ['sd:offscreen-analyze'] as const);
  return msg ? analyzeSource(msg.source, msg.prefs) : undefined;
});
