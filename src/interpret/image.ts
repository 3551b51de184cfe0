/** Small 2-D image operations the attribution methods need (single channel, row-major). */

/**
 * Gaussian blur with standard deviation `sigma` pixels: separable kernel over ±⌈3σ⌉, weights normalised to 1,
 * zero outside the image (MNIST's background is 0, so a digit near the border loses the ink that would spread out).
 */
export function gaussianBlur(x: ArrayLike<number>, w: number, h: number, sigma: number): Float32Array {
  if (!(sigma > 0)) return Float32Array.from(x);
  const r = Math.ceil(3 * sigma);
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const total = k.reduce((a, b) => a + b, 0);
  for (let i = 0; i < k.length; i++) k[i] /= total;
  const tmp = new Float64Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let c = 0; c < w; c++) {
      let s = 0;
      for (let d = -r; d <= r; d++) if (c + d >= 0 && c + d < w) s += k[d + r] * x[y * w + c + d];
      tmp[y * w + c] = s;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let c = 0; c < w; c++) {
      let s = 0;
      for (let d = -r; d <= r; d++) if (y + d >= 0 && y + d < h) s += k[d + r] * tmp[(y + d) * w + c];
      out[y * w + c] = s;
    }
  }
  return out;
}

/**
 * Bilinear resize of an h×w map to H×W with half-pixel centres (output pixel centre (Y + ½)·h/H − ½ in source
 * coordinates, clamped to the edge pixels): PyTorch's `F.interpolate(mode='bilinear', align_corners=False)` and
 * TensorFlow's `resize_bilinear(half_pixel_centers=True)`, the usual Grad-CAM upsampling.
 */
export function resizeBilinear(src: ArrayLike<number>, h: number, w: number, H: number, W: number): Float32Array {
  const out = new Float32Array(H * W);
  const coord = (i: number, from: number, to: number) => {
    const s = Math.max(0, ((i + 0.5) * from) / to - 0.5);
    const i0 = Math.min(from - 1, Math.floor(s));
    return { i0, i1: Math.min(from - 1, i0 + 1), f: s - i0 };
  };
  for (let Y = 0; Y < H; Y++) {
    const { i0: y0, i1: y1, f: fy } = coord(Y, h, H);
    for (let X = 0; X < W; X++) {
      const { i0: x0, i1: x1, f: fx } = coord(X, w, W);
      const top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx;
      const bottom = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx;
      out[Y * W + X] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}
