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

async function inBrowser(launch: () => Promise<Session>): Promise<{ imagesPerSecond: number; accuracy: number }> {
  const session = await launch();
  try {
    const page = await session.extensionPage('explorer/index.html#train');
    await poll(() => page.$('[data-testid="train-start"]'), 'the Train view', 30_000);
    await page.click('[data-testid="train-start"]');
    await poll(async () => /^done/.test(await text(page, 'train-status')) || null, 'the epoch', 300_000);
    return {
      imagesPerSecond: Number((await text(page, 'train-speed')).replace(/[^\d]/g, '')),
      accuracy: parseFloat(await text(page, 'train-test-accuracy')),
    };
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
  console.log('\n## Training in the Train view: one epoch of the notebook MLP (batch 64, Adam), one worker (target ≥ 25 000 images/s)\n');
  console.log('| where | images/s | test accuracy |\n|---|---:|---:|');
  for (const [name, run] of [['Chromium, Train view', () => inBrowser(chromium)], ['Node worker thread, same config', inNode], ['Firefox ESR, Train view', () => inBrowser(firefox)]] as const) {
    const r = await run();
    console.log(`| ${name} | ${r.imagesPerSecond.toLocaleString('en-US')} | ${r.accuracy.toFixed(2)} % |`);
  }
}
