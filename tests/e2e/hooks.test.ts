// Test-only hooks never ship: the production build (dist/chrome, dist/firefox, what the zips hold) has no global
// handleImageClick, which any extension page could call to classify an arbitrary URL; the test variant
// (dist/test/, npm run build:test), which the other end-to-end tests load, has it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST } from '../../scripts/browsers.ts';

/** Every script of a built extension. */
function scripts(dir: string): { file: string; text: string }[] {
  if (!existsSync(dir)) throw new Error(`${dir} is missing: run \`npm run build && npm run build:test\``);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') }));
}

/** The hook: handleImageClick as a property (Object.assign(globalThis, { handleImageClick: … }) or globalThis.handleImageClick = …). */
const HOOK = /handleImageClick\s*:|globalThis\s*\.\s*handleImageClick\s*=|self\s*\.\s*handleImageClick\s*=/;

describe('test hooks', () => {
  for (const target of ['chrome', 'firefox']) {
    it(`${target}: not in the production build, present in the test build`, () => {
      const prod = scripts(join(DIST, target));
      expect(prod.length).toBeGreaterThan(3);
      expect(prod.filter((s) => HOOK.test(s.text)).map((s) => s.file)).toEqual([]);
      const test = scripts(join(DIST, 'test', target));
      expect(test.filter((s) => HOOK.test(s.text)).length).toBe(1);
    });
  }
});
