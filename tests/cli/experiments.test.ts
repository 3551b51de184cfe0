// seeing-digits ablate and patch as child processes, on the shipped models, checked against model files edited
// by hand (ablation = the unit's outgoing weights zeroed, or its mean folded into the next bias) and against what
// a patch at the input or at the logits must give.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { digitPng, run } from '../helpers/cli.ts';
import { shippedModel } from '../helpers/attrib.ts';
import { mnistTest } from '../helpers/digits.ts';
import { loadEngineNode } from '../../src/wasm/node.ts';
import { Arena } from '../../src/wasm/wasm.ts';
import { Network } from '../../src/model/network.ts';
import { evaluate } from '../../src/train/evaluate.ts';
import type { LoadedModel } from '../../src/model/spec.ts';
import { shippedModelDir } from '../../src/cli/models.ts';
import { loadMeansFromDir } from '../../src/interpret/means-node.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sd-exp-'));
  await writeFile(join(dir, 'seven.png'), digitPng(0));
  await writeFile(join(dir, 'two.png'), digitPng(1));
});

async function json(...args: string[]) {
  const r = await run(...args, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/** MNIST test accuracy of a model file's weights, on the engine's Network directly (no hooks involved). */
async function accuracyOf(model: LoadedModel): Promise<{ accuracy: number; perClass: number[] }> {
  const net = new Network(new Arena(await loadEngineNode()), model, 256);
  const { images, labels } = mnistTest();
  return evaluate(net, images, labels);
}

/** The MLP with hidden1 units `units` removed: hidden2's kernel rows zeroed, plus `fold`·row added to its bias. */
async function mlpWithout(units: number[], fold?: Float32Array): Promise<LoadedModel> {
  const m = await shippedModel('mlp');
  const params = new Map(m.params);
  const { kernel, bias } = m.params.get('hidden2')!;
  const k = kernel.slice(), b = bias!.slice();
  const cols = b.length;
  for (const u of units) {
    for (let j = 0; j < cols; j++) {
      if (fold) b[j] += fold[u] * k[u * cols + j];
      k[u * cols + j] = 0;
    }
  }
  params.set('hidden2', { kernel: k, bias: b });
  return { spec: m.spec, params };
}

describe('seeing-digits ablate', () => {
  const units = [0, 3, 7, 12, 40, 41, 99];

  it('--mode zero: the intact accuracy is the shipped one; ablated = the model with those outgoing weights zeroed', async () => {
    const r = await json('ablate', '--model', 'mlp', '--layer', 'hidden1', '--units', units.join(','));
    expect([r.at, r.mode, r.count, r.units]).toEqual(['hidden1.out', 'zero', 10000, units]);
    const shipped = JSON.parse(readFileSync(join(shippedModelDir('mlp'), 'metrics.json'), 'utf8'));
    expect(r.intact.accuracy).toBeCloseTo(shipped.accuracy, 4);
    const want = await accuracyOf(await mlpWithout(units));
    expect(r.ablated.accuracy).toBeCloseTo(want.accuracy, 4);
    expect(r.ablated.perClass).toHaveLength(10);
    for (let c = 0; c < 10; c++) expect(r.ablated.perClass[c]).toBeCloseTo(want.perClass[c], 3);
    expect(r.ablated.accuracy).toBeLessThan(r.intact.accuracy);
    expect(r.drop).toBeCloseTo(r.intact.accuracy - r.ablated.accuracy, 10);
  });

  it('--mode mean: ablated = the model with each unit\'s test-set mean folded into the next layer\'s bias', async () => {
    const r = await json('ablate', '--model', 'mlp', '--layer', 'hidden1', '--units', units.join(','), '--mode', 'mean');
    const means = await loadMeansFromDir(shippedModelDir('mlp'), (await shippedModel('mlp')).spec);
    const want = await accuracyOf(await mlpWithout(units, means!.get('hidden1.out')!));
    expect(r.ablated.accuracy).toBeCloseTo(want.accuracy, 4);
  });

  it('cnn channels, and clear refusals', async () => {
    const r = await json('ablate', '--model', 'cnn', '--layer', 'conv2', '--channels', '0,1,2,3,4,5,6,7');
    expect(r.channels).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(r.ablated.accuracy).toBeLessThan(r.intact.accuracy);
    const none = await run('ablate', '--model', 'mlp', '--layer', 'hidden1');
    expect([none.code, none.stderr]).toEqual([2, expect.stringMatching(/ablate needs --units I,J,… or --channels C,…/)]);
    const mode = await run('ablate', '--model', 'mlp', '--layer', 'hidden1', '--units', '1', '--mode', 'random');
    expect(mode.stderr).toMatch(/--mode is zero or mean, not "random"/);
    const range = await run('ablate', '--model', 'mlp', '--layer', 'hidden1', '--units', '1,500');
    expect(range.code).toBe(1);
    expect(range.stderr).toMatch(/unit 500 is out of range/);
    const layer = await run('ablate', '--model', 'mlp', '--layer', 'conv9', '--units', '1');
    expect(layer.code).toBe(1);
    expect(layer.stderr).toMatch(/"conv9\.out" is not a hook point/);
  });
});

describe('seeing-digits patch', () => {
  it('patching all of the input, or the logits, makes B read exactly as A', async () => {
    for (const [model, at] of [['cnn', 'conv1.in'], ['cnn', 'output.pre'], ['mlp', 'hidden2.out']]) {
      const r = await json('patch', '--model', model, '--from', join(dir, 'seven.png'), '--into', join(dir, 'two.png'), '--at', at);
      expect([r.from.digit, r.into.digit]).toEqual([7, 2]);
      expect(r.patched.digit).toBe(7);
      for (let c = 0; c < 10; c++) expect(r.patched.probs[c]).toBeCloseTo(r.from.probs[c], 5);
    }
  });

  it('a partial patch (some units) lands between, and nothing patched changes nothing', async () => {
    const part = await json('patch', '--model', 'mlp', '--from', join(dir, 'seven.png'), '--into', join(dir, 'two.png'), '--at', 'hidden1.out', '--units', '0,1,2');
    expect(part.units).toEqual([0, 1, 2]);
    expect(part.patched.probs).not.toEqual(part.into.probs);
    const same = await json('patch', '--model', 'mlp', '--from', join(dir, 'two.png'), '--into', join(dir, 'two.png'), '--at', 'hidden1.out');
    for (let c = 0; c < 10; c++) expect(same.patched.probs[c]).toBeCloseTo(same.into.probs[c], 6);
    const bad = await run('patch', '--model', 'mlp', '--from', join(dir, 'seven.png'), '--into', join(dir, 'two.png'), '--at', 'hidden9.out');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/"hidden9\.out" is not a hook point/);
  });
});
