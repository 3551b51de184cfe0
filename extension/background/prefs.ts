/**
 * The settings the popup keeps (engine, saliency method), read here because Chrome's offscreen document has no
 * storage API. Read on every click, so a change in the popup applies to the next one.
 */
import browser from 'webextension-polyfill';
import type { AnalyzePrefs } from '../messages.ts';
import { loadSettings, type KeyValue } from '../shared/settings.ts';

// storage.local directly: the settings module's openStore() imports the polyfill dynamically, and service
// workers may not import().
const local: KeyValue = {
  get: async (key) => (await browser.storage.local.get(key))[key],
  set: (key, value) => browser.storage.local.set({ [key]: value }),
};

export async function analyzePrefs(): Promise<AnalyzePrefs> {
  const s = await loadSettings(local);
  return { engine: s.engine, saliency: { method: s.saliency.method, steps: s.saliency.steps } };
}
