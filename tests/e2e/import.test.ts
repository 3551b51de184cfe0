/**
 * Opening a model in the extension (issue 13), in real browsers: a trained PyTorch CNN (tests/fixtures/onnx/
 * cnn_bn_dropout.onnx, 98.25 % test accuracy) opened in the options page through its file input, stored as imported,
 * picked in the popup, reads a drawn digit there — with its own probabilities, not the shipped CNN's; a file the
 * importer refuses shows its message and stores nothing; a duplicate name is refused; removing it takes it away.
 */
import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, firefox, poll, type Session } from '../../scripts/browsers.ts';
import { analyses, DIGITS, draw, settled, text } from './pad.ts';
import { createSimdEngineNode } from '../../src/engines/simd-node.ts';
import { loadModelFromFile } from '../../src/model/load-node.ts';
import { shippedModelDir } from '../../src/cli/models.ts';

const FIXTURES = new URL('../fixtures/onnx/', import.meta.url).pathname;
const IMPORTED = `${FIXTURES}cnn_bn_dropout.onnx`;

async function upload(page: Page, ...paths: string[]): Promise<void> {
  const input = (await page.$('[data-testid="import-file"]')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(...paths);
}

const status = (page: Page, re: RegExp, what: string) =>
  poll(async () => (re.test(await text(page, 'import-status')) ? text(page, 'import-status') : null), what, 30_000).catch(async (e) => {
    throw new Error(`${(e as Error).message}; status "${await text(page, 'import-status')}"`);
  });

/** The CNN card's probabilities as drawn (each bar's fill is scaleY(p) with p as the worker gave it). */
const cnnProbs = (page: Page) =>
  page.$$eval('[data-testid="bars-cnn"] .pred-card__fill', (fills) => fills.map((f) => Number(/scaleY\(([^)]+)\)/.exec((f as HTMLElement).style.transform)![1])));

/** The 28×28 input the popup shows (grey levels / 255): what the models were given, to 1/255. */
const inputPixels = (page: Page) =>
  page.$eval('[data-testid="input-preview"]', (c) => {
    const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 28, 28).data;
    return Array.from({ length: 784 }, (_, i) => d[i * 4] / 255);
  });

const maxDiff = (a: number[], b: ArrayLike<number>) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

async function drawn(popup: Page, key: keyof typeof DIGITS): Promise<{ digit: string; probs: number[]; input: number[] }> {
  await popup.click('[data-testid="clear"]').catch(() => undefined);
  const before = await analyses(popup);
  await draw(popup, DIGITS[key].strokes);
  await settled(popup, before);
  return { digit: await text(popup, 'prediction-cnn'), probs: await cnnProbs(popup), input: await inputPixels(popup) };
}

for (const [name, launch] of [
  ['chromium', chromium],
  ['firefox', firefox],
] as const) describe(`opening a model in ${name}`, () => {
  let session: Session;
  let options: Page;
  beforeAll(async () => {
    session = await launch();
    options = await session.extensionPage('options/index.html');
    await poll(() => options.$('[data-testid="import-file"]'), 'the settings form');
  }, 60_000);
  afterAll(async () => session?.close());

  it('a refused file shows the importer’s message and stores nothing', async () => {
    await upload(options, `${FIXTURES}refuse_selu.onnx`);
    await status(options, /^refuse_selu\.onnx: ONNX node '.*Selu.*': op Selu is not supported/, 'the refusal');
    expect(await options.$eval('[data-testid="import-add"]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    await upload(options, `${FIXTURES}keras_cnn/model.json`); // without its shard
    await status(options, /model\.json needs its weight file group1-shard1of1\.bin/, 'the missing shard');
    // model.json with its shard, picked together (multiple selection), reads; nothing is stored until "Add model".
    await upload(options, `${FIXTURES}keras_cnn/model.json`, `${FIXTURES}keras_cnn/group1-shard1of1.bin`);
    await status(options, /^\d[\d,]* parameters, 0\.\d\d MB; it will be shown as the CNN/, 'the model.json read with its shard');
    expect(await options.$eval('[data-testid="import-name"]', (i) => (i as HTMLInputElement).value)).toBe('model');
    await poll(async () => ((await text(options, 'stored-models')) === 'None yet.') || null, 'the empty store listed');
    await new Promise((r) => setTimeout(r, 300));
    expect(await text(options, 'stored-models')).toBe('None yet.');
  });

  it('a PyTorch CNN (.onnx) is stored as imported under its file name; a second one of that name is refused', async () => {
    await upload(options, IMPORTED);
    await status(options, /^26,698 parameters, 0\.10 MB; it will be shown as the CNN/, 'the parsed model');
    expect(await options.$eval('[data-testid="import-name"]', (i) => (i as HTMLInputElement).value)).toBe('cnn_bn_dropout');
    await options.click('[data-testid="import-add"]');
    await status(options, /^Added “cnn_bn_dropout”/, 'the model stored');
    await poll(async () => /cnn_bn_dropout — imported, 26,698 parameters, 0\.10 MB/.test(await text(options, 'stored-models')) || null, 'the stored list');
    expect(await options.$$eval('[data-testid="model-choice"] option', (o) => o.map((x) => (x as HTMLOptionElement).value))).toContain('cnn_bn_dropout');
    await upload(options, IMPORTED);
    await status(options, /parameters/, 'the same file again');
    await options.click('[data-testid="import-add"]');
    await status(options, /A model named “cnn_bn_dropout” is already stored/, 'the duplicate refused');
  });

  it('picked in the popup, it reads a drawn digit with its own probabilities (not the shipped CNN’s)', async () => {
    const popup = await session.extensionPage('popup/index.html');
    await popup.setViewport({ width: 780, height: 600 });
    await poll(() => popup.$('[data-testid="engine"].ready'), 'the popup engine', 30_000);
    const shippedRun = await drawn(popup, 'seven');
    await poll(() => popup.$('[data-testid="model-choice"] option[value="cnn_bn_dropout"]'), 'the imported model in the picker');
    await popup.select('[data-testid="model-choice"]', 'cnn_bn_dropout');
    await poll(async () => /“cnn_bn_dropout” is shown as the CNN/.test(await text(popup, 'model-choice-note')) || null, 'the session with the imported model', 30_000);
    await poll(() => popup.$('[data-testid="engine"].ready'), 'the popup engine again', 30_000);
    const importedRun = await drawn(popup, 'seven');
    expect(importedRun.digit).toBe('7');
    expect(maxDiff(importedRun.input, shippedRun.input)).toBeLessThan(1e-9); // the same strokes, the same input

    // Both models in Node on the input the popup shows: the popup's CNN card is the imported model's.
    const engine = await createSimdEngineNode();
    await engine.load('imported', await loadModelFromFile(IMPORTED));
    await engine.load('shipped', await loadModelFromFile(shippedModelDir('cnn')));
    const x = Float32Array.from(importedRun.input);
    const imported = (await engine.predict('imported', x)).probs;
    const shipped = (await engine.predict('shipped', x)).probs;
    const apart = maxDiff(Array.from(imported), shipped);
    console.log(`${name}: popup vs imported ${maxDiff(importedRun.probs, imported).toExponential(2)}, vs shipped ${maxDiff(importedRun.probs, shipped).toExponential(2)}; the models differ by ${apart.toExponential(2)}`);
    // Both read a clear 7 with confidence, so they differ little, but far more than the popup differs from either.
    expect(apart).toBeGreaterThan(1e-4);
    expect(maxDiff(importedRun.probs, imported)).toBeLessThan(apart / 20);
    expect(maxDiff(shippedRun.probs, shipped)).toBeLessThan(apart / 20);
    await popup.close();
  }, 120_000);

  it('the explorer’s Settings tab has the same form and lists the stored model', async () => {
    const explorer = await session.extensionPage('explorer/index.html#settings');
    await poll(async () => /cnn_bn_dropout — imported/.test(await text(explorer, 'stored-models').catch(() => '')) || null, 'the explorer’s stored list');
    expect(await explorer.$('[data-testid="import-file"]')).not.toBeNull();
    await explorer.close();
  });

  it('removed in the options page, it is gone from the store and the picker', async () => {
    await options.bringToFront();
    await options.click('[data-testid="stored-remove"]');
    await poll(async () => ((await text(options, 'stored-models')) === 'None yet.') || null, 'the removal');
    expect(await options.$$eval('[data-testid="model-choice"] option', (o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual(['']);
    const popup = await session.extensionPage('popup/index.html');
    await poll(() => popup.$('[data-testid="model-choice"]'), 'the popup picker');
    await new Promise((r) => setTimeout(r, 500));
    expect(await popup.$$eval('[data-testid="model-choice"] option', (o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual(['']);
    await popup.close();
  });
});
