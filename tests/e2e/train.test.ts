/**
 * The Train view in real browsers (issue 12): the notebook's MLP trained for one epoch from the view reaches ≥ 95 %
 * test accuracy and reports its speed; impossible settings are refused with a message before anything runs; a model
 * trained in the page is saved, picked in the popup, and reads a drawn digit.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, chromium, firefox, poll, type Session } from '../../scripts/browsers.ts';
import { analyses, DIGITS, draw, settled } from './pad.ts';
import { serveDemo } from '../../scripts/demo-server.ts';
import type { DemoManifest } from '../../scripts/demo-assets.ts';
import { DIST } from '../../scripts/browsers.ts';
import { readFileSync } from 'node:fs';
import { createService } from '../../worker/service.ts';
import { nodeDeps } from '../../worker/node-deps.ts';

const text = (page: Page, id: string) => page.$eval(`[data-testid="${id}"]`, (e) => e.textContent ?? '');

async function setValue(page: Page, id: string, value: string): Promise<void> {
  await page.$eval(
    `[data-testid="${id}"]`,
    (e, v) => {
      const el = e as HTMLInputElement;
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    },
    value,
  );
}

async function openTrain(session: Session): Promise<Page> {
  const page = await session.extensionPage('explorer/index.html#train');
  await poll(() => page.$('[data-testid="train-start"]'), 'the Train view');
  return page;
}

for (const [name, launch] of [
  ['chromium', chromium],
  ['firefox', firefox],
] as const) describe(`the Train view in ${name}`, () => {
  let session: Session;
  let page: Page;
  beforeAll(async () => {
    session = await launch();
    page = await openTrain(session);
  }, 60_000);
  afterAll(async () => session?.close());

  it('refuses impossible settings with a message, before anything runs', async () => {
    for (const [id, value, message] of [
      ['train-hidden', '128,0', /hidden layer 2 has 0 units/],
      ['train-lr', 'abc', /learning rate must be a number above 0/],
      ['train-batch', '0', /batch size must be a whole number/],
      ['train-hidden', '4096,4096', /parameters, too many to train here/],
    ] as const) {
      await setValue(page, id, value);
      expect(await text(page, 'train-error')).toMatch(message);
      await page.click('[data-testid="train-start"]');
      expect(await text(page, 'train-status')).toBe('not started');
      await setValue(page, id, { 'train-hidden': '128,64', 'train-lr': '0.003', 'train-batch': '64' }[id]);
    }
    expect(await text(page, 'train-error')).toBe('');
    expect(await text(page, 'train-params')).toBe('109,386 parameters');
  });

  it('one epoch of the notebook MLP (784-128-64-10 tanh, batch 64, Adam) reaches ≥ 95 % and reports images/s', async () => {
    await setValue(page, 'train-epochs', '1');
    // "Both cores" is on where the machine has two (this one has), but the MLP's steps are too small to gain.
    expect(await page.$eval('[data-testid="train-cores"]', (e) => (e as HTMLInputElement).checked)).toBe(true);
    await page.click('[data-testid="train-start"]');
    await poll(async () => ((await page.$eval('[data-testid="train-threads"]', (e) => (e as HTMLElement).dataset.threads)) ? true : null), 'the plan');
    expect(await text(page, 'train-threads')).toMatch(/^ on 1 thread \(a step of this network is too small to gain from a second thread/);
    await poll(async () => /epoch 1/.test(await text(page, 'train-status')) || null, 'the run to start', 60_000);
    const status = await poll(async () => {
      const s = await text(page, 'train-status');
      return /^done/.test(s) ? s : null;
    }, 'the epoch to finish', 180_000).catch(async (e) => {
      throw new Error(`${e.message}; status "${await text(page, 'train-status')}", error "${await text(page, 'train-error')}"`);
    });
    expect(status).toMatch(/epoch 1 of 1/);
    const accuracy = parseFloat(await text(page, 'train-test-accuracy'));
    expect(accuracy).toBeGreaterThanOrEqual(95);
    const speed = Number((await text(page, 'train-speed')).replace(/[^\d]/g, ''));
    expect(speed).toBeGreaterThan(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, `train-${name}.json`), JSON.stringify({ browser: name, accuracy, imagesPerSecond: speed }) + '\n');
    console.log(`Train view, ${name}: test accuracy ${accuracy} %, ${speed} images/s`);
  }, 240_000);

  it('a model trained here is saved, picked in the popup, and reads a drawn digit there', async () => {
    await setValue(page, 'train-name', 'e2e notebook MLP');
    await page.click('[data-testid="train-save"]');
    await poll(async () => /Saved as “e2e notebook MLP”/.test(await text(page, 'train-saved')) || null, 'the save');
    expect(await text(page, 'train-models')).toMatch(/e2e notebook MLP — 109,386 parameters, 0\.\d\d MB, 9\d\.\d\d % test accuracy/);
    expect(await text(page, 'train-store-used')).toMatch(/^0\.\d\d MB of 64\.0 MB used\.$/);

    const popup = await session.extensionPage('popup/index.html');
    await popup.setViewport({ width: 780, height: 600 });
    await poll(() => popup.$('[data-testid="engine"].ready'), 'the popup engine', 30_000);
    await poll(() => popup.$('[data-testid="model-choice"] option[value="e2e notebook MLP"]'), 'the stored model in the picker');
    await popup.select('[data-testid="model-choice"]', 'e2e notebook MLP');
    await poll(async () => /“e2e notebook MLP” is shown as the MLP/.test(await text(popup, 'model-choice-note')) || null, 'the session with the user model', 30_000);
    await poll(() => popup.$('[data-testid="engine"].ready'), 'the popup engine again', 30_000);
    for (const key of ['seven', 'zero'] as const) {
      await popup.click('[data-testid="clear"]').catch(() => undefined);
      const before = await analyses(popup);
      await draw(popup, DIGITS[key].strokes);
      await settled(popup, before);
      expect(await text(popup, 'prediction-mlp')).toBe(String(DIGITS[key].label));
    }
    await popup.close();
  }, 120_000);

  it('the page panel reads with the chosen model too (its MLP probabilities are not the shipped MLP\'s; the CNN\'s are)', async () => {
    const dir = join(DIST, 'demo');
    const demo: DemoManifest = JSON.parse(readFileSync(join(dir, 'digits.json'), 'utf8'));
    const site = await serveDemo(dir);
    try {
      const tab = await session.open(site.origin + '/');
      const d = demo.digits.find((x) => x.label === 7)!;
      const outcome = await session.click(tab, new URL(d.file, site.origin + '/').href);
      if (!outcome.ok) throw new Error(outcome.error.message);
      const [mlp, cnn] = ['mlp', 'cnn'].map((id) => outcome.result.models.find((m) => m.id === id)!);
      expect(mlp.digit).toBe(7);
      const shipped = await createService(nodeDeps()).analyze({ kind: 'mnist', pixels: Float32Array.from(outcome.result.input) }, { models: ['mlp', 'cnn'] });
      if (!shipped.ok) throw new Error(shipped.message);
      const diff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
      expect(diff(cnn.probs, shipped.models[1].probs)).toBeLessThan(1e-4);
      expect(diff(mlp.probs, shipped.models[0].probs)).toBeGreaterThan(1e-3);
      await tab.close();
    } finally {
      await site.close();
    }
  }, 60_000);

  it('survives closing the tab: the last epoch’s checkpoint is offered on reopening and the run resumes from it', async () => {
    await setValue(page, 'train-hidden', '32');
    await setValue(page, 'train-epochs', '20');
    await page.click('[data-testid="train-start"]');
    await poll(async () => /^epoch [2-9]/.test((await text(page, 'train-status')).replace(/^training: /, '')) || null, 'epoch 1 to finish', 120_000);
    await page.close();
    page = await openTrain(session);
    await poll(() => page.$('[data-testid="train-resume-offer"]:not([hidden])'), 'the resume offer');
    const offer = await text(page, 'train-resume-offer');
    const done = Number(/after epoch (\d+) of 20/.exec(offer)![1]);
    expect(done).toBeGreaterThanOrEqual(1);
    await page.click('[data-testid="train-resume"]');
    await poll(async () => new RegExp(`epoch ${done + 1} of 20`).test(await text(page, 'train-status')) || null, 'the resumed run', 60_000);
    await page.click('[data-testid="train-stop"]');
    await poll(async () => /^stopped/.test(await text(page, 'train-status')) || null, 'the stop');
    // Once it says stopped, a new run can be started (not only after the next poll: a click there was lost).
    expect(await page.$eval('[data-testid="train-start"]', (e) => (e as HTMLButtonElement).disabled)).toBe(false);
  }, 240_000);

  it('a CNN trains on both cores: each batch split over two threads, one epoch ≥ 97 %', async () => {
    await page.select('[data-testid="train-model"]', 'cnn');
    await setValue(page, 'train-epochs', '1');
    await page.click('[data-testid="train-start"]');
    await poll(async () => ((await page.$eval('[data-testid="train-threads"]', (e) => (e as HTMLElement).dataset.threads)) === '2' ? true : null), 'the two-thread plan', 60_000).catch(async (e) => {
      throw new Error(`${e.message}; threads "${await text(page, 'train-threads')}", status "${await text(page, 'train-status')}", error "${await text(page, 'train-error')}"`);
    });
    expect(await text(page, 'train-threads')).toBe(' on 2 threads');
    await poll(async () => /^done/.test(await text(page, 'train-status')) || null, 'the epoch to finish', 240_000);
    expect(parseFloat(await text(page, 'train-test-accuracy'))).toBeGreaterThanOrEqual(97);
    await page.select('[data-testid="train-model"]', 'mlp');
  }, 300_000);
});
