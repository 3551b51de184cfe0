// A lost WebGL context, in real Chromium (WebGL through SwiftShader): the worker runs the tfjs-webgl engine with
// the shipped models and a user model; the test loses the context of TensorFlow.js's webgl backend inside the
// worker with WEBGL_lose_context (reached through tfjs-core's global engine, so nothing test-only ships), and the
// next analysis must still answer — on webgl again with a new context, or, where no new context can be made, on
// the next engine — with the same predictions as the SIMD engine, every model kept, no worker restart, and a notice
// the UI can show. The page (tests/e2e/worker-page) holds only the worker client; vite builds it here.
/* eslint-disable @typescript-eslint/no-explicit-any -- page-side code reaches browser globals */
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, extname, join, normalize } from 'node:path';
import puppeteer, { type Browser, type Page, type WebWorker } from 'puppeteer-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_FLAGS, ROOT } from '../../scripts/browsers.ts';
import type { AnalyzeOptions, AnalyzeResult, EngineInfo } from '../../worker/api.ts';
import type { InferenceEngine } from '../../src/engines/types.ts';
import { mnistTest } from '../helpers/digits.ts';
import { shippedSimdEngine } from '../helpers/service.ts';

const out = mkdtempSync(join(tmpdir(), 'sd-worker-page-'));
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** The built page at /, the shipped models under /models/, engine.wasm and tfjs-backend-wasm's binaries under /wasm/. */
function fileFor(path: string): string {
  if (path.startsWith('/models/')) return join(ROOT, 'extension', path);
  if (path.startsWith('/wasm/tfjs-')) return join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist', basename(path));
  if (path.startsWith('/wasm/')) return join(ROOT, 'build', basename(path));
  return join(out, path === '/' ? 'index.html' : path);
}

function serve(): Server {
  return createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = fileFor(path);
    if (path.includes('..') || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
}

const USER = 'user:my-mlp';
const MODELS = { mlp: { url: '/models/mlp/model.json' }, cnn: { url: '/models/cnn/model.json' }, [USER]: { url: '/models/mlp/model.json' } };
const IDS = ['mlp', 'cnn', USER];

let server: Server;
let browser: Browser;
let simd: InferenceEngine;
let base = '';

beforeAll(async () => {
  await build({
    root: join(ROOT, 'tests/e2e/worker-page'),
    configFile: false,
    logLevel: 'warn',
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: { outDir: out, emptyOutDir: true, minify: false, target: 'chrome116' },
    worker: { format: 'es' },
  });
  server = serve();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, pipe: true, args: CHROMIUM_FLAGS });
  simd = await shippedSimdEngine();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  rmSync(out, { recursive: true, force: true });
});

/** A page with the worker client, initialised on tfjs-webgl with both shipped models and a user model. */
async function webglPage(): Promise<{ page: Page; worker: WebWorker; info: EngineInfo }> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(base, { waitUntil: 'load' });
  const workerStarted = new Promise<WebWorker>((r) => page.once('workercreated', r));
  const info = (await page.evaluate(
    (models) => (globalThis as any).seeingDigits.init({ engine: 'tfjs-webgl', models, wasm: { simd: '/wasm/engine.wasm', tfjs: '/wasm/' } }),
    MODELS,
  )) as EngineInfo;
  return { page, worker: await workerStarted, info };
}

function analyze(page: Page, digit: number, opts: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const pixels = Array.from(mnistTest().images.subarray(digit * 784, (digit + 1) * 784));
  return page.evaluate(async (pixels, opts) => {
    const r = await (globalThis as any).seeingDigits.analyze({ kind: 'mnist', pixels: new Float32Array(pixels) }, opts);
    // Float32Arrays do not survive puppeteer's serialisation: plain arrays.
    return r.ok ? { ...r, input: [], models: r.models.map((m: any) => ({ id: m.id, digit: m.digit, probs: Array.from(m.probs) })) } : r;
  }, pixels, { ...opts, models: IDS }) as Promise<AnalyzeResult>;
}

/** Loses the webgl backend's context in the worker, as a GPU reset would; true once it reads as lost. */
function loseContext(worker: WebWorker): Promise<boolean> {
  return worker.evaluate(() => {
    const gl: WebGL2RenderingContext = (self as any)._tfengine.registry.webgl.gpgpu.gl;
    gl.getExtension('WEBGL_lose_context')!.loseContext();
    return gl.isContextLost();
  });
}

/**
 * Loses the context while a call waits on the GPU (a read pending on its fence, which on a lost context never
 * passes): the worker runs one thing at a time, so when this runs with a read pending, the call is in the middle.
 */
function loseContextMidCall(worker: WebWorker): Promise<number> {
  return worker.evaluate(async () => {
    const gpgpu = (self as any)._tfengine.registry.webgl.gpgpu;
    for (let waited = 0; waited < 20_000; waited += 1) {
      if (gpgpu.itemsToPoll.length) {
        gpgpu.gl.getExtension('WEBGL_lose_context').loseContext();
        return gpgpu.itemsToPoll.length as number;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    return 0;
  });
}

/** Every model's probabilities against the SIMD engine in this process, on the same MNIST digit. */
async function expectSimdAnswers(r: AnalyzeResult, digit: number): Promise<number> {
  if (!r.ok) throw new Error(r.message);
  expect(r.models.map((m) => m.id)).toEqual(IDS);
  const x = mnistTest().images.slice(digit * 784, (digit + 1) * 784);
  let worst = 0;
  for (const m of r.models) {
    const want = await simd.predict(m.id === USER ? 'mlp' : m.id, x);
    expect(m.digit).toBe(want.probs.indexOf(Math.max(...want.probs)));
    for (let c = 0; c < 10; c++) worst = Math.max(worst, Math.abs(m.probs[c] - want.probs[c]));
  }
  expect(worst).toBeLessThan(1e-4);
  return worst;
}

describe('chromium: the WebGL context of the tfjs-webgl engine is lost', () => {
  it('the next analysis answers on a new WebGL context, as the SIMD engine does, with a notice', async () => {
    const { page, worker, info } = await webglPage();
    expect(info.kind).toBe('tfjs-webgl');
    const before = await analyze(page, 0);
    await expectSimdAnswers(before, 0);
    expect(before.ok && before.notice).toBeUndefined();

    expect(await loseContext(worker)).toBe(true);
    const after = await analyze(page, 1);
    await expectSimdAnswers(after, 1);
    if (!after.ok) throw new Error(after.message);
    expect(after.engine).toBe('tfjs-webgl');
    expect(after.notice).toMatch(/^The WebGL context was lost .*; tfjs-webgl restarted on a new context\.$/);
    const state = await page.evaluate(async () => {
      const c = (globalThis as any).seeingDigits;
      return { info: await c.engine(), models: (await c.models()).map((m: { id: string }) => m.id), starts: c.starts };
    });
    expect(state.info.reason).toMatch(/chosen again after the WebGL context was lost/);
    expect(state.models).toEqual(IDS); // the user's model too
    expect(state.starts).toBe(1); // recovered inside the worker, not by restarting it
    // The notice is said once; later analyses run as before.
    const next = await analyze(page, 2);
    await expectSimdAnswers(next, 2);
    expect(next.ok && next.notice).toBeUndefined();
    await page.close();
  });

  it('lost while a call waits on the GPU: that call still answers (not a hang, not a worker restart)', async () => {
    const { page, worker } = await webglPage();
    await expectSimdAnswers(await analyze(page, 5), 5);
    // Integrated gradients: many reads from the GPU in one call.
    const pending = analyze(page, 6, { saliency: { method: 'integrated-gradients', steps: 32 } });
    expect(await loseContextMidCall(worker)).toBeGreaterThan(0);
    const r = await pending;
    await expectSimdAnswers(r, 6);
    if (!r.ok) throw new Error(r.message);
    expect(r.notice).toMatch(/^The WebGL context was lost .*; tfjs-webgl restarted on a new context\.$/);
    expect(await page.evaluate(() => (globalThis as any).seeingDigits.starts)).toBe(1);
    await page.close();
  });

  it('where no new WebGL context can be made, it falls back to TensorFlow.js on wasm with the same answers', async () => {
    const { page, worker, info } = await webglPage();
    expect(info.kind).toBe('tfjs-webgl');
    await expectSimdAnswers(await analyze(page, 3), 3);
    // From now on this worker gets no WebGL context, as after a GPU process that cannot come back.
    await worker.evaluate(() => {
      const getContext = OffscreenCanvas.prototype.getContext;
      OffscreenCanvas.prototype.getContext = function (this: OffscreenCanvas, type: string, ...rest: unknown[]) {
        return /webgl/.test(type) ? null : (getContext as any).call(this, type, ...rest);
      } as typeof getContext;
    });
    expect(await loseContext(worker)).toBe(true);
    const after = await analyze(page, 4);
    await expectSimdAnswers(after, 4);
    if (!after.ok) throw new Error(after.message);
    expect(after.engine).toBe('tfjs-wasm');
    expect(after.notice).toMatch(/^The WebGL context was lost .*; the models now run on tfjs-wasm\.$/);
    const state = await page.evaluate(async () => {
      const c = (globalThis as any).seeingDigits;
      return { info: await c.engine(), models: (await c.models()).map((m: { id: string }) => m.id), starts: c.starts };
    });
    expect(state.info.kind).toBe('tfjs-wasm');
    expect(state.info.skipped.map((s: { kind: string }) => s.kind)).toEqual(['tfjs-webgl']);
    expect(state.models).toEqual(IDS);
    expect(state.starts).toBe(1);
    await page.close();
  });
});
