// End-to-end latency in the real popup (Chromium, headless, the built extension): from the end of a pen stroke
// (pointerup) to updated predictions, activations and saliency on screen. The popup records, per analysis, when
// every view was updated and when the next frame ran (globalThis.__seeingDigits); this drives it with real
// pointer strokes of sketched digits and reports the distribution. Needs `npm run build` (npm run bench does it).
import type { Page } from 'puppeteer-core';
import { sketchStrokes } from '../src/data/sketches.ts';
import { chromium, firefox, poll, type Session } from '../scripts/browsers.ts';
import { addRow, note, quantile } from './rows.ts';

interface Stats {
  analyses: number;
  workerMs: number;
  roundTripMs: number;
  renderMs: number;
  inputToRenderMs: number;
  inputToFrameMs: number;
}

const stats = (page: Page) => page.evaluate(() => (globalThis as unknown as { __seeingDigits?: Stats }).__seeingDigits);

async function strokesToScreen(page: Page, method: string, digits: number): Promise<Stats[]> {
  await page.select('[data-testid="saliency-method"]', method);
  const box = (await (await page.$('[data-testid="sketch"]'))!.boundingBox())!;
  const out: Stats[] = [];
  for (let k = 0; k < digits; k++) {
    await page.click('[data-testid="clear"]').catch(() => undefined);
    for (const s of sketchStrokes(k % 10, 1, 1 + Math.floor(k / 10))) {
      const pts = s.filter((_, i) => i % 3 === 0 || i === s.length - 1).map(([x, y]) => [box.x + x * box.width, box.y + y * box.height] as const);
      await page.mouse.move(...pts[0]);
      await page.mouse.down();
      for (const p of pts.slice(1)) await page.mouse.move(...p);
      // Let the live updates during the stroke finish, so the measurement is of the stroke's end alone.
      await new Promise((r) => setTimeout(r, 120));
      const before = (await stats(page))?.analyses ?? 0;
      await page.mouse.up();
      const after = await poll(async () => {
        const s = await stats(page);
        return s && s.analyses > before ? s : null;
      }, 'the analysis after the stroke');
      out.push(after);
    }
  }
  return out;
}


/** The popup-frame-p95 row: Chromium, default saliency (gradient × input), stroke end to the next frame. */
export async function benchPopupP95({ digits = 20 } = {}): Promise<void> {
  let session: Session | undefined;
  try {
    session = await chromium();
    const page = await session.extensionPage('popup/index.html');
    await page.setViewport({ width: 780, height: 600 });
    await poll(() => page.$('[data-testid="engine"].ready'), 'the engine', 30_000);
    const rows = await strokesToScreen(page, 'gradient-x-input', digits);
    const ms = (k: keyof Stats) => rows.map((r) => r[k]);
    console.log(`popup (chromium, gradient × input, ${rows.length} strokes): worker median ${quantile(ms('workerMs'), 0.5).toFixed(1)} ms, views updated p95 ${quantile(ms('inputToRenderMs'), 0.95).toFixed(1)} ms, next frame p95 ${quantile(ms('inputToFrameMs'), 0.95).toFixed(1)} ms`);
    addRow({ case: 'popup-frame-p95', model: 'mlp+cnn', engine: 'simd', median: quantile(ms('inputToFrameMs'), 0.95), unit: 'ms' });
    addRow({ case: 'popup-render-p95', model: 'mlp+cnn', engine: 'simd', median: quantile(ms('inputToRenderMs'), 0.95), unit: 'ms' });
  } catch (e) {
    note(`popup-frame-p95: failed (${(e as Error).message})`);
  } finally {
    await session?.close();
  }
}

export async function benchPopup({ digits = 20 } = {}): Promise<void> {
  console.log('\n## Popup: stroke end → predictions, activations and saliency on screen (real browser)\n');
  console.log('| browser | saliency | strokes | worker median | views updated: median / p95 | next frame: median / p95 |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const [name, launch] of [['chromium', chromium], ['firefox', firefox]] as const) {
    let session: Session | undefined;
    try {
      session = await launch();
      const page = await session.extensionPage('popup/index.html');
      await page.setViewport({ width: 780, height: 600 });
      await poll(() => page.$('[data-testid="engine"].ready'), 'the engine', 30_000);
      for (const method of ['gradient-x-input', 'integrated-gradients']) {
        const rows = await strokesToScreen(page, method, digits);
        const f = (k: keyof Stats, p: number) => quantile(rows.map((r) => r[k]), p).toFixed(1);
        console.log(`| ${name} | ${method} | ${rows.length} | ${f('workerMs', 0.5)} ms | ${f('inputToRenderMs', 0.5)} / ${f('inputToRenderMs', 0.95)} ms | ${f('inputToFrameMs', 0.5)} / ${f('inputToFrameMs', 0.95)} ms |`);
      }
    } catch (e) {
      console.log(`| ${name} | — | — | failed: ${(e as Error).message} | | |`);
    } finally {
      await session?.close();
    }
  }
}
