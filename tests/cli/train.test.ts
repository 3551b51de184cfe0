// seeing-digits train --threads: the CLI trains data-parallel on two worker threads, as a user runs it (a child
// process, real MNIST), and refuses a batch it cannot split. (How close two threads end to one: trainer-threads.test.ts.)
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.ts';

describe('seeing-digits train --threads', () => {
  it('--threads 2 trains: test accuracy of a short run far above chance, the log says two threads', async () => {
    const out = await mkdtemp(join(tmpdir(), 'sd-cli-train-'));
    // 5000 training digits (55 000 held out), one epoch: a few seconds.
    const r = await run('train', '--model', 'mlp', '--epochs', '1', '--validation', '55000', '--threads', '2', '--out', out);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/data-parallel on 2 threads/);
    const acc = Number(/test accuracy ([\d.]+)%/.exec(r.stdout)![1]);
    expect(acc).toBeGreaterThan(85);
    const log = JSON.parse(await readFile(join(out, 'training-log.json'), 'utf8'));
    expect(log.options.threads).toBe(2);
    expect(log.epochs[0].trainAccuracy).toBeGreaterThan(0.7);
  }, 300_000);

  it('a batch that does not split over the threads is a usage error', async () => {
    const r = await run('train', '--model', 'mlp', '--batch', '63', '--threads', '2');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--batch 63 does not split evenly over --threads 2/);
  });
});
