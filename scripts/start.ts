/**
 * `npm start` (after `npm run build`): the demo page on http://127.0.0.1:8731/ (its "other site" on :8732), and
 * Chromium with the extension loaded, when there is a display to show it on. Without one, it says how to load
 * the extension yourself and how to see it work headless. Ctrl-C stops everything.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serveDemo, type DemoServer } from './demo-server.ts';

const ROOT = resolve(import.meta.dirname, '..');
const EXT = join(ROOT, 'dist/chrome');
const DEMO = join(ROOT, 'dist/demo');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/lib/chromium/chromium';
const PORT = Number(process.env.PORT ?? 8731);

/** The preferred port, or any free one if it is taken. */
async function serve(port: number, crossOrigin?: string): Promise<DemoServer> {
  try {
    return await serveDemo(DEMO, { port, crossOrigin });
  } catch {
    return serveDemo(DEMO, { crossOrigin });
  }
}

function launchChromium(url: string, stop: () => Promise<void>): void {
  const profile = join(ROOT, '.cache/chromium-profile');
  mkdirSync(profile, { recursive: true });
  const args = [
    `--user-data-dir=${profile}`,
    `--load-extension=${EXT}`,
    `--disable-extensions-except=${EXT}`,
    '--no-first-run',
    '--no-default-browser-check',
    // Quiet: no update checks, component downloads or sync at start (closed networks get flooded otherwise).
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    url,
  ];
  if (process.getuid?.() === 0) args.unshift('--no-sandbox'); // Chromium refuses to run as root with its sandbox
  const child = spawn(CHROMIUM, args, { stdio: 'ignore' });
  child.on('error', (e) => explain(url, `Cannot start ${CHROMIUM} (${e.message}): set CHROMIUM to a Chromium or Chrome binary.`));
  child.on('spawn', () => {
    console.log(`Chromium is open with the extension loaded (profile: ${profile}).`);
    console.log('Right-click a digit on the demo page and choose "Classify digit with Seeing Digits".');
    child.on('exit', () => void stop().then(() => process.exit(0)));
  });
}

function explain(url: string, why: string): void {
  console.log(`${why}

Load the extension yourself:
  Chrome/Chromium: chrome://extensions → Developer mode → Load unpacked → ${EXT}
  Firefox:         about:debugging#/runtime/this-firefox → Load Temporary Add-on → ${join(ROOT, 'dist/firefox/manifest.json')}
  (or install the zips in dist/)
Then open ${url} and right-click a digit → "Classify digit with Seeing Digits".

See it work headless: npm run test:e2e   (both browsers; screenshots in ${join(ROOT, 'artifacts')}/)
Or with a virtual display: xvfb-run -a npm start`);
}

async function main(): Promise<void> {
  for (const p of [EXT, DEMO]) if (!existsSync(p)) throw new Error(`${p} is missing: run \`npm run build\` first`);
  const other = await serve(PORT + 1);
  const site = await serve(PORT, other.origin);
  const stop = async () => void (await Promise.all([site.close(), other.close()]));
  process.on('SIGINT', () => void stop().then(() => process.exit(0)));
  const url = `${site.origin}/`;
  console.log(`Demo page: ${url}   (images from another site: ${other.origin})`);
  if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) launchChromium(url, stop);
  else explain(url, 'No display here ($DISPLAY is not set), so no browser window.');
  console.log('Serving until Ctrl-C.');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
