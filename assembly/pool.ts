// Pooling kernels for any window ph×pw and strides sh, sw, 'valid' (oh = floor((h − ph) / sh) + 1; rows and
// columns no window reaches are dropped, TensorFlow's and PyTorch's floor rule): see src/wasm/abi.ts.
// NHWC, so a window's taps are channel vectors: we vectorise over channels (f32x4) with a scalar tail (c % 4).
// Windows may overlap (stride < size, e.g. MaxPool2d(3, 2)): backward zeroes dx, then adds each window's share.
// The 2×2 stride-2 max-pool of the shipped CNN keeps its own kernels (maxpool.ts).

/** y[n, oy, ox, :] = max over the window at (oy·sh, ox·sw). */
export function maxPoolForward(x: usize, y: usize, n: i32, h: i32, w: i32, c: i32,
  ph: i32, pw: i32, sh: i32, sw: i32): void {
  const oh = (h - ph) / sh + 1, ow = (w - pw) / sw + 1;
  const px = <usize>c << 2; // bytes per pixel
  const row = <usize>w * px; // bytes per input row
  const c4 = <usize>(c & ~3) << 2; // bytes covered by whole vectors
  for (let img = 0; img < n; img++) {
    const xi = x + <usize>img * <usize>h * row;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const win = xi + <usize>(oy * sh) * row + <usize>(ox * sw) * px; // the window's top-left tap
        let j: usize = 0;
        for (; j < c4; j += 16) {
          let m = v128.load(win + j);
          for (let ky = 0; ky < ph; ky++) {
            const r = win + <usize>ky * row + j;
            for (let kx = 0; kx < pw; kx++) m = f32x4.max(m, v128.load(r + <usize>kx * px));
          }
          v128.store(y + j, m);
        }
        for (; j < px; j += 4) { // scalar tail: c % 4 channels
          let m = load<f32>(win + j);
          for (let ky = 0; ky < ph; ky++) {
            const r = win + <usize>ky * row + j;
            for (let kx = 0; kx < pw; kx++) m = max(m, load<f32>(r + <usize>kx * px));
          }
          store<f32>(y + j, m);
        }
        y += px;
      }
    }
  }
}

/**
 * dx = Σ over windows of dy routed to the window's max: the first max in row-major order wins ties (like
 * tf.maxPool's gradient and PyTorch's CPU kernel); overlapping windows add up. A NaN max routes nothing.
 */
export function maxPoolBackward(x: usize, dy: usize, dx: usize, n: i32, h: i32, w: i32, c: i32,
  ph: i32, pw: i32, sh: i32, sw: i32): void {
  const oh = (h - ph) / sh + 1, ow = (w - pw) / sw + 1;
  const px = <usize>c << 2;
  const row = <usize>w * px;
  const c4 = <usize>(c & ~3) << 2;
  memory.fill(dx, 0, <usize>n * <usize>h * row);
  for (let img = 0; img < n; img++) {
    const off = <usize>img * <usize>h * row;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const o = off + <usize>(oy * sh) * row + <usize>(ox * sw) * px; // top-left tap, same offset in x and dx
        let j: usize = 0;
        for (; j < c4; j += 16) {
          let m = v128.load(x + o + j);
          for (let ky = 0; ky < ph; ky++) {
            for (let kx = 0; kx < pw; kx++) m = f32x4.max(m, v128.load(x + o + <usize>ky * row + <usize>kx * px + j));
          }
          const g = v128.load(dy + j);
          // lanes: each tap takes g where it equals the max and no earlier tap did
          let taken = v128.splat<i32>(0);
          for (let ky = 0; ky < ph; ky++) {
            for (let kx = 0; kx < pw; kx++) {
              const t = o + <usize>ky * row + <usize>kx * px + j;
              const e = v128.andnot(f32x4.eq(v128.load(x + t), m), taken);
              taken = v128.or(taken, e);
              v128.store(dx + t, f32x4.add(v128.load(dx + t), v128.and(g, e)));
            }
          }
        }
        for (; j < px; j += 4) { // scalar tail: the same rule, one channel
          let m = load<f32>(x + o + j);
          for (let ky = 0; ky < ph; ky++) {
            for (let kx = 0; kx < pw; kx++) m = max(m, load<f32>(x + o + <usize>ky * row + <usize>kx * px + j));
          }
          const g = load<f32>(dy + j);
          let done = m != m; // a NaN max (max propagates it) equals no tap: nothing routed, as in the lanes
          for (let ky = 0; ky < ph && !done; ky++) {
            for (let kx = 0; kx < pw && !done; kx++) {
              const t = o + <usize>ky * row + <usize>kx * px + j;
              if (load<f32>(x + t) == m) {
                store<f32>(dx + t, load<f32>(dx + t) + g);
                done = true;
              }
            }
          }
        }
        dy += px;
      }
    }
  }
}

/** y[n, oy, ox, :] = mean over the window at (oy·sh, ox·sw) (all ph·pw taps: 'valid' windows hold no padding). */
export function avgPoolForward(x: usize, y: usize, n: i32, h: i32, w: i32, c: i32,
  ph: i32, pw: i32, sh: i32, sw: i32): void {
  const oh = (h - ph) / sh + 1, ow = (w - pw) / sw + 1;
  const px = <usize>c << 2;
  const row = <usize>w * px;
  const c4 = <usize>(c & ~3) << 2;
  const count = <f32>(ph * pw);
  const countV = f32x4.splat(count);
  for (let img = 0; img < n; img++) {
    const xi = x + <usize>img * <usize>h * row;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const win = xi + <usize>(oy * sh) * row + <usize>(ox * sw) * px;
        let j: usize = 0;
        for (; j < c4; j += 16) {
          let s = f32x4.splat(0);
          for (let ky = 0; ky < ph; ky++) {
            const r = win + <usize>ky * row + j;
            for (let kx = 0; kx < pw; kx++) s = f32x4.add(s, v128.load(r + <usize>kx * px));
          }
          v128.store(y + j, f32x4.div(s, countV));
        }
        for (; j < px; j += 4) { // scalar tail: c % 4 channels, the same sum order as the lanes
          let s: f32 = 0;
          for (let ky = 0; ky < ph; ky++) {
            const r = win + <usize>ky * row + j;
            for (let kx = 0; kx < pw; kx++) s += load<f32>(r + <usize>kx * px);
          }
          store<f32>(y + j, s / count);
        }
        y += px;
      }
    }
  }
}

/** dx = Σ over windows of dy / (ph·pw) on each of the window's taps; dropped rows and columns get 0. */
export function avgPoolBackward(dy: usize, dx: usize, n: i32, h: i32, w: i32, c: i32,
  ph: i32, pw: i32, sh: i32, sw: i32): void {
  const oh = (h - ph) / sh + 1, ow = (w - pw) / sw + 1;
  const px = <usize>c << 2;
  const row = <usize>w * px;
  const c4 = <usize>(c & ~3) << 2;
  const count = <f32>(ph * pw);
  const countV = f32x4.splat(count);
  memory.fill(dx, 0, <usize>n * <usize>h * row);
  for (let img = 0; img < n; img++) {
    const dxi = dx + <usize>img * <usize>h * row;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const win = dxi + <usize>(oy * sh) * row + <usize>(ox * sw) * px;
        let j: usize = 0;
        for (; j < c4; j += 16) {
          const g = f32x4.div(v128.load(dy + j), countV);
          for (let ky = 0; ky < ph; ky++) {
            const r = win + <usize>ky * row + j;
            for (let kx = 0; kx < pw; kx++) {
              const t = r + <usize>kx * px;
              v128.store(t, f32x4.add(v128.load(t), g));
            }
          }
        }
        for (; j < px; j += 4) {
          const g = load<f32>(dy + j) / count;
          for (let ky = 0; ky < ph; ky++) {
            const r = win + <usize>ky * row + j;
            for (let kx = 0; kx < pw; kx++) {
              const t = r + <usize>kx * px;
              store<f32>(t, load<f32>(t) + g);
            }
          }
        }
        dy += px;
      }
    }
  }
}
