// Optimiser kernels: see src/wasm/abi.ts for the contract. In place over len floats, 4 per f32x4,
// constants splatted once, scalar tails.
import { madd } from './simd';

/**
 * Adam (Kingma & Ba 2015, Algorithm 1; the same as tf.train.adam):
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← w − lr · (m / bc1) / (√(v / bc2) + ε)
 * with bc1 = 1 − β1ᵗ, bc2 = 1 − β2ᵗ from the caller.
 */
export function adamStep(w: usize, g: usize, m: usize, v: usize, len: i32,
  lr: f64, beta1: f64, beta2: f64, eps: f64, bc1: f64, bc2: f64): void {
  // Hyper-parameters arrive as f64 and every derived constant is formed in f64 before rounding once to f32:
  // 1 − f32(0.999) would be off by 1.3e-5 relative.
  const b1s = <f32>beta1, c1s = <f32>(1 - beta1), b2s = <f32>beta2, c2s = <f32>(1 - beta2);
  const steps = <f32>(lr / bc1), k2s = <f32>(1 / bc2), epss = <f32>eps;
  const b1 = f32x4.splat(b1s), c1 = f32x4.splat(c1s), b2 = f32x4.splat(b2s), c2 = f32x4.splat(c2s);
  const step = f32x4.splat(steps), inv2 = f32x4.splat(k2s), ev = f32x4.splat(epss);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    const gv = v128.load(g + o);
    const mv = madd(b1, v128.load(m + o), f32x4.mul(c1, gv));
    const vv = madd(b2, v128.load(v + o), f32x4.mul(c2, f32x4.mul(gv, gv)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const den = f32x4.add(f32x4.sqrt(f32x4.mul(vv, inv2)), ev);
    v128.store(w + o, f32x4.sub(v128.load(w + o), f32x4.div(f32x4.mul(step, mv), den)));
  }
  for (; i < len; i++) { // scalar tail
    const o = <usize>i << 2;
    const gs = load<f32>(g + o);
    const ms = b1s * load<f32>(m + o) + c1s * gs;
    const vs = b2s * load<f32>(v + o) + c2s * gs * gs;
    store<f32>(m + o, ms);
    store<f32>(v + o, vs);
    store<f32>(w + o, load<f32>(w + o) - (steps * ms) / (Mathf.sqrt(vs * k2s) + epss));
  }
}

/** SGD with (heavy-ball) momentum, as tf.train.momentum without Nesterov: vel ← μ·vel + g; w ← w − lr·vel. */
export function sgdStep(w: usize, g: usize, vel: usize, len: i32, lr: f64, momentum: f64): void {
  const mus = <f32>momentum, lrs = <f32>lr;
  const mu = f32x4.splat(mus), nlr = f32x4.splat(-lrs);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    const nv = madd(mu, v128.load(vel + o), v128.load(g + o));
    v128.store(vel + o, nv);
    v128.store(w + o, madd(nlr, nv, v128.load(w + o)));
  }
  for (; i < len; i++) { // scalar tail
    const o = <usize>i << 2;
    const nv = mus * load<f32>(vel + o) + load<f32>(g + o);
    store<f32>(vel + o, nv);
    store<f32>(w + o, load<f32>(w + o) - lrs * nv);
  }
}

/** dst ← (a + b) · ½ over len floats (dst may be a or b): two data-parallel replicas' gradients averaged. */
export function meanOfTwo(dst: usize, a: usize, b: usize, len: i32): void {
  const half = f32x4.splat(0.5);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.mul(f32x4.add(v128.load(a + o), v128.load(b + o)), half));
  }
  for (; i < len; i++) { // scalar tail
    const o = <usize>i << 2;
    store<f32>(dst + o, (load<f32>(a + o) + load<f32>(b + o)) * 0.5);
  }
}
