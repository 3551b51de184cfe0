// The explorer's whole-network views in a real browser (headless, the built extension): how long after opening the
// page each precomputed view is on screen (target ≤ 1 s in Chromium), and from a click that switches a unit off
// to the frame showing the new predictions (target: within one frame, ≤ 16.7 ms). Needs `npm run build`.
import type { Page } from 'puppeteer-core';
import { chromium, firefox, poll, type Session } from '../scripts/browsers.ts';
import { quantile } from './rows.ts';

/** Per tab: what must be drawn for the view to count as shown (checked in the page, once a frame). */
const VIEWS = {
  compare: `document.querySelectorAll('[data-testid^="confusion-"] [data-cell]').length === 200 &&
    document.querySelectorAll('[data-testid="misclassified"] .nd-thumb').length > 0 && !!document.querySelector('[data-testid="per-class"] canvas')`,
  pca: `!!document.querySelector('[data-testid="probe"] canvas') && !!document.querySelector('[data-testid="pca-map"]')?.dataset.view &&
    !!document.querySelector('[data-testid="pca-variance"] canvas')`,
  neurons: `document.querySelectorAll('[data-testid="unit-grid"] .uv-unit').length === 128 && !!document.querySelector('[data-testid="histogram"] canvas') &&
    document.querySelectorAll('[data-testid="importance"] .uv-rank-row').length > 0`,
} as const;

interface Stats {
  analyses: number;
  workerMs: number;
  inputToRenderMs: number;
  inputToFrameMs: number;
  inFirstFrame: boolean | null;
}


/** ms from the page's time origin (navigation start) to the frame after `ready` first held. */
async function shownAfter(session: Session, tab: keyof typeof VIEWS): Promise<number> {
  const page = await session.extensionPage(`explorer/index.html#${tab}`);
  try {
    return await poll(
      // A string is evaluated by the debugging protocol, not by the page's eval (which its CSP forbids).
      () => page.evaluate(`new Promise((r) => requestAnimationFrame(() => r((${VIEWS[tab]}) ? performance.now() : null)))`) as Promise<number | null>,
      `the ${tab} view`,
      30_000,
    );
  } finally {
    await page.close();
  }
}

const stats = (page: Page) => page.evaluate(() => (globalThis as unknown as { __seeingDigits?: Stats }).__seeingDigits);

/** Clicks units of hidden1 on and off `clicks` times; the latency probe's numbers after each. */
async function ablationClicks(session: Session, clicks: number): Promise<Stats[]> {
  const page = await session.extensionPage('explorer/index.html#layers');
  await page.setViewport({ width: 1400, height: 1000 });
  await poll(() => page.$('[data-testid="engine"].ready'), 'the engine', 30_000);
  await page.select('[data-testid="load-digit"]', 'random');
  await poll(() => page.$('[data-unit="hidden1:0"]'), 'the unit buttons');
  await poll(async () => ((await stats(page))?.analyses ? true : null), 'the digit analysed');
  const out: Stats[] = [];
  for (let k = 0; k < clicks; k++) {
    const before = (await stats(page))?.analyses ?? 0;
    await page.click(`[data-unit="hidden1:${k % 16}"]`);
    out.push(await poll(async () => {
      const s = await stats(page);
      return s && s.analyses > before ? s : null;
    }, 'the analysis after the click'));
    await new Promise((r) => setTimeout(r, 50));
  }
  await page.close();
  return out;
}

export async function benchExplorer({ opens = 5, clicks = 40 } = {}): Promise<void> {
  console.log('\n## Explorer: opening → each precomputed view shown; a unit click → new predictions on screen (real browser)\n');
  console.log('| browser | MLP vs CNN (test set): median / max | Layer by layer: median / max | Neurons: median / max | click → views updated: median / p95 | click → next frame: median / p95 | in the first frame after the click |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [name, launch] of [['chromium', chromium], ['firefox', firefox]] as const) {
    let session: Session | undefined;
    try {
      session = await launch();
      const cells: string[] = [];
      for (const tab of Object.keys(VIEWS) as (keyof typeof VIEWS)[]) {
        const t: number[] = [];
        for (let i = 0; i < opens; i++) t.push(await shownAfter(session, tab));
        cells.push(`${quantile(t, 0.5).toFixed(0)} / ${Math.max(...t).toFixed(0)} ms`);
      }
      const rows = await ablationClicks(session, clicks);
      const f = (k: 'inputToRenderMs' | 'inputToFrameMs', p: number) => quantile(rows.map((r) => r[k]), p).toFixed(1);
      const first = rows.filter((r) => r.inFirstFrame).length;
      console.log(`| ${name} | ${cells.join(' | ')} | ${f('inputToRenderMs', 0.5)} / ${f('inputToRenderMs', 0.95)} ms | ${f('inputToFrameMs', 0.5)} / ${f('inputToFrameMs', 0.95)} ms | ${first} of ${rows.length} |`);
    } catch (e) {
      console.log(`| ${name} | failed: ${(e as Error).message} | | | | | |`);
    } finally {
      await session?.close();
    }
  }
}
