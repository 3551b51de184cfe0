/**
 * Driving the sketch pad of the popup and the explorer from tests: digits as real pointer strokes, the texts and
 * canvases the pages show, and waiting for the last stroke's analysis. Shared by the e2e tests and the screenshots.
 */
import type { Page } from 'puppeteer-core';
import { poll } from '../../scripts/browsers.ts';

export type Pt = [number, number];

/** Digits as strokes in pad units (0..1), shaped like MNIST's. */
export const DIGITS: Record<'one' | 'zero' | 'seven', { label: number; strokes: Pt[][] }> = {
  one: { label: 1, strokes: [[[0.53, 0.18], [0.5, 0.5], [0.47, 0.82]]] },
  zero: {
    label: 0,
    strokes: [Array.from({ length: 25 }, (_, i): Pt => [0.5 + 0.2 * Math.sin((i / 24) * 2 * Math.PI), 0.5 - 0.3 * Math.cos((i / 24) * 2 * Math.PI)])],
  },
  seven: { label: 7, strokes: [[[0.3, 0.22], [0.7, 0.22]], [[0.7, 0.22], [0.58, 0.5], [0.46, 0.82]]] },
};

export async function draw(page: Page, strokes: Pt[][], steps = 8): Promise<void> {
  const box = (await (await page.$('[data-testid="sketch"]'))!.boundingBox())!;
  const at = ([x, y]: Pt): Pt => [box.x + x * box.width, box.y + y * box.height];
  for (const s of strokes) {
    await page.mouse.move(...at(s[0]));
    await page.mouse.down();
    for (const p of s.slice(1)) await page.mouse.move(...at(p), { steps });
    await page.mouse.up();
  }
}

export const text = (page: Page, id: string) => page.$eval(`[data-testid="${id}"]`, (e) => e.textContent ?? '');

/** Waits until the analyses counter passes `after` and stays put (the last stroke's analysis has been drawn). */
export async function settled(page: Page, after: number): Promise<number> {
  let last = -1;
  return poll(async () => {
    const n = await page.evaluate(() => Number(document.body.dataset.analyses ?? 0));
    const done = n > after && n === last;
    last = n;
    if (done) await new Promise((r) => setTimeout(r, 150));
    return done ? n : null;
  }, 'the analysis to settle');
}

export const analyses = (page: Page) => page.evaluate(() => Number(document.body.dataset.analyses ?? 0));

/** What the canvases show, summarised in the page. */
export function canvasStats(page: Page, selector: string) {
  return page.$$eval(selector, (canvases) =>
    (canvases as HTMLCanvasElement[]).map((c) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const colours = new Set<number>();
      let opaque = 0;
      let tinted = 0;
      for (let i = 0; i < d.length; i += 4) {
        colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        if (d[i + 3] > 0) opaque++;
        if (Math.abs(d[i] - d[i + 2]) > 40) tinted++;
      }
      return { width: c.width, height: c.height, colours: colours.size, opaque, tinted };
    }),
  );
}

