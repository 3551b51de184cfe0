// maxpool kernels: see src/wasm/abi.ts for the contract.
// 2×2 window, stride 2, 'valid': oh = h >> 1, ow = w >> 1; an odd last row/column is dropped (TensorFlow's rule).
// NHWC, so one window's four taps are four channel vectors: we vectorise over channels (f32x4) with a scalar tail.

/** y[n, oy, ox, :] = max of x[n, 2oy + {0,1}, 2ox + {0,1}, :]. */
export function maxPool2Forward(x: usize, y: usize, n: i32, h: i32, w: i32, c: i32): void {
  const oh = h >> 1, ow = w >> 1;
  const px = <usize>c << 2; // bytes per pixel
  const row = <usize>w * px; // bytes per input row
  const c4 = <usize>(c & ~3) << 2; // bytes covered by whole vectors
  for (let img = 0; img < n; img++) {
    const xi = x + <usize>img * <usize>h * row;
    for (let oy = 0; oy < oh; oy++) {
      let a = xi + <usize>(2 * oy) * row; // top-left tap of the window
      for (let ox = 0; ox < ow; ox++) {
        const b = a + px, cc = a + row, d = cc + px;
        let j: usize = 0;
        for (; j < c4; j += 16) {
          // lanes: max(max(a, b), max(c, d)) per channel
          const m = f32x4.max(
            f32x4.max(v128.load(a + j), v128.load(b + j)),
            f32x4.max(v128.load(cc + j), v128.load(d + j)));
          v128.store(y + j, m);
        }
        for (; j < px; j += 4) { // scalar tail: c % 4 channels
          store<f32>(y + j, max(max(load<f32>(a + j), load<f32>(b + j)), max(load<f32>(cc + j), load<f32>(d + j))));
        }
        y += px;
        a += px << 1;
      }
    }
  }
}

/**
 * dx = dy routed to the max of each window; the first max in row-major order (a, b, c, d) wins ties, like
 * tf.maxPool's gradient (it keeps the first position whose value is strictly greater). Everything else is 0,
 * including the dropped odd row/column.
 */
export function maxPool2Backward(x: usize, dy: usize, dx: usize, n: i32, h: i32, w: i32, c: i32): void {
  const oh = h >> 1, ow = w >> 1;
  const px = <usize>c << 2;
  const row = <usize>w * px;
  if ((h | w) & 1) zeroDropped(dx, n, h, w, px, row); // the windows below write every tap they cover
  const c4 = <usize>(c & ~3) << 2;
  for (let img = 0; img < n; img++) {
    const off = <usize>img * <usize>h * row;
    for (let oy = 0; oy < oh; oy++) {
      let o = off + <usize>(2 * oy) * row; // byte offset of the window's top-left tap, same in x and dx
      for (let ox = 0; ox < ow; ox++) {
        let j: usize = 0;
        for (; j < c4; j += 16) routeVec(x + o, dx + o, dy + j, px, row, j);
        for (; j < px; j += 4) routeScalar(x + o, dx + o, dy + j, px, row, j);
        dy += px;
        o += px << 1;
      }
    }
  }
}

/** dx = 0 on the row and column an odd h or w drops (no window reads them). */
function zeroDropped(dx: usize, n: i32, h: i32, w: i32, px: usize, row: usize): void {
  for (let img = 0; img < n; img++) {
    const base = dx + <usize>img * <usize>h * row;
    if (w & 1) {
      for (let y = 0; y < h; y++) memory.fill(base + <usize>y * row + row - px, 0, px); // last column
    }
    if (h & 1) memory.fill(base + <usize>(h - 1) * row, 0, row); // last row
  }
}

/** One channel vector of one window: masks pick the first tap equal to the max. */
// @ts-ignore: decorator
@inline function routeVec(x: usize, dx: usize, dy: usize, px: usize, row: usize, j: usize): void {
  const a = v128.load(x + j), b = v128.load(x + px + j);
  const c = v128.load(x + row + j), d = v128.load(x + row + px + j);
  const m = f32x4.max(f32x4.max(a, b), f32x4.max(c, d));
  const g = v128.load(dy);
  // lanes: ea = a == m; eb = b == m & !ea; ec = c == m & !(ea | eb); ed = d == m & !(ea | eb | ec)
  const ea = f32x4.eq(a, m);
  let taken = ea;
  const eb = v128.andnot(f32x4.eq(b, m), taken);
  taken = v128.or(taken, eb);
  const ec = v128.andnot(f32x4.eq(c, m), taken);
  taken = v128.or(taken, ec);
  const ed = v128.andnot(f32x4.eq(d, m), taken);
  v128.store(dx + j, v128.and(g, ea));
  v128.store(dx + px + j, v128.and(g, eb));
  v128.store(dx + row + j, v128.and(g, ec));
  v128.store(dx + row + px + j, v128.and(g, ed));
}

/** Scalar tail (c % 4 channels): same rule, one channel. */
// @ts-ignore: decorator
@inline function routeScalar(x: usize, dx: usize, dy: usize, px: usize, row: usize, j: usize): void {
  const a = load<f32>(x + j), b = load<f32>(x + px + j);
  const c = load<f32>(x + row + j), d = load<f32>(x + row + px + j);
  const m = max(max(a, b), max(c, d));
  const g = load<f32>(dy);
  // first tap equal to the max, like the vector masks (none when a NaN poisons m: all four get 0)
  const ta = a == m, tb = !ta && b == m, tc = !(ta || tb) && c == m, td = !(ta || tb || tc) && d == m;
  store<f32>(dx + j, ta ? g : 0);
  store<f32>(dx + px + j, tb ? g : 0);
  store<f32>(dx + row + j, tc ? g : 0);
  store<f32>(dx + row + px + j, td ? g : 0);
}
