// Activation kernels: see src/wasm/abi.ts for the contract. Elementwise kernels run 4 floats per f32x4
// with a scalar tail (the same lane math on a splat, so tails agree with vector lanes bit for bit).
// Backward kernels take the forward OUTPUT y where the derivative is a function of it (tanh, sigmoid, softmax).
import { expNonPositive, sigmoidV, tanhV, rowMax, softmaxRow } from './vmath';
import { hsum } from './simd';

// @ts-ignore: decorator
@inline function lane0(v: v128): f32 {
  return f32x4.extract_lane(v, 0);
}

export function tanhForward(x: usize, y: usize, len: i32): void {
  let i = 0;
  for (; i + 4 <= len; i += 4) v128.store(y + (<usize>i << 2), tanhV(v128.load(x + (<usize>i << 2))));
  for (; i < len; i++) store<f32>(y + (<usize>i << 2), lane0(tanhV(f32x4.splat(load<f32>(x + (<usize>i << 2))))));
}

/** dx = dy · (1 − y²)  (d tanh/dx = 1 − tanh²). */
export function tanhBackward(y: usize, dy: usize, dx: usize, len: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    const t = v128.load(y + o);
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), f32x4.sub(one, f32x4.mul(t, t))));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const t = load<f32>(y + o);
    store<f32>(dx + o, load<f32>(dy + o) * (1 - t * t));
  }
}

/** y = max(x, 0); NaN stays NaN (pmax returns its first operand when the comparison is false). */
export function reluForward(x: usize, y: usize, len: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) v128.store(y + (<usize>i << 2), f32x4.pmax(v128.load(x + (<usize>i << 2)), zero));
  for (; i < len; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(y + (<usize>i << 2), v < 0 ? 0 : v);
  }
}

/** dx = dy · [x > 0]: strict, so the gradient at exactly 0 is 0 (as TensorFlow's ReluGrad). */
export function reluBackward(x: usize, dy: usize, dx: usize, len: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(x + o), zero)));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(x + o) > 0 ? load<f32>(dy + o) : 0);
  }
}

export function sigmoidForward(x: usize, y: usize, len: i32): void {
  let i = 0;
  for (; i + 4 <= len; i += 4) v128.store(y + (<usize>i << 2), sigmoidV(v128.load(x + (<usize>i << 2))));
  for (; i < len; i++) store<f32>(y + (<usize>i << 2), lane0(sigmoidV(f32x4.splat(load<f32>(x + (<usize>i << 2))))));
}

/** dx = dy · y(1 − y)  (σ' = σ(1 − σ)). */
export function sigmoidBackward(y: usize, dy: usize, dx: usize, len: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    const s = v128.load(y + o);
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), f32x4.mul(s, f32x4.sub(one, s))));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const s = load<f32>(y + o);
    store<f32>(dx + o, load<f32>(dy + o) * (s * (1 - s)));
  }
}

/** Row-wise softmax, stable: exponents of x − rowmax are all ≤ 0. */
export function softmaxForward(x: usize, y: usize, rows: i32, cols: i32): void {
  const ld = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * ld;
    softmaxRow(x + o, y + o, cols, rowMax(x + o, cols));
  }
}

/** dx = y ⊙ (dy − Σ_cols dy ⊙ y): the softmax Jacobian diag(y) − y·yᵀ applied to dy. */
export function softmaxBackward(y: usize, dy: usize, dx: usize, rows: i32, cols: i32): void {
  const ld = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * ld;
    softmaxBackwardRow(y + o, dy + o, dx + o, cols);
  }
}

function softmaxBackwardRow(y: usize, dy: usize, dx: usize, n: i32): void {
  let sv = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) sv = f32x4.add(sv, f32x4.mul(v128.load(dy + (<usize>i << 2)), v128.load(y + (<usize>i << 2))));
  let s = hsum(sv);
  for (; i < n; i++) s += load<f32>(dy + (<usize>i << 2)) * load<f32>(y + (<usize>i << 2)); // scalar tail
  const svv = f32x4.splat(s);
  for (i = 0; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, f32x4.mul(v128.load(y + o), f32x4.sub(v128.load(dy + o), svv)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(y + o) * (load<f32>(dy + o) - s));
  }
}

/** y = x > 0 ? x : alpha·x (Keras' and PyTorch's LeakyReLU); NaN stays NaN. */
export function leakyReluForward(x: usize, y: usize, len: i32, alpha: f32): void {
  const zero = f32x4.splat(0), a = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    // lanes: v > 0 ? v : alpha·v
    v128.store(y + o, v128.bitselect(v, f32x4.mul(v, a), f32x4.gt(v, zero)));
  }
  for (; i < len; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(y + (<usize>i << 2), v > 0 ? v : alpha * v);
  }
}

/** dx = dy · (x > 0 ? 1 : alpha), from the forward input x; at exactly 0 the slope is alpha (as tf and PyTorch). */
export function leakyReluBackward(x: usize, dy: usize, dx: usize, len: i32, alpha: f32): void {
  const zero = f32x4.splat(0), a = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(dy + o);
    v128.store(dx + o, v128.bitselect(g, f32x4.mul(g, a), f32x4.gt(v128.load(x + o), zero)));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(dy + o);
    store<f32>(dx + o, load<f32>(x + o) > 0 ? g : alpha * g);
  }
}

/** y = x > 0 ? x : e^x − 1 (ELU with alpha 1, Clevert et al. 2015; PyTorch's and Keras' default); NaN stays NaN. */
export function eluForward(x: usize, y: usize, len: i32): void {
  const zero = f32x4.splat(0), one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    // lanes: v > 0 ? v : e^min(v, 0) − 1 (the exponent is only taken of non-positive values: no overflow)
    const e = f32x4.sub(expNonPositive(f32x4.pmin(v, zero)), one);
    v128.store(y + o, v128.bitselect(v, e, f32x4.gt(v, zero)));
  }
  for (; i < len; i++) { // scalar tail: the same lane math on a splat
    const o = <usize>i << 2;
    const v = f32x4.splat(load<f32>(x + o));
    const e = f32x4.sub(expNonPositive(f32x4.pmin(v, zero)), one);
    store<f32>(y + o, f32x4.extract_lane(v128.bitselect(v, e, f32x4.gt(v, zero)), 0));
  }
}

/** dx = dy · (y > 0 ? 1 : y + 1), from the forward output y (d(e^x − 1)/dx = e^x = y + 1; at 0 the slope is 1). */
export function eluBackward(y: usize, dy: usize, dx: usize, len: i32): void {
  const zero = f32x4.splat(0), one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    const t = v128.load(y + o), g = v128.load(dy + o);
    v128.store(dx + o, v128.bitselect(g, f32x4.mul(g, f32x4.add(t, one)), f32x4.gt(t, zero)));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const t = load<f32>(y + o), g = load<f32>(dy + o);
    store<f32>(dx + o, t > 0 ? g : g * (t + 1));
  }
}
