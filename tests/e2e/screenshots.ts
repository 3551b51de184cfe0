/**
 * Screenshots for looking at the UI (issue 9): the popup at 800×600 and 400×600, every explorer tab at 1024×700 and
 * 1400×1000, light and dark, with a digit drawn. Written to artifacts/screens/ (git-ignored). Run by the e2e test
 * ux.test.ts, or alone: `npx tsx tests/e2e/screenshots.ts [chromium|firefox]` after `npm run build`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { ARTIFACTS, chromium, firefox, poll, type Session } from '../../scripts/browsers.ts';
import { analyses, DIGITS, draw, settled, text } from './pad.ts';

export const SCREENS = join(ARTIFACTS, 'screens');
export const EXPLORER_TABS = ['layers', 'saliency', 'pca', 'neurons', 'compare', 'settings'] as const;
export const POPUP_SIZES = [
  [800, 600],
  [400, 600],
] as const;
export const EXPLORER_SIZES = [
  [1024, 700],
  [1400, 1000],
] as const;

/** Forces the theme through the settings the pages read (storage); pages opened after this show it. */
export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate(async (theme) => {
    const g = globalThis as unknown as { chrome?: any; browser?: any };
    const storage = (g.browser ?? g.chrome).storage.local;
    const { settings } = await storage.get('settings');
    await storage.set({ settings: { ...(settings ?? {}), theme } });
  }, theme);
}

export async function ready(page: Page): Promise<void> {
  await poll(() => page.$('[data-testid="engine"].ready'), 'the engine to start', 30_000);
}

/** Draws a 7 on a clear pad and waits for its analysis. */
export async function drawSeven(page: Page): Promise<void> {
  await page.click('[data-testid="clear"]').catch(() => undefined);
  const n = await analyses(page);
  await draw(page, DIGITS.seven.strokes);
  await settled(page, n);
}

export async function takeScreenshots(session: Session): Promise<string[]> {
  mkdirSync(SCREENS, { recursive: true });
  const files: string[] = [];
  const shoot = async (page: Page, name: string) => {
    const path = join(SCREENS, `${session.name}-${name}.png`);
    await page.screenshot({ path });
    files.push(path);
  };
  for (const theme of ['light', 'dark'] as const) {
    // (A fresh page rather than a reload: Firefox's puppeteer does not see moz-extension: reloads finish.)
    const first = await session.extensionPage('popup/index.html');
    await setTheme(first, theme);
    await first.close();
    const popup = await session.extensionPage('popup/index.html');
    await popup.setViewport({ width: 800, height: 600 });
    await ready(popup);
    await drawSeven(popup);
    for (const [w, hgt] of POPUP_SIZES) {
      await popup.setViewport({ width: w, height: hgt });
      await new Promise((r) => setTimeout(r, 200));
      await shoot(popup, `popup-${w}x${hgt}-${theme}`);
    }
    await popup.close();
    const ex = await session.extensionPage('explorer/index.html');
    await ex.setViewport({ width: 1400, height: 1000 });
    await ready(ex);
    await poll(async () => /^\d$/.test(await text(ex, 'prediction-cnn')), 'the sketch in the explorer', 30_000);
    for (const [w, hgt] of EXPLORER_SIZES) {
      await ex.setViewport({ width: w, height: hgt });
      for (const tab of EXPLORER_TABS) {
        await ex.click(`[data-testid="view-${tab}"]`);
        await new Promise((r) => setTimeout(r, 400));
        await shoot(ex, `explorer-${tab}-${w}x${hgt}-${theme}`);
      }
    }
    await ex.close();
  }
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const session = await (process.argv[2] === 'firefox' ? firefox() : chromium());
  try {
    for (const f of await takeScreenshots(session)) console.log(f);
  } finally {
    await session.close();
  }
}
