// Linear probes: at the logits a linear read-out can do what the model's own argmax does, so the probe must reach
// the model's accuracy (within a point); on raw pixels multinomial logistic regression reaches ~92 % on MNIST.
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/data/mnist-node.ts';
import { linearProbes } from '../../src/interpret/probe.ts';
import { accuracyOf } from '../../src/interpret/units.ts';
import { FILES, type ProbeFile } from '../../src/interpret/explorer-data.ts';
import { mnistTest, shippedJson, shippedNet } from './shipped-net.ts';

describe('linearProbes', () => {
  it('MLP: the logits probe matches the model within a point, the input probe is ≥ 85 %, hidden layers in between', async () => {
    const net = await shippedNet('mlp');
    const test = mnistTest();
    const r = linearProbes(net, loadMnist('train'), test);
    const acc = Object.fromEntries(r.layers.map((l) => [l.layer, l.testAccuracy]));
    expect(r.layers.map((l) => l.layer)).toEqual(['input', 'hidden1', 'hidden2', 'output']);
    const model = accuracyOf(net, test.images, test.labels);
    expect(Math.abs(acc.output - model)).toBeLessThan(0.01);
    expect(acc.input).toBeGreaterThanOrEqual(0.85);
    expect(acc.input).toBeLessThan(0.95); // a linear model on pixels is not a deep net
    expect(acc.hidden2).toBeGreaterThan(acc.input);
  }, 120_000);

  for (const id of ['mlp', 'cnn'] as const) {
    it(`the shipped ${id} probe.json: every layer, logits within a point of the model, input ≥ 85 %`, async () => {
      const p = await shippedJson<ProbeFile>(id, FILES.probe);
      const m = await shippedJson<{ accuracy: number }>(id, 'metrics.json');
      expect(p.testCount).toBe(10_000);
      expect(Math.abs(p.layers.at(-1)!.testAccuracy - m.accuracy)).toBeLessThan(0.01);
      expect(p.layers[0].testAccuracy).toBeGreaterThanOrEqual(0.85);
    });
  }
});
