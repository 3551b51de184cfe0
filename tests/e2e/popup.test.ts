/**
 * The popup and the explorer in Chromium and Firefox ESR, driven with real pointer strokes (puppeteer's mouse:
 * pointerdown/move/up through the browser's input pipeline, so pointer capture and coalesced events are exercised).
 * The drawn digits must be read correctly by the shipped models. Screenshots go to artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, builtModels, chromium, firefox, poll, type Session } from '../../scripts/browsers.ts';
import { analyses, canvasStats, DIGITS, draw, settled, text, type Pt } from './pad.ts';
import { sketchStrokes } from '../../src/data/sketches.ts';

/** The 28×28 model input shown in the popup, as grey levels. */
const inputPixels = (page: Page) =>
  page.$eval('[data-testid="input-preview"]', (c) => {
    const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 28, 28).data;
    return Array.from({ length: 784 }, (_, i) => d[i * 4]);
  });

/** Total ink and the extent of pixels brighter than 30/255. */
function inkSummary(px: number[]): { ink: number; width: number; height: number } {
  let ink = 0, x0 = 28, x1 = -1, y0 = 28, y1 = -1;
  px.forEach((v, i) => {
    ink += v;
    if (v <= 30) return;
    [x0, x1, y0, y1] = [Math.min(x0, i % 28), Math.max(x1, i % 28), Math.min(y0, Math.floor(i / 28)), Math.max(y1, Math.floor(i / 28))];
  });
  return { ink, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

for (const [name, launch, target] of [
  ['chromium', chromium, 'chrome'],
  ['firefox', firefox, 'firefox'],
] as const) {
  describe(`popup and explorer in ${name}`, () => {
    let session: Session;
    let page: Page;
    const shot = async (p: Page, what: string) => {
      mkdirSync(ARTIFACTS, { recursive: true });
      await p.screenshot({ path: join(ARTIFACTS, `${name}-${what}.png`) });
    };
    const expectDigit = (got: string, label: number) => expect(got).toBe(String(label));

    beforeAll(async () => {
      expect(builtModels(target), 'the trained models in dist/').toEqual(['mlp', 'cnn']);
      session = await launch();
      page = await session.extensionPage('popup/index.html');
      await page.setViewport({ width: 780, height: 600 });
      await poll(() => page.$('[data-testid="engine"].ready'), 'the engine to start', 30_000);
    }, 90_000);

    afterAll(async () => {
      await session?.close();
    });

    it('starts empty with a hint, not an error, on the SIMD engine', async () => {
      expect(await text(page, 'engine')).toBe('SIMD (WebAssembly)');
      expect(await text(page, 'hint')).toContain('Draw a digit');
      expect(await page.$eval('[data-testid="error"]', (e) => (e as HTMLElement).hidden)).toBe(true);
      expect(await text(page, 'prediction-mlp')).toBe('');
      expect(await text(page, 'prediction-cnn')).toBe('');
    });

    for (const key of ['one', 'zero', 'seven'] as const) {
      it(`reads a drawn ${DIGITS[key].label} with both models, with activations and saliency`, async () => {
        await page.click('[data-testid="clear"]').catch(() => undefined); // disabled when already empty
        const before = await analyses(page);
        await draw(page, DIGITS[key].strokes);
        await settled(page, before);
        expectDigit(await text(page, 'prediction-mlp'), DIGITS[key].label);
        expectDigit(await text(page, 'prediction-cnn'), DIGITS[key].label);
        expect(await page.$eval('[data-testid="hint"]', (e) => (e as HTMLElement).hidden)).toBe(true);
        expect(await text(page, 'timing')).toMatch(/^\d+\.\d ms$/);

        // The model input: a white digit on black, several grey levels.
        const [input] = await canvasStats(page, '[data-testid="input-preview"]');
        expect(input.colours).toBeGreaterThan(5);
        // The MLP's hidden layers and logits: one canvas each, many colours.
        const mlp = await canvasStats(page, '[data-testid="activations-mlp"] canvas[data-layer]');
        expect(mlp.map((c) => c.colours > 5)).toEqual([true, true, true]);
        // Saliency: coloured over the sketch and in both thumbnails.
        const [overlay] = await canvasStats(page, '[data-testid="overlay"]');
        expect(overlay.opaque).toBeGreaterThan(100);
        for (const id of ['mlp', 'cnn']) {
          const [thumb] = await canvasStats(page, `[data-testid="saliency-${id}"]`);
          expect(thumb.tinted, `${id} saliency`).toBeGreaterThan(10);
        }
        await shot(page, `popup-${key}`);
      });
    }

    it('reads several digits drawn side by side as a number', async () => {
      await page.click('[data-testid="clear"]').catch(() => undefined);
      const shift = (strokes: Pt[][], dx: number, f = 0.45): Pt[][] => strokes.map((s) => s.map(([x, y]): Pt => [0.5 * f + dx + (x - 0.5) * f, 0.5 + (y - 0.5) * f]));
      await draw(page, [...shift(DIGITS.one.strokes, 0.1), ...shift(DIGITS.seven.strokes, 0.45)]);
      await poll(async () => ((await text(page, 'pad-status')).startsWith('Reads 17') ? true : null), 'the number 17');
      expect(await text(page, 'pad-status')).toMatch(/^Reads 17 \(MLP 17 · CNN 17\)/);
      await shot(page, 'popup-number');
      await page.click('[data-testid="clear"]');
    });

    it('reads one hand-drawn digit of each class, 0 to 9, with the CNN', async () => {
      const read: string[] = [];
      for (let d = 0; d <= 9; d++) {
        await page.click('[data-testid="clear"]').catch(() => undefined);
        const before = await analyses(page);
        // The sketch templates (src/data/sketches.ts) in pad units, drawn as real pointer strokes.
        // (Their splines are dense already: every other point, no extra steps between them.)
        await draw(page, sketchStrokes(d, 1, 0).map((s) => s.filter((_, i) => i % 2 === 0 || i === s.length - 1)), 1);
        await settled(page, before);
        read.push(await text(page, 'prediction-cnn'));
      }
      expect(read).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    });

    it.runIf(name === 'chromium')('draws with a finger too (touch → pointer events, pointer capture)', async () => {
      await page.setViewport({ width: 780, height: 600, hasTouch: true });
      await page.click('[data-testid="clear"]');
      const n = await analyses(page);
      const box = (await (await page.$('[data-testid="sketch"]'))!.boundingBox())!;
      const at = (x: number, y: number): [number, number] => [box.x + x * box.width, box.y + y * box.height];
      await page.touchscreen.touchStart(...at(0.52, 0.18));
      for (let i = 1; i <= 12; i++) await page.touchscreen.touchMove(...at(0.52 - 0.04 * (i / 12), 0.18 + 0.64 * (i / 12)));
      await page.touchscreen.touchEnd();
      await settled(page, n);
      expectDigit(await text(page, 'prediction-cnn'), 1);
      // (Changing hasTouch makes puppeteer reload the page: wait for it to come back.)
      await page.setViewport({ width: 780, height: 600, hasTouch: false });
      await poll(async () => /^\d$/.test(await text(page, 'prediction-cnn')), 'the page to come back', 30_000);
    });

    it('shows the CNN’s feature maps channel by channel', async () => {
      await page.click('[data-testid="tab-cnn"]');
      await poll(() => page.$('[data-testid="activations-cnn"] canvas[data-layer]'), 'the CNN layers');
      const maps = await canvasStats(page, '[data-testid="activations-cnn"] canvas[data-layer]');
      expect(maps.length).toBeGreaterThanOrEqual(3); // conv1, conv2, dense, logits (pooling only in the explorer)
      expect(maps.every((c) => c.colours > 3)).toBe(true);
      await shot(page, 'popup-cnn-layers');
      await page.click('[data-testid="tab-mlp"]');
    });

    it('explains another class when its bar is clicked, with any saliency method', async () => {
      let n = await analyses(page);
      await page.click('[data-testid="bars-mlp"] [data-digit="3"]');
      n = await settled(page, n);
      expect(await text(page, 'target')).toBe('3');
      await page.select('[data-testid="saliency-method"]', 'integrated-gradients');
      await settled(page, n);
      const [overlay] = await canvasStats(page, '[data-testid="overlay"]');
      expect(overlay.opaque).toBeGreaterThan(100);
      await page.click('[data-testid="target-reset"]');
    });

    it('undoes stroke by stroke (Ctrl+Z and the button) back to the hint', async () => {
      await page.click('[data-testid="clear"]');
      let n = await analyses(page);
      await draw(page, DIGITS.seven.strokes);
      n = await settled(page, n);
      await page.keyboard.down('Control');
      await page.keyboard.press('z');
      await page.keyboard.up('Control');
      n = await settled(page, n);
      expect(await text(page, 'prediction-mlp')).toMatch(/^\d$/); // one stroke left
      await page.click('[data-testid="undo"]');
      await poll(async () => (await text(page, 'prediction-mlp')) === '', 'the empty state');
      expect(await text(page, 'hint')).toContain('Draw a digit');
    });

    it('keeps the sketch and the settings when the popup is closed and opened again', async () => {
      let n = await analyses(page);
      await draw(page, DIGITS.one.strokes);
      n = await settled(page, n);
      const digit = await text(page, 'prediction-cnn');
      const input = await inputPixels(page);
      await page.select('[data-testid="saliency-method"]', 'smoothgrad');
      await settled(page, n);
      await page.close();
      page = await session.extensionPage('popup/index.html');
      await page.setViewport({ width: 780, height: 600 });
      await poll(async () => /^\d$/.test(await text(page, 'prediction-cnn')), 'the restored sketch to be analysed', 30_000);
      // The same model input. Strokes are stored to 1e-4 of the pad: the antialiasing may differ by a grey level,
      // which can move the centre of mass across a pixel boundary, so compare ink and extent, not pixels.
      const [a, b] = [inkSummary(input), inkSummary(await inputPixels(page))];
      expect(Math.abs(a.ink - b.ink) / a.ink).toBeLessThan(0.02);
      expect(Math.abs(a.width - b.width) + Math.abs(a.height - b.height)).toBeLessThanOrEqual(1);
      expect(await text(page, 'prediction-cnn')).toBe(digit);
      expect(await page.$eval('[data-testid="saliency-method"]', (s) => (s as HTMLSelectElement).value)).toBe('smoothgrad');
      await page.select('[data-testid="saliency-method"]', 'gradient-x-input');
    });

    it('explorer: the same sketch, all saliency methods, PCA map, neurons, comparison', async () => {
      const ex = await session.extensionPage('explorer/index.html');
      await ex.setViewport({ width: 1400, height: 900 });
      await poll(() => ex.$('[data-testid="engine"].ready'), 'the explorer engine', 30_000);
      // The popup's sketch (a 1) is shared through storage.
      await poll(async () => /^\d$/.test(await text(ex, 'prediction-mlp')), 'the restored sketch in the explorer', 30_000);
      expectDigit(await text(ex, 'prediction-mlp'), 1);
      await ex.click('[data-testid="clear"]');
      let n = await analyses(ex);
      await draw(ex, DIGITS.seven.strokes);
      n = await settled(ex, n);
      expectDigit(await text(ex, 'prediction-cnn'), 7);
      expect((await canvasStats(ex, '[data-testid="activations-cnn"] canvas[data-layer]')).length).toBeGreaterThanOrEqual(6);
      await shot(ex, 'explorer-layers');

      await ex.click('[data-testid="view-saliency"]');
      await poll(async () => {
        const cells = await canvasStats(ex, '[data-testid^="saliency-"][data-testid$="-cnn"], [data-testid^="saliency-"][data-testid$="-mlp"]');
        return cells.length === 10 && cells.every((c) => c.tinted > 10); // 8 grid cells + the 2 sidebar thumbnails
      }, 'all four methods for both models');
      await shot(ex, 'explorer-saliency');

      await ex.click('[data-testid="view-pca"]');
      await poll(async () => /^Your \d \(as the MLP reads it\) lands among: \d+ × \d/.test(await text(ex, 'pca-where')), 'the sketch placed on the map');
      await shot(ex, 'explorer-pca');

      await ex.click('[data-testid="view-neurons"]');
      await poll(() => ex.$('[data-testid="unit-weights"] canvas'), 'the neuron’s weights');
      await poll(async () => /^Its output: −?\d\.\d{3} \(pre-activation −?\d+\.\d{3}\) · higher than \d+\.\d\d % of/.test((await text(ex, 'unit-now')).replace('For your sketch', '')), 'the neuron’s value for the sketch');
      await shot(ex, 'explorer-neurons');

      await ex.click('[data-testid="view-compare"]');
      expect(await text(ex, 'compare-verdict')).toMatch(/Both read a \d|The MLP reads a \d, the CNN a \d/);
      await shot(ex, 'explorer-compare');

      await ex.click('[data-testid="view-settings"]');
      expect(await text(ex, 'engine-status')).toMatch(/Running SIMD \(WebAssembly\)/);
      await ex.close();
    });

    it.runIf(name === 'chromium')('falls back to TensorFlow.js on WebGL when SIMD is switched off in the settings', async () => {
      const ex = await session.extensionPage('explorer/index.html');
      await ex.setViewport({ width: 1400, height: 900 });
      await poll(() => ex.$('[data-testid="engine"].ready'), 'the explorer engine', 30_000);
      await ex.click('[data-testid="view-settings"]');
      await ex.click('[data-testid="engine-choice"] input[value="tfjs-webgl"]');
      await poll(async () => /WebGL/.test(await text(ex, 'engine')), 'the WebGL engine', 60_000);
      await ex.click('[data-testid="view-layers"]').catch(() => undefined);
      await ex.click('[data-testid="clear"]');
      const n = await analyses(ex);
      await draw(ex, DIGITS.seven.strokes);
      await settled(ex, n);
      expect(await text(ex, 'engine')).toBe('WebGL (TensorFlow.js)');
      expect(await text(ex, 'prediction-mlp')).toBe('7');
      expect(await text(ex, 'prediction-cnn')).toBe('7');
      // Back to automatic choice (SIMD), for the tests after this one.
      await ex.click('[data-testid="view-settings"]');
      await ex.click('[data-testid="engine-choice"] input[value="auto"]');
      await poll(async () => /SIMD/.test(await text(ex, 'engine')), 'the SIMD engine again', 30_000);
      await ex.close();
    });

    it('opens the explorer in a tab from the popup', async () => {
      const before = new Set(await session.browser.pages());
      await page.click('[data-testid="open-explorer"]');
      // (Ask each new page where it is: Firefox's puppeteer reports moz-extension: tabs as about:blank.)
      await poll(async () => {
        const added = (await session.browser.pages()).filter((p) => !before.has(p));
        const where = await Promise.all(added.map((p) => p.evaluate(() => location.href).catch(() => '')));
        return where.some((u) => u && new URL(u).pathname === '/explorer/index.html'); // (the explorer adds #view)
      }, 'the explorer tab');
    });
  });
}
