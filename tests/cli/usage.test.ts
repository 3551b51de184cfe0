// The usage errors and --help that every command gets from command() (src/cli/args.ts), checked for the commands
// that parsed their own arguments before: explain, ablate, patch, numbers and export. Each case fails before any
// model or data is opened, so these runs are quick.
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.ts';

/** A command, arguments it is otherwise happy with, and one bad value with the message it must give. */
const CASES = [
  { name: 'explain', ok: ['a.png', '--model', 'mlp', '--json'], bad: ['--engine', 'gpu'], says: /--engine is auto, simd, .*; not "gpu"/ },
  { name: 'ablate', ok: ['--model', 'mlp', '--layer', 'hidden1', '--units', '1'], bad: ['--units', '1;2'], says: /--units is a comma-separated list of indices like 0,5,17; not "1;2"/ },
  { name: 'patch', ok: ['--model', 'mlp', '--from', 'a.png', '--into', 'b.png', '--at', 'hidden1.out'], bad: ['--engine', 'gpu'], says: /--engine is auto, simd, .*; not "gpu"/ },
  { name: 'numbers', ok: ['--count', '3'], bad: ['--seed', '1.5'], says: /--seed must be an integer ≥ 0, not "1.5"/ },
  { name: 'export', ok: ['--model', 'mlp', '--out', 'x.onnx'], bad: ['--format', 'zip'], says: /--format is onnx or tfjs, not "zip"/ },
];

/** The shared shape of a usage error: exit 2, "seeing-digits: MESSAGE", then the usage text of every command. */
function expectUsageError(r: { code: number; stdout: string; stderr: string }, message: RegExp, name: string) {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(new RegExp(`^seeing-digits: ${message.source}`));
  expect(r.stderr).toMatch(new RegExp(`\\nUsage:\\n[^]*seeing-digits ${name} `));
}

describe.each(CASES)('seeing-digits $name', ({ name, ok, bad, says }) => {
  it('an unknown option, a bad value and a missing value are usage errors (exit 2, message, usage text)', async () => {
    expectUsageError(await run(name, ...ok, '--frobnicate'), /Unknown option '--frobnicate'/, name);
    expectUsageError(await run(name, ...ok, ...bad), says, name);
    expectUsageError(await run(name, ...ok, bad[0]), new RegExp(`Option '${bad[0]} <value>' argument missing`), name);
  }, 60_000);

  it('--help prints its own usage and exits 0', async () => {
    const r = await run(name, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage:\\n\\s+seeing-digits ${name} `));
    expect(r.stdout).not.toMatch(/seeing-digits train/); // this command's usage only
  }, 60_000);
});

describe('one model: a missing --model is named by the command', () => {
  it.each([
    ['explain', 'a.png', '--json'],
    ['ablate', '--layer', 'hidden1', '--units', '1'],
    ['patch', '--from', 'a.png', '--into', 'b.png', '--at', 'hidden1.out'],
    ['export', '--out', 'x.onnx'],
  ])('%s', async (name, ...args) => {
    expectUsageError(await run(name, ...args), new RegExp(`${name} needs --model mlp\\|cnn\\|PATH`), name);
  }, 60_000);
});
