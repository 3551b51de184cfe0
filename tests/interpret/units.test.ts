// Per-unit statistics: ablation against a direct evaluation with the unit held at zero (the MLP's layers recomputed
// in JS from hidden1's activations), the one-pass ablation before the logits against evaluating ablated weights,
// a conv channel's zeroed filter giving an all-zero channel, and histograms / top digits against their definitions.
import { describe, expect, it } from 'vitest';
import { ablateBeforeLogits, ablatedAccuracy, ablatedParams, accuracyOf, unitStats } from '../../src/interpret/units.ts';
import { argmax } from '../../src/util/array.ts';
import { FILES, type UnitsFile } from '../../src/interpret/explorer-data.ts';
import { activations, mnistTest, shippedJson, shippedNet } from './shipped-net.ts';

describe('ablation', () => {
  it('MLP hidden1: the accuracy with ablated weights equals hidden2 and the output computed directly with the unit at 0', async () => {
    const net = await shippedNet('mlp');
    const model = net.model();
    const test = mnistTest();
    const h1 = activations(net, 'hidden1', test.images, 10_000);
    const { kernel: w2, bias: b2 } = model.params.get('hidden2')!;
    const { kernel: w3, bias: b3 } = model.params.get('output')!;
    const units = (await shippedJson<UnitsFile>('mlp', FILES.units)).layers[0];
    // The most important unit by the shipped ranking, and two others.
    const top = units.ablationDrop.indexOf(Math.max(...units.ablationDrop));
    for (const u of [top, 0, 77]) {
      let correct = 0;
      const h2 = new Float64Array(64), out = new Float64Array(10);
      for (let i = 0; i < 10_000; i++) {
        for (let o = 0; o < 64; o++) {
          let s = b2![o];
          for (let j = 0; j < 128; j++) if (j !== u) s += h1[i * 128 + j] * w2[j * 64 + o];
          h2[o] = Math.tanh(s);
        }
        for (let c = 0; c < 10; c++) {
          let s = b3![c];
          for (let j = 0; j < 64; j++) s += h2[j] * w3[j * 10 + c];
          out[c] = s;
        }
        if (argmax(out) === test.labels[i]) correct++;
      }
      const acc = ablatedAccuracy(net, model, 'hidden1', u, test.images, test.labels);
      expect(Math.abs(acc - correct / 10_000)).toBeLessThanOrEqual(2e-4); // float32 vs float64 near-ties
      if (u === top) expect(units.ablationDrop[u]).toBeCloseTo(accuracyOf(net, test.images, test.labels) - acc, 4);
    }
    // The weights are restored afterwards.
    expect(accuracyOf(net, test.images, test.labels)).toBeCloseTo(0.9894, 4);
  }, 120_000);

  it('the one-pass ablation of the layer before the logits equals evaluating ablated weights (MLP hidden2, CNN hidden)', async () => {
    const test = mnistTest();
    for (const [id, layer] of [['mlp', 'hidden2'], ['cnn', 'hidden']] as const) {
      const net = await shippedNet(id);
      const count = id === 'cnn' ? 2000 : 10_000;
      const images = test.images.subarray(0, count * 784), labels = test.labels.subarray(0, count);
      const fast = ablateBeforeLogits(net, layer, images, labels);
      for (const u of [0, 5, 31]) expect(fast[u]).toBeCloseTo(ablatedAccuracy(net, net.model(), layer, u, images, labels), 4);
    }
  }, 120_000);

  it('CNN conv1: a zeroed filter gives an all-zero channel after relu and pooling; the other channels are unchanged', async () => {
    const net = await shippedNet('cnn', 8);
    const test = mnistTest();
    const before = activations(net, 'pool1', test.images, 8);
    net.setParams(ablatedParams(net.model(), 'conv1', 3));
    const conv = activations(net, 'conv1', test.images, 8);
    const after = activations(net, 'pool1', test.images, 8);
    for (let i = 3; i < conv.length; i += 16) expect(conv[i]).toBe(0);
    for (let i = 0; i < after.length; i++) expect(after[i]).toBe(i % 16 === 3 ? 0 : before[i]);
    expect(before.some((v, i) => i % 16 === 3 && v > 0)).toBe(true);
  });
});

describe('unitStats', () => {
  it('MLP hidden2 on 500 digits: histograms count every output, saturation and top/bottom digits by their definitions', async () => {
    const net = await shippedNet('mlp');
    const test = mnistTest();
    const count = 500;
    const s = unitStats(net, test.images.subarray(0, count * 784), test.labels.subarray(0, count), { top: 4, ablation: false });
    const h = s.layers[1];
    expect(h.layer).toBe('hidden2');
    const a = activations(net, 'hidden2', test.images, count);
    // Pre-activations: atanh of the outputs is not exact at saturation, so read z from the network.
    const step = net.steps.find((x) => x.spec.name === 'hidden2')!;
    const z = new Float32Array(count * 64);
    for (let start = 0; start < count; start += 256) {
      const n = Math.min(256, count - start);
      net.setInput(test.images.subarray(start * 784, (start + n) * 784), n);
      net.forward(n);
      z.set(net.arena.f32(step.z.ptr, n * 64), start * 64);
    }
    for (const u of [0, 17, 63]) {
      expect(h.histogram.counts[u].reduce((x, y) => x + y, 0)).toBe(count);
      const col = Array.from({ length: count }, (_, i) => a[i * 64 + u]);
      expect(h.saturated![u]).toBeCloseTo(col.filter((v) => Math.abs(v) > 0.99).length / count, 4);
      const zs = Array.from({ length: count }, (_, i) => [z[i * 64 + u], i] as const).sort((p, q) => q[0] - p[0]);
      expect(h.topDigits[u]).toEqual(zs.slice(0, 4).map(([, i]) => i));
      expect(h.bottomDigits[u]).toEqual(zs.slice(-4).reverse().map(([, i]) => i));
    }
  });
});
