/**
 * PyTorch (NCHW) ↔ engine (NHWC) weight layouts, shared by the ONNX reader and writer so the two stay inverse.
 * A Flatten of a C×H×W map is C·H·W ordered in PyTorch and H·W·C ordered in the engine: the Dense after it gets its
 * kernel rows re-ordered.
 */
export type Chw = [c: number, h: number, w: number];

/** Whether the two flatten orders agree (one channel, or a 1×1 map). */
export const sameFlattenOrder = ([c, h, w]: Chw) => c === 1 || h * w === 1;

/** Kernel [C·H·W rows, units] → [H·W·C rows, units] (toChw: the inverse). */
export function permuteRows(kernel: Float32Array, [c, h, w]: Chw, units: number, toChw = false): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const chw = ((ch * h + y) * w + x) * units;
        const hwc = ((y * w + x) * c + ch) * units;
        const [from, to] = toChw ? [hwc, chw] : [chw, hwc];
        out.set(kernel.subarray(from, from + units), to);
      }
    }
  }
  return out;
}

/** Conv kernel [co, ci, kh, kw] (PyTorch, ONNX) → [kh, kw, ci, co] (TensorFlow, the engine); toOihw: the inverse. */
export function relayConvKernel(kernel: Float32Array, [co, ci, kh, kw]: number[], toOihw = false): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let o = 0; o < co; o++) {
    for (let i = 0; i < ci; i++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          const oihw = ((o * ci + i) * kh + y) * kw + x;
          const hwio = ((y * kw + x) * ci + i) * co + o;
          if (toOihw) out[oihw] = kernel[hwio];
          else out[hwio] = kernel[oihw];
        }
      }
    }
  }
  return out;
}
