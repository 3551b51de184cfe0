// seeing-digits evaluate --threads 2: the test set through InferencePool (two worker threads) gives the one-thread
// metrics: the same confusion matrix, the loss within float rounding.
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.ts';

describe('seeing-digits evaluate --threads', () => {
  it('--threads 2 gives the one-thread metrics on the shipped MLP', async () => {
    const [one, two] = await Promise.all(['1', '2'].map((t) => run('evaluate', '--model', 'mlp', '--threads', t, '--json')));
    expect(two.code).toBe(0);
    const a = JSON.parse(one.stdout), b = JSON.parse(two.stdout);
    expect(b.count).toBe(10000);
    expect(b.confusion).toEqual(a.confusion);
    expect(b.accuracy).toBeGreaterThan(0.95);
    expect(Math.abs(b.loss - a.loss)).toBeLessThan(1e-5);
  }, 300_000);

  it('refuses --threads with an engine other than simd', async () => {
    const r = await run('evaluate', '--model', 'mlp', '--engine', 'tfjs-cpu', '--threads', '2');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--threads runs the simd engine only, not tfjs-cpu/);
  });
});
