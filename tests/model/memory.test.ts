// A model's engine memory, estimated before planning: the estimate matches what Network allocates, and a large but
// valid model (a conv with 4096 filters) is refused with a clear message before any memory is taken.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadEngineNode } from '../../src/wasm/node.ts';
import { Arena, MEMORY_LIMIT } from '../../src/wasm/wasm.ts';
import { Network } from '../../src/model/network.ts';
import { networkBytes } from '../../src/model/memory.ts';
import { paramShapes } from '../../src/model/shapes.ts';
import { loadModelFromDir } from '../../src/model/format-node.ts';
import { loadModelFromFile } from '../../src/model/load-node.ts';
import { SimdEngine } from '../../src/engines/simd.ts';
import { readEngineWasm } from '../../src/wasm/node.ts';
import type { LayerParams, LoadedModel, ModelSpec } from '../../src/model/spec.ts';

const shipped = (id: string) => loadModelFromDir(fileURLToPath(new URL(`../../extension/models/${id}`, import.meta.url)));

function zeros(spec: ModelSpec): LoadedModel {
  const params = new Map<string, LayerParams>();
  for (const [name, s] of paramShapes(spec)) {
    params.set(name, { kernel: new Float32Array(s.kernel.reduce((a, b) => a * b, 1)), bias: s.bias && new Float32Array(s.bias[0]) });
  }
  return { spec, params };
}

/** Valid, and only 27 MB of weights, but 26×26×4096 activations × 4 buffers × batch 64 is 2.8 GB of engine memory. */
const wideConv: ModelSpec = {
  name: 'wide-conv',
  inputShape: [28, 28, 1],
  layers: [
    { kind: 'Conv2D', name: 'conv', filters: 4096, kernelSize: [3, 3], strides: 1, padding: 'valid', activation: 'relu', useBias: true },
    { kind: 'MaxPooling2D', name: 'pool' },
    { kind: 'Flatten', name: 'flat' },
    { kind: 'Dense', name: 'logits', units: 10, activation: 'softmax', useBias: true },
  ],
};

describe('model memory estimate', () => {
  for (const [id, capacity] of [['mlp', 1], ['mlp', 64], ['cnn', 1], ['cnn', 64], ['cnn', 256]] as const) {
    it(`shipped ${id} at batch ${capacity}: the estimate bounds what Network allocates, within 1 %`, async () => {
      const model = await shipped(id);
      const arena = new Arena(await loadEngineNode());
      const start = arena.used;
      new Network(arena, model, capacity);
      const used = arena.used - start;
      const estimate = networkBytes(arena.ex, model.spec, capacity);
      expect(estimate).toBeGreaterThanOrEqual(used);
      expect(estimate).toBeLessThan(used * 1.01);
    });
  }

  it('an imported PyTorch CNN with padding, any pooling and leaky relu: the estimate bounds what Network allocates, within 1 %', async () => {
    const model = await loadModelFromFile(fileURLToPath(new URL('../fixtures/onnx/cnn_pad_pool_leaky.onnx', import.meta.url)));
    for (const capacity of [1, 64]) {
      const arena = new Arena(await loadEngineNode());
      const start = arena.used;
      new Network(arena, model, capacity);
      const used = arena.used - start;
      const estimate = networkBytes(arena.ex, model.spec, capacity);
      expect(estimate).toBeGreaterThanOrEqual(used);
      expect(estimate).toBeLessThan(used * 1.01);
    }
  });

  it('a conv with 4096 filters is refused with a clear message, before the engine grows its memory', async () => {
    const engine = await SimdEngine.create(await readEngineWasm());
    const net = engine as unknown as { ex: { memory: WebAssembly.Memory } };
    const before = net.ex.memory.buffer.byteLength;
    await expect(engine.load('wide', zeros(wideConv))).rejects.toThrow(
      /model wide-conv is too large for the engine: it needs \d+\.\d MiB of memory at batch 64, more than the 512\.0 MiB limit/,
    );
    expect(net.ex.memory.buffer.byteLength).toBe(before);
    // The same model at batch 1 fits (~55 MiB) and runs.
    const small = new Network(new Arena(await loadEngineNode()), zeros(wideConv), 1);
    small.setInput(new Float32Array(784).fill(0.5), 1);
    small.forward(1);
    expect(Array.from(small.read(small.probs, 0))).toEqual(new Array(10).fill(0.1).map((p) => expect.closeTo(p, 6)));
  });

  it('the arena refuses allocations past its limit with a clear message (no offsets wrapping past 2 GiB)', async () => {
    const arena = new Arena(await loadEngineNode());
    expect(() => arena.alloc(MEMORY_LIMIT / 4)).toThrow(/engine: out of memory \(needed 512\.\d MiB, the limit is 512 MiB\)/);
    expect(() => arena.alloc(2 ** 30)).toThrow(/out of memory/);
    expect(arena.alloc(4)).toBeGreaterThan(0);
  });
});
