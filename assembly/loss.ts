// Loss kernels: see src/wasm/abi.ts for the contract.
import { rowMax, softmaxRow } from './vmath';

/**
 * Mean softmax cross-entropy. Per row: log-sum-exp z = m + ln Σ exp(x − m) with m = max x (stable),
 * loss = z − x[label], probs = softmax(x), dlogits = (probs − onehot(label)) / rows.
 * A label outside [0, cols) makes that row's loss NaN (so the mean is NaN, never a silent wrong number) and
 * leaves its onehot out of dlogits. The sum runs in f64.
 */
export function softmaxCrossEntropy(logits: usize, labels: usize, probs: usize, dlogits: usize, rows: i32, cols: i32): f64 {
  const ld = <usize>cols << 2;
  const invRows: f32 = 1 / <f32>rows;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const x = logits + <usize>r * ld;
    const p = probs + <usize>r * ld;
    const d = dlogits + <usize>r * ld;
    const m = rowMax(x, cols);
    const sum = softmaxRow(x, p, cols, m);
    const label = load<i32>(labels + (<usize>r << 2));
    scaledCopy(p, d, cols, invRows);
    if (label >= 0 && label < cols) {
      const o = <usize>label << 2;
      total += <f64>m + Math.log(<f64>sum) - <f64>load<f32>(x + o);
      store<f32>(d + o, (load<f32>(p + o) - 1) * invRows);
    } else {
      total = NaN;
    }
  }
  return total / <f64>rows;
}

/** dst[0, n) = src · k. */
function scaledCopy(src: usize, dst: usize, n: i32, k: f32): void {
  const kv = f32x4.splat(k);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), f32x4.mul(v128.load(src + (<usize>i << 2)), kv));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)) * k); // scalar tail
}
