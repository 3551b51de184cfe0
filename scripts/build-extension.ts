/**
 * `npm run build`: the extension for Chrome and Firefox from one codebase.
 *   dist/chrome/, dist/firefox/            unpacked, loadable
 *   dist/seeing-digits-{chrome,firefox}.zip
 *   dist/demo/                              the demo page and its digit images (npm start, e2e tests)
 * `npm run build:wasm` runs first (package.json) so build/engine.wasm is fresh.
 * `--test` (npm run build:test): the variant the end-to-end tests load, with test-only hooks (__SD_TEST_HOOKS__),
 *   in dist/test/{chrome,firefox}/ only, never zipped: the production build never contains them.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type InlineConfig, type UserConfig } from 'vite';
import webExt from 'web-ext';
import { contentConfig, pagesConfig, STAGE } from '../vite.config.ts';
import { buildManifest, type Target } from '../extension/manifest.ts';
import { PATHS } from '../extension/paths.ts';
import { writeIcons } from './icons.ts';
import { writeDemoAssets } from './demo-assets.ts';
import { MODEL_IDS } from '../worker/api.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const TARGETS: Target[] = ['chrome', 'firefox'];
const TEST = process.argv.includes('--test');
const OUT = TEST ? join(DIST, 'test') : DIST;
/** A vite config with the build flag: `if (__SD_TEST_HOOKS__)` blocks are dropped from the production bundle. */
const flagged = (c: UserConfig): InlineConfig => ({ ...c, configFile: false, define: { ...c.define, __SD_TEST_HOOKS__: JSON.stringify(TEST) } });
/** Files only one browser uses. */
const ONLY: Record<Target, string[]> = {
  chrome: ['offscreen', PATHS.background.chrome],
  firefox: [PATHS.background.firefox],
};

function need(path: string, hint: string): string {
  if (!existsSync(path)) throw new Error(`build: ${path} is missing; ${hint}`);
  return path;
}

/**
 * The SIMD engine and tfjs-backend-wasm's binaries, at fixed paths under wasm/ (the worker is given their URLs).
 * All three tfjs builds: Chrome extension pages have SharedArrayBuffer even without cross-origin isolation, so
 * tfjs may pick the threaded one there.
 */
function copyBinaries(): void {
  mkdirSync(join(STAGE, 'wasm'), { recursive: true });
  cpSync(need(join(ROOT, 'build/engine.wasm'), 'run `npm run build:wasm`'), join(STAGE, 'wasm/engine.wasm'));
  const tfjs = join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) cpSync(need(join(tfjs, f), 'run `npm ci`'), join(STAGE, 'wasm', f));
}

/** Whatever trained models exist, plus models/index.json listing them (the build works before training). */
function copyModels(): string[] {
  const found: string[] = [];
  for (const id of MODEL_IDS) {
    const dir = join(ROOT, 'extension/models', id);
    if (!existsSync(join(dir, 'model.json'))) continue;
    cpSync(dir, join(STAGE, 'models', id), { recursive: true });
    found.push(id);
  }
  mkdirSync(join(STAGE, 'models'), { recursive: true });
  writeFileSync(join(STAGE, 'models/index.json'), JSON.stringify(found));
  // MNIST test digits for the pad's "Test digit" menu (scripts/test-digits.ts makes them).
  const digits = join(ROOT, 'extension/models/test-digits.bin');
  if (existsSync(digits)) cpSync(digits, join(STAGE, 'models/test-digits.bin'));
  return found;
}

async function pack(target: Target, version: string): Promise<void> {
  const out = join(OUT, target);
  rmSync(out, { recursive: true, force: true });
  cpSync(STAGE, out, { recursive: true });
  for (const other of ONLY[target === 'chrome' ? 'firefox' : 'chrome']) rmSync(join(out, other), { recursive: true, force: true });
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(buildManifest(target, version), null, 2) + '\n');
  if (TEST) return;
  await webExt.cmd.build(
    { sourceDir: out, artifactsDir: DIST, filename: `seeing-digits-${target}.zip`, overwriteDest: true },
    { showReadyMessage: false },
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  await build(flagged(pagesConfig));
  await build(flagged(contentConfig));
  for (const t of TARGETS) need(join(STAGE, PATHS.background[t]), 'the pages build did not write it');
  need(join(STAGE, PATHS.content), 'the content build did not write it');
  writeIcons(STAGE, PATHS.icons);
  copyBinaries();
  const models = copyModels();
  for (const target of TARGETS) await pack(target, version);
  rmSync(STAGE, { recursive: true, force: true });
  if (TEST) return void console.log(`built the test variant (with test hooks) in dist/test/chrome and dist/test/firefox`);
  const demo = writeDemoAssets(join(DIST, 'demo'));
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`built dist/chrome, dist/firefox and their zips in ${secs} s`);
  console.log(`  models: ${models.length ? models.join(', ') : 'none yet (extension/models/{mlp,cnn}/model.json)'}`);
  console.log(`  demo page: dist/demo/ (${demo.digits.length} MNIST digits, SVG, data: URL, large, blank)`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
