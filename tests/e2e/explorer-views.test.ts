/**
 * The explorer's whole-network views in Chromium and Firefox, used as a person would: the test-set comparison
 * (confusion cells open their digits, a digit opens both models' saliency), the probe chart and the PCA of any layer
 * with the sketch's marker, every unit of a layer (histogram, ranking, activation maximisation), clicking units off
 * and on, and typicality on something that is no digit. What the pages show is checked against the shipped files
 * and the model weights. Screenshots of every view in artifacts/explorer-views/ (looked at).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, chromium, firefox, poll, ROOT, type Session } from '../../scripts/browsers.ts';
import { readPcaLayer, type CompareFile, type PcaLayersHeader, type ProbeFile, type TestMetricsFile, type UnitsFile } from '../../src/interpret/explorer-data.ts';
import { loadModelFromDir } from '../../src/model/format-node.ts';
import { analyses, draw, settled, text, type Pt } from './pad.ts';
import { ready } from './screenshots.ts';

const SHOTS = join(ARTIFACTS, 'explorer-views');
const models = join(ROOT, 'extension/models');
const json = <T>(file: string): T => JSON.parse(readFileSync(join(models, file), 'utf8')) as T;
const metrics = { mlp: json<TestMetricsFile>('mlp/test-metrics.json'), cnn: json<TestMetricsFile>('cnn/test-metrics.json') };
const compare = json<CompareFile>('mlp/compare.json');
const HASH: Pt[][] = [[[0.35, 0.2], [0.35, 0.8]], [[0.65, 0.2], [0.65, 0.8]], [[0.2, 0.4], [0.8, 0.4]], [[0.2, 0.6], [0.8, 0.6]]];

const count = (page: Page, sel: string) => page.$$eval(sel, (els) => els.length);
const attr = (page: Page, sel: string, name: string) => page.$eval(sel, (e, name) => e.getAttribute(name) ?? '', name);

/** A screenshot of one view's host, whole: a viewport tall enough for it, then back. */
async function shoot(page: Page, session: Session, host: string, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewport({ width: 1400, height: 3400 });
  await new Promise((r) => setTimeout(r, 500)); // charts follow their box's size
  await (await page.$(`[data-testid="${host}"]`))!.screenshot({ path: join(SHOTS, `${session.name}-${name}.png`) });
  await page.setViewport({ width: 1400, height: 1000 });
}

/** Nothing in the main area is wider than it (no sideways scroll) at 1024×700. */
async function fitsAt1024(page: Page): Promise<void> {
  await page.setViewport({ width: 1024, height: 700 });
  await new Promise((r) => setTimeout(r, 500));
  const [scroll, client] = await page.$eval('.content', (e) => [e.scrollWidth, e.clientWidth]);
  expect(scroll).toBeLessThanOrEqual(client + 1);
  await page.setViewport({ width: 1400, height: 1000 });
}

for (const [name, launch] of [
  ['chromium', chromium],
  ['firefox', firefox],
] as const) {
  describe(`explorer whole-network views, in ${name}`, () => {
    let session: Session;
    let ex: Page;
    /** The test digit put on the pad from the gallery (the MLP's worst confusion cell's most confident mistake). */
    let digit = -1;

    beforeAll(async () => {
      session = await launch();
      ex = await session.extensionPage('explorer/index.html');
      await ex.setViewport({ width: 1400, height: 1000 });
      await ready(ex);
    }, 90_000);

    afterAll(async () => {
      await session?.close();
    });

    it('MLP vs CNN over the test set: accuracy, confusion matrices as shipped, a cell opens its digits, a digit both models’ saliency', async () => {
      await ex.click('[data-testid="view-compare"]');
      await poll(async () => ((await count(ex, '[data-testid="confusion-cnn"] [data-cell]')) === 100 ? true : null), 'both confusion matrices');
      for (const id of ['mlp', 'cnn'] as const) {
        const cells = await ex.$$eval(`[data-testid="confusion-${id}"] [data-cell]`, (els) => els.map((e) => Number(e.textContent)));
        expect(cells).toEqual(metrics[id].confusion.flat());
        expect(await text(ex, `accuracy-${id}`)).toContain(`${(metrics[id].accuracy * 100).toFixed(2)} %`);
      }
      // The worst confusion of the MLP: its cell lists exactly those digits; the first opens both models' reading.
      const m = metrics.mlp;
      let worst = [0, 1];
      m.confusion.forEach((row, t) => row.forEach((n, p) => t !== p && n > m.confusion[worst[0]][worst[1]] && (worst = [t, p])));
      const [t, p] = worst;
      const mistakes = m.misclassified.filter((x) => x.label === t && x.pred === p);
      await ex.click(`[data-testid="confusion-mlp"] [data-cell="${t}:${p}"]`);
      await poll(async () => ((await count(ex, '[data-testid="misclassified"] .nd-thumb')) === mistakes.length ? true : null), `the ${mistakes.length} digits of cell ${t}:${p}`);
      expect(await ex.$$eval('[data-testid="misclassified"] .nd-thumb', (els) => els.map((e) => Number(e.getAttribute('data-index'))))).toEqual(mistakes.map((x) => x.index));
      await ex.click('[data-testid="misclassified"] .nd-thumb');
      await poll(() => ex.$('[data-testid="detail-cnn"] canvas'), 'both models’ maps of the digit', 30_000);
      expect(await text(ex, 'detail-mlp')).toMatch(new RegExp(`^MLP: ${p} · `));
      expect(await text(ex, 'detail-cnn')).toMatch(/^CNN: \d · /);
      const tinted = await ex.$eval('[data-testid="detail-mlp"] canvas', (c) => {
        const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 28, 28).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - d[i + 2]) > 40) n++;
        return n;
      });
      expect(tinted).toBeGreaterThan(10); // a saliency map over the digit, not the bare digit
      digit = mistakes[0].index;
      const n = await analyses(ex);
      await ex.click('[data-testid="digit-detail"] .nd-detail-head .btn');
      await settled(ex, n);
      expect(await text(ex, 'prediction-mlp')).toBe(String(p));
      await ex.click('[data-testid="digit-detail"] [aria-label="Close"]');
      // The galleries: every disagreement, every CNN mistake.
      await ex.click('[data-gallery="disagree"]');
      expect(await count(ex, '[data-testid="misclassified"] .nd-thumb')).toBe(compare.disagreements.length);
      await ex.click('[data-gallery="cnn"]');
      expect(await count(ex, '[data-testid="misclassified"] .nd-thumb')).toBe(metrics.cnn.misclassified.length);
      await fitsAt1024(ex);
      await shoot(ex, session, 'testset', 'testset');
    });

    it('layer by layer: both probes, PCA of any layer with the loaded digit’s marker where the file puts that digit', async () => {
      await ex.click('[data-testid="view-pca"]');
      await poll(() => ex.$('[data-testid="probe"] canvas'), 'the probe chart');
      const probeText = await ex.$eval('[data-testid="probe"]', (e) => e.textContent ?? '');
      for (const id of ['mlp', 'cnn']) for (const l of json<ProbeFile>(`${id}/probe.json`).layers) expect(probeText).toContain(`${l.layer} ${(l.testAccuracy * 100).toFixed(2)} %`);
      await ex.click('[data-testid="layer-maps"] [data-model="cnn"]');
      const header = json<PcaLayersHeader>('cnn/pca-layers.json');
      await poll(async () => ((await attr(ex, '[data-testid="pca-map"]', 'data-layer')) === 'cnn:hidden' ? true : null), 'the CNN map');
      expect(await ex.$$eval('[data-testid="pca-layer"] option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(header.layers.map((l) => l.layer));
      const bin = readFileSync(join(models, 'cnn/pca-layers.bin'));
      for (const layer of ['conv2', 'input']) {
        await ex.select('[data-testid="pca-layer"]', layer);
        await poll(async () => ((await attr(ex, '[data-testid="pca-map"]', 'data-layer')) === `cnn:${layer}` ? true : null), `the ${layer} map`);
        expect(await attr(ex, '[data-testid="pca-variance"]', 'data-layer')).toBe(`cnn:${layer}`);
        // The digit on the pad is test digit `digit`: the live marker lands on its precomputed point.
        const pca = readPcaLayer(header, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), layer);
        const marker = (await attr(ex, '[data-testid="pca-map"]', 'data-marker')).split(',').map(Number);
        const [x0, x1] = pca.header.range.x;
        expect(Math.abs(marker[0] - pca.points[2 * digit])).toBeLessThan((x1 - x0) * 1e-3);
        expect(Math.abs(marker[1] - pca.points[2 * digit + 1])).toBeLessThan((pca.header.range.y[1] - pca.header.range.y[0]) * 1e-3);
      }
      await ex.select('[data-testid="pca-layer"]', 'conv2');
      // The map shows the whole layer, zooms in at the wheel and back out with "Whole map".
      const view = async () => (await attr(ex, '[data-testid="pca-map"]', 'data-view')).split(',').map(Number);
      const conv2 = header.layers.find((l) => l.layer === 'conv2')!.range;
      await poll(async () => ((await view())[0] <= conv2.x[0] && (await view())[1] >= conv2.x[1] ? true : null), 'the whole conv2 map in view');
      const full = await view();
      await ex.$eval('[data-testid="pca-map"]', (e) => e.scrollIntoView({ block: 'center' }));
      const plot = (await (await ex.$('[data-testid="pca-map"] .u-over'))!.boundingBox())!;
      await ex.mouse.move(plot.x + plot.width / 2, plot.y + plot.height / 2);
      await ex.mouse.wheel({ deltaY: -200 });
      await poll(async () => ((await view())[1] - (await view())[0] < 0.9 * (full[1] - full[0]) ? true : null), 'the map zoomed in');
      expect((await view())[3] - (await view())[2]).toBeLessThan(0.9 * (full[3] - full[2]));
      await ex.click('[data-testid="pca-reset"]');
      await poll(async () => ((await view()).every((v, i) => Math.abs(v - full[i]) < 1e-3 * Math.abs(full[1] - full[0])) ? true : null), 'the map reset');
      // Hovering the crowded middle reads out the nearest test digit.
      await ex.mouse.move(plot.x + plot.width / 2 + 3, plot.y + plot.height / 2 + 2);
      await poll(async () => (/^Test digit #\d+: a \d, the CNN reads \d/.test(await text(ex, 'pca-readout')) ? true : null), 'the hover read-out');
      await fitsAt1024(ex);
      await shoot(ex, session, 'layer-maps', 'layer-maps');
    });

    it('neurons: all 128 weight images, a unit’s histogram, the importance ranking, and what a unit wants to see', async () => {
      await ex.click('[data-testid="view-neurons"]');
      await poll(async () => ((await count(ex, '[data-testid="unit-grid"] .uv-unit')) === 128 ? true : null), 'the 128 weight images');
      const units = json<UnitsFile>('mlp/units.json').layers.find((l) => l.layer === 'hidden1')!;
      const top = [...units.ablationDrop.keys()].sort((a, b) => units.ablationDrop[b] - units.ablationDrop[a])[0];
      await ex.click('[data-testid="importance"] .uv-rank-row');
      await poll(async () => ((await attr(ex, '[data-testid="histogram"]', 'data-unit')) === `hidden1:${top}` ? true : null), 'the most important unit');
      expect(await ex.$eval('.uv-facts', (e) => e.textContent)).toContain(`${(units.saturated![top] * 100).toFixed(2)} %`);
      expect(await count(ex, '.uv-tops .nd-thumb')).toBe(2 * units.topDigits[top].length);
      await ex.click('[data-testid="maximize-run"]');
      const value = Number(await poll(async () => (await attr(ex, '[data-testid="maximize"]', 'data-value')) || null, 'activation maximisation', 60_000));
      // Gradient ascent finds an input that drives the unit harder than any test digit does.
      expect(value).toBeGreaterThan(units.topValues[top][0]);
      await fitsAt1024(ex);
      await shoot(ex, session, 'units', 'units');
      await ex.click('[data-testid="units"] [data-model="cnn"]');
      await poll(async () => ((await count(ex, '[data-testid="unit-grid"] .uv-unit')) === 16 ? true : null), 'the 16 conv1 filters');
    });

    it('ablation: switching off all of hidden2 leaves the MLP its output bias’s digit; reset brings the digit back; canvas clicks ablate too', async () => {
      await ex.click('[data-testid="view-layers"]');
      await poll(async () => ((await count(ex, '[data-unit^="hidden2:"]')) === 64 ? true : null), 'the hidden2 unit buttons');
      const before = await text(ex, 'prediction-mlp');
      const mlp = await loadModelFromDir(join(models, 'mlp'));
      const bias = mlp.params.get('output')!.bias!;
      const biasDigit = bias.indexOf(Math.max(...bias));
      for (let u = 0; u < 64; u++) {
        const n = await analyses(ex);
        await ex.click(`[data-unit="hidden2:${u}"]`);
        if (u === 63) await settled(ex, n);
      }
      expect(await text(ex, 'prediction-mlp')).toBe(String(biasDigit));
      expect(await count(ex, '[data-testid="ablated"] [data-ablated^="hidden2:"]')).toBe(64);
      await shoot(ex, session, 'ablation', 'ablation');
      let n = await analyses(ex);
      await ex.click('[data-testid="ablate-reset"]');
      await settled(ex, n);
      expect(await text(ex, 'prediction-mlp')).toBe(before);
      expect(await text(ex, 'ablated')).toMatch(/Nothing is switched off/);
      // Armed, a click on the hidden1 grid's first cell switches neuron 0 off.
      await ex.click('[data-testid="ablate-arm"]');
      const canvas = (await ex.$$('[data-testid="activations-mlp"] canvas'))[0];
      n = await analyses(ex);
      await canvas.click({ offset: { x: 3, y: 3 } });
      await settled(ex, n);
      expect(await count(ex, '[data-testid="ablated"] [data-ablated="hidden1:0"]')).toBe(1);
      await ex.click('[data-testid="ablate-reset"]');
      await ex.click('[data-testid="ablate-arm"]');
      await fitsAt1024(ex);
    });

    it('a unit click’s answer is drawn before the next frame begins (the in-page engine) and equals the worker’s answer', async () => {
      await ex.click('[data-testid="view-layers"]');
      const fills = () => ex.$$eval('[data-testid^="bars-"] .pred-card__fill', (f) => f.map((e) => (e as HTMLElement).style.transform).join(' '));
      const inFirstFrame = () => ex.evaluate(() => (globalThis as unknown as { __seeingDigits: { inFirstFrame: boolean | null } }).__seeingDigits.inFirstFrame);
      const unshifted = await fills();
      // The in-page engine starts once the page is idle; until then the worker answers (a frame later in Chromium).
      let first = false;
      for (let k = 0; k < 20 && !first; k++) {
        let n = await analyses(ex);
        await ex.click('[data-unit="hidden1:3"]');
        await settled(ex, n);
        first = (await inFirstFrame()) === true;
        if (!first) {
          n = await analyses(ex);
          await ex.click('[data-unit="hidden1:3"]');
          await settled(ex, n);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      expect(first).toBe(true);
      const inPage = await fills();
      expect(inPage).not.toBe(unshifted); // the ablation changed the probabilities
      // The same interventions through the worker: choosing a digit to explain re-analyses there.
      let n = await analyses(ex);
      await ex.click('[data-testid="bars-mlp"] [data-digit="7"]');
      await settled(ex, n);
      expect(await fills()).toBe(inPage);
      n = await analyses(ex);
      await ex.click('[data-unit="hidden1:3"]');
      await settled(ex, n);
      await ex.click('[data-testid="target-reset"]');
      expect(await fills()).toBe(unshifted);
    });

    it('typicality: a digit is near what the models know, a hash sign is not, and the warning says so', async () => {
      expect(await text(ex, 'typicality')).toMatch(/^Distance from the digits it knows: MLP [\d.]+( \(unlike any digit\))? · CNN [\d.]+( \(unlike any digit\))?; 99 % of real digits are within/);
      await ex.click('[data-testid="clear"]');
      const n = await analyses(ex);
      await draw(ex, HASH);
      await settled(ex, n);
      expect(await text(ex, 'typicality')).toMatch(/CNN [\d.]+ \(unlike any digit\)/);
      expect(await text(ex, 'warning')).toMatch(/This doesn't look like any digit I know/);
      await ex.$eval('[data-testid="warning"]', (e) => e.scrollIntoView({ block: 'start' }));
      await ex.screenshot({ path: join(SHOTS, `${session.name}-typicality.png`) });
    });
  });
}
