// Dense (fully connected) kernels: see src/wasm/abi.ts for the contract. W is [nIn, nOut] row-major.
//
// Every product is one GEMM C[M, N] = A[M, K] · B[K, N] computed by 4×8 register tiles: 4 rows of A
// (one splatted float each) times 8 columns of B (two f32x4) give 8 accumulators, 8 madds per k for 6 loads.
// B is read as panels of 8 columns: panel p holds B[k, 8p .. 8p+7] for every k at a fixed byte stride (ksB).
//   forward  y  = x · W      A = x  (row-major),          B = packed W  panels [nOut/8][nIn][8]
//   backward dx = dy · Wᵀ    A = dy (row-major),          B = packed Wᵀ panels [nIn/8][nOut][8]
//   backward dw = xᵀ · dy    A = xᵀ (x read down columns), B = dy itself: 8 adjacent floats of a row of dy
// Packed panels are zero-padded to 8 columns, so a partial last panel is computed whole and stored in part.
// Forward and dx loop panel-outer, rows-inner so one panel (K·32 bytes, 25 KB for K = 784) stays in L1 for all
// rows (blocking the rows for L2 measured no different at 256 × 784); dw loops rows-outer (see there).
// Register budget: V8 gives wasm 15 allocatable xmm on x64. The 4×8 tile needs 8 accumulators + 2 B vectors + 1
// splat; anything that keeps more live (a 4×8 tile with k unrolled twice, a 1×32 mat-vec) gets TurboFan to hoist
// the extra loads and spill an accumulator through the stack, which measured 1.5–2× slower.
// Speed against TensorFlow.js and the machine's f32x4 peak: `npm run bench` (bench/dense.ts), figures in the README.
import { madd } from './simd';

/** Panels of 8 columns covering n columns. */
// @ts-ignore: decorator
@inline function panels(n: i32): i32 {
  return (n + 7) >> 3;
}

/** Floats of the forward panels; the transposed panels follow them. */
// @ts-ignore: decorator
@inline function forwardLength(nIn: i32, nOut: i32): i32 {
  return panels(nOut) * nIn * 8;
}

export function densePackedLength(nIn: i32, nOut: i32): i32 {
  return forwardLength(nIn, nOut) + panels(nIn) * nOut * 8;
}

export function densePack(w: usize, wp: usize, nIn: i32, nOut: i32): void {
  const row = <usize>nOut << 2;
  packPanels(w, wp, nIn, nOut, row, 4); // B[k, j] = W[k, j]
  packPanels(w, wp + (<usize>forwardLength(nIn, nOut) << 2), nOut, nIn, 4, row); // B[k, j] = W[j, k]
}

/** Copies B[K, N] (element k, j at src + k·ks + j·js) into zero-padded panels [ceil(N/8)][K][8] at dst. */
function packPanels(src: usize, dst: usize, K: i32, N: i32, ks: usize, js: usize): void {
  const zero = f32x4.splat(0);
  for (let j0 = 0; j0 < N; j0 += 8) {
    const w = min(8, N - j0);
    let s = src + <usize>j0 * js;
    let k = 0;
    if (w == 8 && ks == 4) { // a full panel of Wᵀ: 4×4 transposes, 4 k at a time
      for (; k + 4 <= K; k += 4) {
        transpose4(s, js, dst);
        transpose4(s + 4 * js, js, dst + 16);
        s += 16;
        dst += 128;
      }
    }
    for (; k < K; k++) {
      if (w == 8 && js == 4) {
        v128.store(dst, v128.load(s)); // a full panel of a row-major B: two plain copies
        v128.store(dst, v128.load(s, 16), 16);
      } else { // partial panel or the last K % 4 of a transposed one: zero, then scalar copies
        v128.store(dst, zero);
        v128.store(dst, zero, 16);
        for (let j = 0; j < w; j++) store<f32>(dst + (<usize>j << 2), load<f32>(s + <usize>j * js));
      }
      s += ks;
      dst += 32;
    }
  }
}

/** Reads 4 rows of 4 floats (rows js bytes apart) and stores their 4 columns 32 bytes apart (one panel row each). */
// @ts-ignore: decorator
@inline function transpose4(s: usize, js: usize, dst: usize): void {
  const r0 = v128.load(s), r1 = v128.load(s + js), r2 = v128.load(s + 2 * js), r3 = v128.load(s + 3 * js);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5); // [r0₀ r1₀ r0₁ r1₁]
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5); // [r2₀ r3₀ r2₁ r3₁]
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7); // [r0₂ r1₂ r0₃ r1₃]
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7); // [r2₂ r3₂ r2₃ r3₃]
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5)); // column 0: [r0₀ r1₀ r2₀ r3₀]
  v128.store(dst, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 32);
  v128.store(dst, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 64);
  v128.store(dst, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 96);
}

export function denseForward(x: usize, wp: usize, b: usize, y: usize, batch: i32, nIn: i32, nOut: i32): void {
  gemmPacked(x, wp, b, y, batch, nIn, nOut);
}

export function denseBackwardInput(dy: usize, wp: usize, dx: usize, batch: i32, nIn: i32, nOut: i32): void {
  gemmPacked(dy, wp + (<usize>forwardLength(nIn, nOut) << 2), 0, dx, batch, nOut, nIn);
}

export function denseBackwardParams(x: usize, dy: usize, dw: usize, db: usize, batch: i32, nIn: i32, nOut: i32): void {
  const ldx = <usize>nIn << 2;
  const ldy = <usize>nOut << 2;
  const full = nOut & ~7; // columns of dy read 8 at a time; the rest by colTail
  // Rows of dw outer, panels inner: the 4 columns of x a tile reads (batch cache lines) stay in L1 across
  // all panels while dy (batch × nOut, 128 KB for 256 × 128) is reread from L2; panel-outer would stream all
  // of x (800 KB for 256 × 784) once per panel. Measured ~7% faster on 256 × 784 × 128.
  let i = 0;
  for (; i + 4 <= nIn; i += 4) {
    const pa = x + (<usize>i << 2);
    const pc = dw + <usize>i * ldy;
    for (let j = 0; j < full; j += 8) tile4ColA(pa, ldx, dy + (<usize>j << 2), ldy, pc + (<usize>j << 2), ldy, batch, 8);
  }
  for (; i < nIn; i++) rowVector(x + (<usize>i << 2), ldx, dy, 32, ldy, 0, dw + <usize>i * ldy, batch, full);
  for (let j = full; j < nOut; j++) colTail(x, dy, dw, j, batch, nIn, nOut);
  if (db != 0) columnSums(dy, db, batch, nOut);
}

/** C[M, N] = A[M, K] · B + bias with A row-major and B in packed panels [ceil(N/8)][K][8]. */
function gemmPacked(a: usize, bp: usize, bias: usize, c: usize, M: i32, K: i32, N: i32): void {
  const lda = <usize>K << 2;
  const ldc = <usize>N << 2;
  const psB = <usize>K << 5; // bytes per panel
  let i = 0;
  if (M >= 4) {
    for (let j = 0; j < N; j += 8) {
      const w = min(8, N - j);
      const bv0 = biasVector(bias, j, N);
      const bv1 = biasVector(bias, j + 4, N);
      const pb = bp + <usize>(j >> 3) * psB;
      const pc = c + (<usize>j << 2);
      for (i = 0; i + 4 <= M; i += 4) tile4RowA(a + <usize>i * lda, lda, pb, pc + <usize>i * ldc, ldc, K, bv0, bv1, w);
    }
  }
  // Leftover rows (all of them when M < 4, e.g. batch 1): one row against several panels at once.
  for (; i < M; i++) rowVector(a + <usize>i * lda, 4, bp, psB, 32, bias, c + <usize>i * ldc, K, N);
}

/** bias[j .. j+3] with lanes at or past n zero (and all zero when there is no bias). */
// @ts-ignore: decorator
@inline function biasVector(bias: usize, j: i32, n: i32): v128 {
  if (bias == 0 || j >= n) return f32x4.splat(0);
  const p = bias + (<usize>j << 2);
  if (j + 4 <= n) return v128.load(p);
  let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(p));
  if (j + 1 < n) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (j + 2 < n) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores lanes [0, w) of v (w ≤ 0: nothing, w ≥ 4: all four). */
// @ts-ignore: decorator
@inline function storeLanes(p: usize, v: v128, w: i32): void {
  if (w >= 4) {
    v128.store(p, v);
    return;
  }
  if (w > 0) store<f32>(p, f32x4.extract_lane(v, 0));
  if (w > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (w > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** Stores 8 columns of one row, only the first w when the panel is partial. */
// @ts-ignore: decorator
@inline function store8(p: usize, v0: v128, v1: v128, w: i32): void {
  if (w == 8) {
    v128.store(p, v0);
    v128.store(p, v1, 16);
  } else {
    storeLanes(p, v0, w);
    storeLanes(p + 16, v1, w - 4);
  }
}

/** 4×8 tile, A row-major (rows lda bytes apart), B a packed panel: C[4, w] = A · B + [bv0 bv1]. */
function tile4RowA(a: usize, lda: usize, b: usize, c: usize, ldc: usize, K: i32, bv0: v128, bv1: v128, w: i32): void {
  let c00 = bv0, c01 = bv1, c10 = bv0, c11 = bv1, c20 = bv0, c21 = bv1, c30 = bv0, c31 = bv1;
  let a0 = a;
  const a1 = lda, a2 = lda * 2, a3 = lda * 3; // byte offsets of rows 1..3 from row 0
  const end = a + (<usize>K << 2);
  while (a0 < end) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let s = v128.load32_splat(a0); // [A(0,k) ×4]
    c00 = madd(s, b0, c00);
    c01 = madd(s, b1, c01);
    s = v128.load32_splat(a0 + a1);
    c10 = madd(s, b0, c10);
    c11 = madd(s, b1, c11);
    s = v128.load32_splat(a0 + a2);
    c20 = madd(s, b0, c20);
    c21 = madd(s, b1, c21);
    s = v128.load32_splat(a0 + a3);
    c30 = madd(s, b0, c30);
    c31 = madd(s, b1, c31);
    a0 += 4;
    b += 32;
  }
  store8(c, c00, c01, w);
  store8(c + ldc, c10, c11, w);
  store8(c + 2 * ldc, c20, c21, w);
  store8(c + 3 * ldc, c30, c31, w);
}

/** 4×8 tile with A = xᵀ: A(0..3, k) are 4 adjacent floats, k steps ksA bytes; B steps ksB bytes per k. */
function tile4ColA(a: usize, ksA: usize, b: usize, ksB: usize, c: usize, ldc: usize, K: i32, w: i32): void {
  const z = f32x4.splat(0);
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
  const end = a + <usize>K * ksA;
  while (a < end) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let s = v128.load32_splat(a);
    c00 = madd(s, b0, c00);
    c01 = madd(s, b1, c01);
    s = v128.load32_splat(a, 4);
    c10 = madd(s, b0, c10);
    c11 = madd(s, b1, c11);
    s = v128.load32_splat(a, 8);
    c20 = madd(s, b0, c20);
    c21 = madd(s, b1, c21);
    s = v128.load32_splat(a, 12);
    c30 = madd(s, b0, c30);
    c31 = madd(s, b1, c31);
    a += ksA;
    b += ksB;
  }
  store8(c, c00, c01, w);
  store8(c + ldc, c10, c11, w);
  store8(c + 2 * ldc, c20, c21, w);
  store8(c + 3 * ldc, c30, c31, w);
}

/**
 * One row of C: c[0, N) = Σ_k A(k) · B[k, :] + bias, A(k) at a + k·ksA. B panels are psB bytes apart, rows of a
 * panel ksB bytes apart, and every panel covering N must be loadable (packed: zero-padded). Three panels at once
 * give 6 independent accumulators to hide the add latency: this is the batch-1 mat-vec path. (Four panels need
 * 8 accumulators + 8 loaded B vectors + the splat: more than V8's 15 allocatable xmm, and the spill of one
 * accumulator through the stack put a store-forward into its chain: 11 cycles per k instead of ~3.)
 */
function rowVector(a: usize, ksA: usize, b: usize, psB: usize, ksB: usize, bias: usize, c: usize, K: i32, N: i32): void {
  let j = 0;
  for (; j + 16 < N; j += 24) rowVector24(a, ksA, b + <usize>(j >> 3) * psB, psB, ksB, bias, c, K, j, N);
  for (; j < N; j += 8) rowVector8(a, ksA, b + <usize>(j >> 3) * psB, ksB, bias, c, K, j, N);
}

/** Columns [j, j+24) of one row (stores stop at N). */
function rowVector24(a: usize, ksA: usize, b: usize, psB: usize, ksB: usize, bias: usize, c: usize, K: i32, j: i32, N: i32): void {
  let c0 = biasVector(bias, j, N), c1 = biasVector(bias, j + 4, N);
  let c2 = biasVector(bias, j + 8, N), c3 = biasVector(bias, j + 12, N);
  let c4 = biasVector(bias, j + 16, N), c5 = biasVector(bias, j + 20, N);
  const p1 = psB, p2 = psB * 2;
  const end = a + <usize>K * ksA; // loop on the A pointer, no k counter: measured ~20% faster at 784 → 128
  while (a < end) {
    const s = v128.load32_splat(a); // [A(k) ×4]
    c0 = madd(s, v128.load(b), c0);
    c1 = madd(s, v128.load(b, 16), c1);
    c2 = madd(s, v128.load(b + p1), c2);
    c3 = madd(s, v128.load(b + p1, 16), c3);
    c4 = madd(s, v128.load(b + p2), c4);
    c5 = madd(s, v128.load(b + p2, 16), c5);
    a += ksA;
    b += ksB;
  }
  const p = c + (<usize>j << 2);
  const w = N - j;
  store8(p, c0, c1, min(w, 8));
  store8(p + 32, c2, c3, min(w - 8, 8));
  store8(p + 64, c4, c5, min(w - 16, 8));
}

/** Columns [j, j+8) of one row; k unrolled by two into separate accumulators for latency. */
function rowVector8(a: usize, ksA: usize, b: usize, ksB: usize, bias: usize, c: usize, K: i32, j: i32, N: i32): void {
  let c0 = biasVector(bias, j, N), c1 = biasVector(bias, j + 4, N);
  let d0 = f32x4.splat(0), d1 = d0;
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    const s = v128.load32_splat(a);
    const t = v128.load32_splat(a + ksA);
    c0 = madd(s, v128.load(b), c0);
    c1 = madd(s, v128.load(b, 16), c1);
    d0 = madd(t, v128.load(b + ksB), d0);
    d1 = madd(t, v128.load(b + ksB, 16), d1);
    a += ksA * 2;
    b += ksB * 2;
  }
  if (k < K) { // odd K: the last k
    const s = v128.load32_splat(a);
    c0 = madd(s, v128.load(b), c0);
    c1 = madd(s, v128.load(b, 16), c1);
  }
  store8(c + (<usize>j << 2), f32x4.add(c0, d0), f32x4.add(c1, d1), min(N - j, 8));
}

/** dw[:, j] = xᵀ · dy[:, j] for one column j past the last full panel: 4 rows of dw per f32x4 (x rows are contiguous). */
function colTail(x: usize, dy: usize, dw: usize, j: i32, batch: i32, nIn: i32, nOut: i32): void {
  const ldx = <usize>nIn << 2;
  const ldy = <usize>nOut << 2;
  const py = dy + (<usize>j << 2);
  const pw = dw + (<usize>j << 2);
  let i = 0;
  for (; i + 4 <= nIn; i += 4) {
    let acc = f32x4.splat(0);
    let px = x + (<usize>i << 2);
    let q = py;
    for (let k = 0; k < batch; k++) {
      acc = madd(v128.load(px), v128.load32_splat(q), acc); // [x(k,i..i+3)] · dy(k,j)
      px += ldx;
      q += ldy;
    }
    const o = pw + <usize>i * ldy;
    store<f32>(o, f32x4.extract_lane(acc, 0));
    store<f32>(o + ldy, f32x4.extract_lane(acc, 1));
    store<f32>(o + 2 * ldy, f32x4.extract_lane(acc, 2));
    store<f32>(o + 3 * ldy, f32x4.extract_lane(acc, 3));
  }
  for (; i < nIn; i++) { // scalar tail: the last nIn % 4 rows
    let acc: f32 = 0;
    for (let k = 0; k < batch; k++) acc += load<f32>(x + <usize>k * ldx + (<usize>i << 2)) * load<f32>(py + <usize>k * ldy);
    store<f32>(pw + <usize>i * ldy, acc);
  }
}

/** db[j] = Σ_rows dy[row, j]: 4 columns per f32x4, a scalar tail for the last nOut % 4. */
function columnSums(dy: usize, db: usize, rows: i32, cols: i32): void {
  const ld = <usize>cols << 2;
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    let acc = f32x4.splat(0);
    let p = dy + (<usize>j << 2);
    for (let r = 0; r < rows; r++) {
      acc = f32x4.add(acc, v128.load(p));
      p += ld;
    }
    v128.store(db + (<usize>j << 2), acc);
  }
  for (; j < cols; j++) {
    let acc: f32 = 0;
    for (let r = 0; r < rows; r++) acc += load<f32>(dy + <usize>r * ld + (<usize>j << 2));
    store<f32>(db + (<usize>j << 2), acc);
  }
}
