// The README's "Hooks" example is scripts/example-ablate.ts word for word, and running it prints the output the
// README shows (the SIMD engine is deterministic).
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const section = readme.slice(readme.indexOf('## Hooks'), readme.indexOf('\n## ', readme.indexOf('## Hooks') + 1));
const blocks = [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)];

describe('README Hooks example', () => {
  it('the code block is scripts/example-ablate.ts', () => {
    const code = blocks.find((b) => b[1] === 'ts')?.[2];
    expect(code).toBe(readFileSync(new URL('scripts/example-ablate.ts', root), 'utf8'));
  });

  it('running it prints the output shown', async () => {
    const shown = blocks.find((b) => b[1] === '')?.[2];
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'scripts/example-ablate.ts'], { cwd: root, timeout: 120_000 });
    expect(stdout).toBe(shown);
  }, 120_000);
});
