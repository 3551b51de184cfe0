// Training speed end to end: one epoch of the notebook MLP (784-128-64-10 tanh, batch 64, Adam, the Train view's
// defaults) started from the explorer's Train view in Chromium and Firefox ESR (the built extension), and the same
// config through the worker API in a Node worker thread, in the same run, for comparison. Reports images/s over the
// epoch's training batches (evaluation excluded) and the test accuracy. Needs `npm run build:test` (dist/test/).
import type { Page } from 'puppeteer-core';
import { chromium, firefox, poll, type Session } from '../scripts/browsers.ts';
import { createNodeClient } from '../worker/client-node.ts';
import { DEFAULT_TRAIN_CONFIG } from '../src/train/config.ts';
import type { TrainEvent } from '../worker/api.ts';

const text = (page: Page, id: string) => page.$eval(`[data-testid="${id}"]`, (e) => e.textContent ?? '');

/** One epoch in the Train view: `model`'s default architecture, on one thread or both cores. */
async function epoch(page: Page, model: 'mlp' | 'cnn', cores: boolean): Promise<{ imagesPerSecond: number; accuracy: number }> {
  await page.select('[data-testid="train-model"]', model);
  await page.$eval('[data-testid="train-epochs"]', (e) => {
    (e as HTMLInputElement).value = '1';
    e.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.$eval('[data-testid="train-cores"]', (e, on) => ((e as HTMLInputElement).checked = on), cores);
  await page.click('[data-testid="train-start"]');
  await poll(async () => /^training/.test(await text(page, 'train-status')) || null, 'the run to start', 120_000);
  const end = await poll(async () => {
    const s = await text(page, 'train-status');
    return /^(done|failed|stopped)/.test(s) ? s : null;
  }, 'the epoch', 600_000);
  if (!/^done/.test(end)) throw new Error(`the ${model} epoch on ${cores ? 2 : 1} thread(s) ended "${end}": ${await text(page, 'train-error')}`);
  const threads = await page.$eval('[data-testid="train-threads"]', (e) => (e as HTMLElement).dataset.threads);
  if (threads !== (cores ? '2' : '1')) throw new Error(`asked for ${cores ? 2 : 1} threads, ran ${threads}: ${await text(page, 'train-threads')}`);
  return {
    imagesPerSecond: Number((await text(page, 'train-speed')).replace(/[^\d]/g, '')),
    accuracy: parseFloat(await text(page, 'train-test-accuracy')),
  };
}

/** Per model: one thread, then both cores, then one thread again (the median of the one-thread runs is compared). */
async function inBrowser(launch: () => Promise<Session>, models: readonly ('mlp' | 'cnn')[]) {
  const session = await launch();
  try {
    const page = await session.extensionPage('explorer/index.html#train');
    await poll(() => page.$('[data-testid="train-start"]'), 'the Train view', 30_000);
    const out: { model: string; one: number; two: number; accuracy: number }[] = [];
    for (const model of models) {
      // The MLP's steps are too small for a second thread (src/train/peer.ts): it runs on one either way.
      if (model === 'mlp') {
        const a = await epoch(page, model, false);
        out.push({ model, one: a.imagesPerSecond, two: NaN, accuracy: a.accuracy });
        continue;
      }
      const a = await epoch(page, model, false);
      const b = await epoch(page, model, true);
      const c = await epoch(page, model, false);
      out.push({ model, one: (a.imagesPerSecond + c.imagesPerSecond) / 2, two: b.imagesPerSecond, accuracy: b.accuracy });
    }
    return out;
  } finally {
    await session.close();
  }
}

async function inNode(): Promise<{ imagesPerSecond: number; accuracy: number }> {
  const client = createNodeClient({ timeoutMs: 60_000 });
  try {
    await client.trainStart(DEFAULT_TRAIN_CONFIG);
    for (;;) {
      const u = await client.trainPoll();
      const e = u.events.find((e): e is Extract<TrainEvent, { kind: 'epoch' }> => e.kind === 'epoch');
      if (e) return { imagesPerSecond: Math.round(e.imagesPerSecond), accuracy: Math.round(e.log.testAccuracy * 1e4) / 100 };
      if (u.status.state === 'failed') throw new Error(u.status.error);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    client.close();
  }
}

export async function benchTrainBrowser(): Promise<void> {
  console.log('\n## Training in the Train view: one epoch (batch 64, Adam), one thread and both cores (target ≥ 25 000 images/s for the MLP on one)\n');
  console.log('| where | model | one thread (images/s) | both cores (images/s) | both ÷ one | test accuracy (both) |\n|---|---|---:|---:|---:|---:|');
  for (const [name, launch] of [['Chromium, Train view', chromium], ['Firefox ESR, Train view', firefox]] as const) {
    for (const r of await inBrowser(launch, ['mlp', 'cnn'])) {
      const two = Number.isNaN(r.two) ? ['one thread (too small)', '', `${r.accuracy.toFixed(2)} % (one)`] : [r.two.toLocaleString('en-US'), `${(r.two / r.one).toFixed(2)}×`, `${r.accuracy.toFixed(2)} %`];
      console.log(`| ${name} | ${r.model} | ${Math.round(r.one).toLocaleString('en-US')} | ${two.join(' | ')} |`);
    }
  }
  const node = await inNode();
  console.log(`| Node worker thread, same config | mlp | ${node.imagesPerSecond.toLocaleString('en-US')} | | | ${node.accuracy.toFixed(2)} % |`);
}
