// A model file within every limit (weights at most 1e6) can still overflow float32: six linear layers of 1e6
// weights reach 1e41 on a bright input. The worker answers with a clear error, not NaN probabilities.
import { describe, expect, it } from 'vitest';
import { createService } from '../../worker/service.ts';
import { nodeDeps } from '../../worker/node-deps.ts';
import { serializeModel } from '../../src/model/format.ts';
import { paramShapes } from '../../src/model/shapes.ts';
import type { LayerParams, ModelSpec } from '../../src/model/spec.ts';
import { barPixels } from '../worker/fixtures.ts';

const spec: ModelSpec = {
  name: 'overflow',
  inputShape: [28, 28, 1],
  layers: [
    { kind: 'Flatten', name: 'flat' },
    ...[1, 2, 3, 4, 5, 6].map((i) => ({ kind: 'Dense' as const, name: `d${i}`, units: 4, activation: 'linear' as const, useBias: false })),
    { kind: 'Dense', name: 'logits', units: 10, activation: 'softmax', useBias: false },
  ],
};

describe('overflowing models', () => {
  for (const engine of ['simd', 'tfjs-cpu'] as const) {
    it(`${engine}: a clear error instead of NaN probabilities`, async () => {
      const params = new Map<string, LayerParams>();
      for (const [name, s] of paramShapes(spec)) params.set(name, { kernel: new Float32Array(s.kernel[0] * s.kernel[1]).fill(1e6) });
      const { modelJson, weightData } = serializeModel({ spec, params });
      const api = createService(nodeDeps({ defaultModels: {} }));
      await api.init({ engine, models: { mlp: { modelJson, weights: weightData } } });
      await expect(api.analyze({ kind: 'mnist', pixels: barPixels() })).rejects.toThrow(
        'model mlp computes non-finite probabilities (its weights overflow float32)',
      );
    });
  }
});
