// seeing-digits pca, neurons, probe and compare as a user runs them (child processes), on the shipped models.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.ts';



let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sd-explore-'));
});

const png = async (file: string) => PNG.sync.read(await readFile(file));

describe('seeing-digits pca', () => {
  it('--json and --out: 20 explained-variance shares in decreasing order, N labelled points, an 800×800 PNG', async () => {
    const out = join(dir, 'pca.png');
    const { code, stdout, stderr } = await run('pca', '--model', 'mlp', '--layer', 'hidden2', '--points', '500', '--out', out, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r).toMatchObject({ model: 'mlp', layer: 'hidden2', dim: 64, count: 500 });
    expect(r.explained).toHaveLength(20);
    expect([...r.explained].sort((a: number, b: number) => b - a)).toEqual(r.explained);
    expect(r.explained.reduce((a: number, b: number) => a + b, 0)).toBeLessThanOrEqual(1);
    expect(r.points).toHaveLength(500);
    expect(r.points[0].label).toBe(7); // the first MNIST test digit
    // Centred data: the points' mean is ~0 on both axes.
    expect(Math.abs(r.points.reduce((s: number, p: { x: number }) => s + p.x, 0) / 500)).toBeLessThan(1e-3);
    const img = await png(out);
    expect([img.width, img.height]).toEqual([800, 800]);
    // Coloured dots were drawn: some pixels are neither white nor gray.
    let coloured = 0;
    for (let i = 0; i < img.data.length; i += 4) if (img.data[i] !== img.data[i + 1] || img.data[i + 1] !== img.data[i + 2]) coloured++;
    expect(coloured).toBeGreaterThan(1000);
  }, 120_000);

  it('a conv layer of the CNN (flattened), and clear errors for a missing layer or output', async () => {
    const r = await run('pca', '--model', 'cnn', '--layer', 'conv2', '--points', '300', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ layer: 'conv2', dim: 14 * 14 * 32, method: 'subspace' });
    const bad = await run('pca', '--model', 'cnn', '--layer', 'conv9', '--json');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no layer "conv9".*conv1, pool1, conv2/);
    const none = await run('pca', '--model', 'mlp', '--layer', 'hidden1');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--out FILE.png or --json/);
  }, 120_000);
});

describe('seeing-digits neurons', () => {
  it('MLP hidden1: a grid of 128 28×28 weight images; CNN conv1: 16 filters; hidden2 refused with a reason', async () => {
    const out = join(dir, 'grid.png');
    const r = await run('neurons', '--model', 'mlp', '--layer', 'hidden1', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/128 units/);
    const img = await png(out);
    // 12 columns × (28·3 + 2) px + 2, 11 rows.
    expect([img.width, img.height]).toEqual([12 * 86 + 2, 11 * 86 + 2]);
    const conv = await run('neurons', '--model', 'cnn', '--layer', 'conv1', '--out', join(dir, 'conv1.png'));
    expect(conv.code).toBe(0);
    expect(conv.stdout).toMatch(/16 filters × 1 input channel of 3×3/);
    const bad = await run('neurons', '--model', 'mlp', '--layer', 'hidden2', '--out', join(dir, 'x.png'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not the image's pixels/);
  }, 120_000);
});

describe('seeing-digits probe', () => {
  it('--json: one accuracy per layer of the MLP; the input probe is well above chance', async () => {
    const r = await run('probe', '--model', 'mlp', '--train', '5000', '--epochs', '2', '--json');
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.layers.map((l: { layer: string }) => l.layer)).toEqual(['input', 'hidden1', 'hidden2', 'output']);
    expect(p.trainCount).toBe(5000);
    expect(p.layers[0].testAccuracy).toBeGreaterThan(0.85);
    expect(p.layers.at(-1).testAccuracy).toBeGreaterThan(0.95); // 40 Adam steps only; the full probe is held to 1 point in tests/interpret
  }, 120_000);
});

describe('seeing-digits compare', () => {
  it('--json: both models\' accuracies as shipped, confusion matrices of 10 000 digits, disagreements', async () => {
    const r = await run('compare', '--json');
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c.models).toEqual(['mlp', 'cnn']);
    expect(c.accuracy.mlp).toBeCloseTo(0.9894, 4);
    expect(c.accuracy.cnn).toBeCloseTo(0.9944, 4);
    for (const id of c.models) expect(c.confusion[id].flat().reduce((a: number, b: number) => a + b, 0)).toBe(10_000);
    expect(c.disagreements.length).toBeGreaterThan(0);
    for (const d of c.disagreements) expect(d.preds.mlp).not.toBe(d.preds.cnn);
    const text = await run('compare');
    expect(text.stdout).toMatch(new RegExp(`they disagree on ${c.disagreements.length} of 10000 digits`));
  }, 120_000);
});
