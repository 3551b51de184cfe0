/** Shared inputs of the worker tests: model files from seeded TensorFlow.js models, and images. */
import { tfCpu } from '../helpers/tf.ts';
import { tfCnn, tfFiles, tfMlp } from '../helpers/models.ts';
import type { ModelId, ModelSource } from '../../worker/api.ts';
import type { RgbaImage } from '../../src/preprocess/types.ts';

/** model.json + weights of a small MLP and CNN, as init() takes them. */
export async function modelFiles(seed = 1): Promise<Record<ModelId, ModelSource & { modelJson: unknown }>> {
  const tf = await tfCpu();
  const out = {} as Record<ModelId, ModelSource & { modelJson: unknown }>;
  for (const [id, make] of [['mlp', tfMlp], ['cnn', tfCnn]] as const) {
    const { modelJson, shards } = await tfFiles(tf, make(tf, seed));
    out[id] = { modelJson, weights: shards[0] };
  }
  return out;
}

/** A dark ring ("0") on white paper, w×h RGBA. */
export function ringImage(w = 120, h = 100): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4).fill(255);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = Math.hypot((x - w / 2) / 0.7, y - h / 2);
      if (d > 25 && d < 33) data.fill(20, (y * w + x) * 4, (y * w + x) * 4 + 3);
    }
  }
  return { width: w, height: h, data };
}

export function blankImage(w = 50, h = 40): RgbaImage {
  return { width: w, height: h, data: new Uint8ClampedArray(w * h * 4).fill(255) };
}

/** 28×28 in [0, 1]: a bright vertical bar ("1") on black. */
export function barPixels(): Float32Array {
  const x = new Float32Array(784);
  for (let r = 4; r < 24; r++) for (let c = 12; c < 16; c++) x[r * 28 + c] = 1;
  return x;
}
