// ZeroPadding2D kernels: see src/wasm/abi.ts for the contract.
// NHWC: an input row is one contiguous run of w·c floats, so padding is a fill of the border plus one copy per
// row, and its gradient is the crop of dy: one copy per row (memory.fill / memory.copy, bulk memory ops).

/** y [n, h + top + bottom, w + left + right, c] = x with zeros around it. */
export function pad2dForward(x: usize, y: usize, n: i32, h: i32, w: i32, c: i32,
  top: i32, bottom: i32, left: i32, right: i32): void {
  const px = <usize>c << 2; // bytes per pixel
  const row = <usize>w * px; // bytes per input row
  const orow = <usize>(w + left + right) * px; // bytes per output row
  const lead = <usize>left * px, trail = <usize>right * px;
  const oh = h + top + bottom;
  for (let img = 0; img < n; img++) {
    const xi = x + <usize>img * <usize>h * row;
    const yi = y + <usize>img * <usize>oh * orow;
    memory.fill(yi, 0, <usize>top * orow);
    for (let r = 0; r < h; r++) {
      const yr = yi + <usize>(top + r) * orow;
      memory.fill(yr, 0, lead);
      memory.copy(yr + lead, xi + <usize>r * row, row);
      memory.fill(yr + lead + row, 0, trail);
    }
    memory.fill(yi + <usize>(top + h) * orow, 0, <usize>bottom * orow);
  }
}

/** dx [n, h, w, c] = dy [n, h + top + bottom, w + left + right, c] cropped to the input's window. */
export function pad2dBackward(dy: usize, dx: usize, n: i32, h: i32, w: i32, c: i32,
  top: i32, bottom: i32, left: i32, right: i32): void {
  const px = <usize>c << 2;
  const row = <usize>w * px;
  const orow = <usize>(w + left + right) * px;
  const lead = <usize>left * px;
  const oh = h + top + bottom;
  for (let img = 0; img < n; img++) {
    const dxi = dx + <usize>img * <usize>h * row;
    const dyi = dy + <usize>img * <usize>oh * orow;
    for (let r = 0; r < h; r++) memory.copy(dxi + <usize>r * row, dyi + <usize>(top + r) * orow + lead, row);
  }
}
