// conv2d kernels: see src/wasm/abi.ts for the contract.
//
// x [n, h, w, c] (NHWC), filter f [kh, kw, c, co] (TensorFlow.js layout), y [n, oh, ow, co]:
//   y[n, oy, ox, o] = b[o] + Σ_{ky, kx, ci} x[n, oy·s − padTop + ky, ox·s − padLeft + kx, ci] · f[ky, kx, ci, o]
// (taps outside the image read 0). Direct loops, no im2col:
// - the input is first copied into a zero-padded frame in scratch (skipped when no padding is needed), so every
//   tap is in bounds and each output pixel's window is one origin plus a fixed table of tap offsets;
// - output channels are vectorised (f32x4); a forward register tile holds 4 output pixels × 8 channels, a
//   filter-gradient tile 4 (or 3) filter rows × 8 channels; channel tails use 4-wide and scalar tiles;
// - the input gradient is the same forward loop run over a zero-padded (and, for stride 2, zero-dilated) dy with
//   the filter flipped and transposed (a "full" correlation), so it gets the same register tiling;
// - the filter gradient sweeps dy in chunks of output rows small enough to stay in L1 across all its tiles.
// Speed against TensorFlow.js and the machine's f32x4 peak: `npm run bench` (bench/conv.ts), figures in the README.
import { hsum, madd } from './simd';

// ---------------------------------------------------------------------------------------------------------------
// Scratch planning

/** Floats of scratch the three conv2d kernels need for one layer shape (the caller allocates it once). */
export function conv2dScratchLength(n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, co: i32,
  stride: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32): i32 {
  const forward = framed(h, w, kh, kw, stride, padTop, padLeft, oh, ow)
    ? round4(n * frameH(kh, stride, oh) * frameW(kw, stride, ow) * c) : 0;
  const backward = round4(kh * kw * c * co) + round4(n * (h + kh - 1) * (w + kw - 1) * co);
  return tapsLength(kh, kw, c, co) + max(forward, backward);
}

/** Scratch starts with the tap table of forwardCore (one i32 per filter row, for either direction). */
// @ts-ignore: decorator
@inline function tapsLength(kh: i32, kw: i32, c: i32, co: i32): i32 { return round4(kh * kw * max(c, co)); }

// @ts-ignore: decorator
@inline function round4(v: i32): i32 { return (v + 3) & ~3; } // keeps each scratch region 16-byte aligned

/** Rows of the padded input frame the forward pass reads: (oh − 1)·s + kh. */
// @ts-ignore: decorator
@inline function frameH(kh: i32, s: i32, oh: i32): i32 { return (oh - 1) * s + kh; }
// @ts-ignore: decorator
@inline function frameW(kw: i32, s: i32, ow: i32): i32 { return (ow - 1) * s + kw; }

/** True when some tap falls outside x, i.e. the forward pass must read a zero-padded copy. */
function framed(h: i32, w: i32, kh: i32, kw: i32, s: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32): bool {
  return padTop > 0 || padLeft > 0 || frameH(kh, s, oh) > h || frameW(kw, s, ow) > w;
}

// ---------------------------------------------------------------------------------------------------------------
// Exported kernels

export function conv2dForward(x: usize, f: usize, b: usize, y: usize,
  n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, co: i32,
  stride: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32, scratch: usize): void {
  const taps = scratch, frame = scratch + (<usize>tapsLength(kh, kw, c, co) << 2);
  let fh = h, fw = w;
  if (framed(h, w, kh, kw, stride, padTop, padLeft, oh, ow)) {
    fh = frameH(kh, stride, oh);
    fw = frameW(kw, stride, ow);
    padCopy(x, frame, n, h, w, c, fh, fw, padTop, padLeft, 1);
    x = frame;
  }
  const rowBytes = <usize>fw * <usize>c << 2;
  forwardCore(x, <usize>fh * rowBytes, rowBytes, f, b, y, n, c, kh, kw, co, stride, oh, ow, taps);
}

export function conv2dBackwardInput(dy: usize, f: usize, dx: usize,
  n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, co: i32,
  stride: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32, scratch: usize): void {
  // dx[iy, ix, ci] = Σ_{ky, kx, o} dy[(iy + padTop − ky)/s, (ix + padLeft − kx)/s, o] · f[ky, kx, ci, o] over the
  // taps where the division is exact. With ky' = kh − 1 − ky this is a stride-1 correlation of
  //   dyp[r, q] = dy[oy, ox] at r = (kh − 1 − padTop) + oy·s, q = (kw − 1 − padLeft) + ox·s (0 elsewhere)
  // with g[ky', kx', o, ci] = f[kh − 1 − ky', kw − 1 − kx', ci, o]:  dx[iy, ix, ci] = Σ dyp[iy + ky', ix + kx', o] · g.
  const taps = scratch, g = scratch + (<usize>tapsLength(kh, kw, c, co) << 2);
  const dyp = g + (<usize>round4(kh * kw * c * co) << 2);
  flipTranspose(f, g, kh, kw, c, co);
  const fh = h + kh - 1, fw = w + kw - 1;
  padCopy(dy, dyp, n, oh, ow, co, fh, fw, kh - 1 - padTop, kw - 1 - padLeft, stride);
  const rowBytes = <usize>fw * <usize>co << 2;
  forwardCore(dyp, <usize>fh * rowBytes, rowBytes, g, 0, dx, n, co, kh, kw, c, 1, h, w, taps);
}

export function conv2dBackwardParams(x: usize, dy: usize, df: usize, db: usize,
  n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, co: i32,
  stride: i32, padTop: i32, padLeft: i32, oh: i32, ow: i32, scratch: usize): void {
  // df[ky, kx, ci, o] = Σ_{n, oy, ox} xpad[n, oy·s + ky, ox·s + kx, ci] · dy[n, oy, ox, o]
  const frame = scratch + (<usize>tapsLength(kh, kw, c, co) << 2);
  let fh = h, fw = w;
  if (framed(h, w, kh, kw, stride, padTop, padLeft, oh, ow)) {
    fh = frameH(kh, stride, oh);
    fw = frameW(kw, stride, ow);
    padCopy(x, frame, n, h, w, c, fh, fw, padTop, padLeft, 1);
    x = frame;
  }
  const rowBytes = <usize>fw * <usize>c << 2;
  filterGradCore(x, <usize>fh * rowBytes, rowBytes, dy, df, db, n, c, kh, kw, co, stride, oh, ow);
}

// ---------------------------------------------------------------------------------------------------------------
// Layout helpers

/**
 * Zero frame dst [n, fh, fw, c] with src [n, h, w, c] pixel (i, j) at (top + i·s, left + j·s); source pixels that
 * land outside the frame are dropped (no output depends on them).
 */
function padCopy(src: usize, dst: usize, n: i32, h: i32, w: i32, c: i32,
  fh: i32, fw: i32, top: i32, left: i32, s: i32): void {
  const px = <usize>c << 2;
  const frameBytes = <usize>fh * <usize>fw * px;
  memory.fill(dst, 0, <usize>n * frameBytes);
  const rows = min(h, (fh - top + s - 1) / s); // i with top + i·s < fh
  const cols = min(w, (fw - left + s - 1) / s);
  if (rows <= 0 || cols <= 0) return;
  for (let img = 0; img < n; img++) {
    const si = src + <usize>img * <usize>h * <usize>w * px;
    const di = dst + <usize>img * frameBytes + (<usize>top * <usize>fw + <usize>left) * px;
    for (let i = 0; i < rows; i++) {
      const sr = si + <usize>i * <usize>w * px;
      const dr = di + <usize>(i * s) * <usize>fw * px;
      if (s == 1) {
        memory.copy(dr, sr, <usize>cols * px);
      } else {
        for (let j = 0; j < cols; j++) memory.copy(dr + <usize>(j * s) * px, sr + <usize>j * px, px);
      }
    }
  }
}

/** g[ky', kx', o, ci] = f[kh − 1 − ky', kw − 1 − kx', ci, o]. */
function flipTranspose(f: usize, g: usize, kh: i32, kw: i32, c: i32, co: i32): void {
  const taps = kh * kw;
  for (let t = 0; t < taps; t++) {
    const src = f + (<usize>(taps - 1 - t) * <usize>c * <usize>co << 2); // (ky, kx) flipped = tap taps − 1 − t
    const dst = g + (<usize>t * <usize>c * <usize>co << 2);
    for (let ci = 0; ci < c; ci++) {
      for (let o = 0; o < co; o++) {
        store<f32>(dst + (<usize>(o * c + ci) << 2), load<f32>(src + (<usize>(ci * co + o) << 2)));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Forward: y[q, :] = b + Σ_r win_q[tap_r] · f[r, :] over the kh·kw·c filter rows r = (ky·kw + kx)·c + ci, where
// win_q is output pixel q's window origin in the (padded) input and tap_r = ky·row + (kx·c + ci)·4 bytes.
// Pixels are taken 4 at a time in row-major order: runs of 4 within an output row step the window origin
// uniformly; a tile that straddles rows (or images) gets its 4 origins one by one; the very last tile repeats
// its last pixel, which just stores the same values twice.

function forwardCore(x: usize, imgBytes: usize, rowBytes: usize, f: usize, b: usize, y: usize,
  n: i32, c: i32, kh: i32, kw: i32, co: i32, s: i32, oh: i32, ow: i32, taps: usize): void {
  const kwc = kw * c, rows = kh * kwc;
  // One flat loop over the filter's rows: taps[r] = byte offset of row r's input in a window.
  for (let r = 0; r < rows; r++) store<u32>(taps + (<usize>r << 2), <u32>tap(r, kwc, rowBytes));
  const tapsEnd = taps + (<usize>rows << 2);
  const plane = oh * ow, total = n * plane, last = total - 1;
  const step = <usize>s * <usize>c << 2, rowStep = <usize>s * rowBytes; // window moves s columns / s rows
  const coBytes = <usize>co << 2;
  // One output channel (the input gradient of a 1-channel first layer): vectorise the dot product over input
  // channels instead, 4 filter rows (4 consecutive channels of one tap) per f32x4.
  const dot = co == 1 && (c & 3) == 0;
  let q = 0;
  while (q < total) {
    const img = q / plane, oy = (q - img * plane) / ow, ox = q - img * plane - oy * ow;
    if (ox + 4 <= ow) { // a run of whole tiles inside this output row
      const runs = (ow - ox) >> 2;
      let xq = x + <usize>img * imgBytes + <usize>oy * rowStep + <usize>ox * step;
      let yq = y + <usize>q * coBytes;
      for (let t = 0; t < runs; t++) {
        tile(xq, xq + step, xq + 2 * step, xq + 3 * step, yq, f, b, co, coBytes, taps, tapsEnd, dot);
        xq += step << 2;
        yq += coBytes << 2;
      }
      q += runs << 2;
    } else { // straddles the row end: pixels q .. q + 3 (clamped to the last) one by one
      const w0 = origin(x, q, plane, ow, imgBytes, rowStep, step);
      const w1 = origin(x, min(q + 1, last), plane, ow, imgBytes, rowStep, step);
      const w2 = origin(x, min(q + 2, last), plane, ow, imgBytes, rowStep, step);
      const w3 = origin(x, min(q + 3, last), plane, ow, imgBytes, rowStep, step);
      if (q + 4 <= total) tile(w0, w1, w2, w3, y + <usize>q * coBytes, f, b, co, coBytes, taps, tapsEnd, dot);
      else tileAt(w0, w1, w2, w3, y, q, last, f, b, co, coBytes, taps, tapsEnd, dot);
      q += 4;
    }
  }
}

/** Window origin of output pixel q. */
// @ts-ignore: decorator
@inline function origin(x: usize, q: i32, plane: i32, ow: i32, imgBytes: usize, rowStep: usize, step: usize): usize {
  const img = q / plane, oy = (q - img * plane) / ow, ox = q - img * plane - oy * ow;
  return x + <usize>img * imgBytes + <usize>oy * rowStep + <usize>ox * step;
}

/** The final tile, whose pixels past `last` repeat it (their outputs go to pixel `last` too). */
function tileAt(w0: usize, w1: usize, w2: usize, w3: usize, y: usize, q: i32, last: i32,
  f: usize, b: usize, co: i32, coBytes: usize, taps: usize, tapsEnd: usize, dot: bool): void {
  const y0 = y + <usize>q * coBytes, y1 = y + <usize>min(q + 1, last) * coBytes;
  const y2 = y + <usize>min(q + 2, last) * coBytes, y3 = y + <usize>min(q + 3, last) * coBytes;
  channels(w0, w1, w2, w3, y0, y1, y2, y3, f, b, co, coBytes, taps, tapsEnd, dot);
}

/** 4 pixels with consecutive outputs at y0. */
// @ts-ignore: decorator
@inline function tile(w0: usize, w1: usize, w2: usize, w3: usize, y0: usize,
  f: usize, b: usize, co: i32, coBytes: usize, taps: usize, tapsEnd: usize, dot: bool): void {
  channels(w0, w1, w2, w3, y0, y0 + coBytes, y0 + 2 * coBytes, y0 + 3 * coBytes, f, b, co, coBytes, taps, tapsEnd, dot);
}

/**
 * Every channel block of a 4-pixel tile: windows w0..w3, outputs y0..y3. The micro-kernels are inlined: as
 * separate functions with this many arguments V8 ran them ~20% slower.
 */
// @ts-ignore: decorator
@inline function channels(w0: usize, w1: usize, w2: usize, w3: usize, y0: usize, y1: usize, y2: usize, y3: usize,
  f: usize, b: usize, co: i32, coBytes: usize, taps: usize, tapsEnd: usize, dot: bool): void {
  if (dot) {
    fwdDot(w0, w1, w2, w3, y0, y1, y2, y3, f, b, taps, tapsEnd);
    return;
  }
  let o = 0;
  for (; o + 8 <= co; o += 8) fwd8(w0, w1, w2, w3, y0, y1, y2, y3, f, b, <usize>o << 2, coBytes, taps, tapsEnd);
  if (o + 4 <= co) {
    fwd4(w0, w1, w2, w3, y0, y1, y2, y3, f, b, <usize>o << 2, coBytes, taps, tapsEnd);
    o += 4;
  }
  for (; o < co; o++) fwd1(w0, w1, w2, w3, y0, y1, y2, y3, f, b, <usize>o << 2, coBytes, taps, tapsEnd); // co % 4
}

/** 4 pixels × 8 channels starting at byte ob: 8 accumulators. */
// @ts-ignore: decorator
@inline function fwd8(w0: usize, w1: usize, w2: usize, w3: usize, y0: usize, y1: usize, y2: usize, y3: usize,
  f: usize, b: usize, ob: usize, coBytes: usize, taps: usize, tapsEnd: usize): void {
  let a00 = f32x4.splat(0), a01 = a00;
  if (b != 0) { a00 = v128.load(b + ob); a01 = v128.load(b + ob, 16); }
  let a10 = a00, a11 = a01, a20 = a00, a21 = a01, a30 = a00, a31 = a01;
  let fp = f + ob;
  for (let t = taps; t < tapsEnd; t += 4) {
    // lanes: a_p· += win_p[tap] · f[r, o .. o + 7]
    const i = <usize>load<u32>(t);
    const f0 = v128.load(fp), f1 = v128.load(fp, 16);
    let v = v128.load32_splat(w0 + i);
    a00 = madd(v, f0, a00); a01 = madd(v, f1, a01);
    v = v128.load32_splat(w1 + i);
    a10 = madd(v, f0, a10); a11 = madd(v, f1, a11);
    v = v128.load32_splat(w2 + i);
    a20 = madd(v, f0, a20); a21 = madd(v, f1, a21);
    v = v128.load32_splat(w3 + i);
    a30 = madd(v, f0, a30); a31 = madd(v, f1, a31);
    fp += coBytes;
  }
  v128.store(y0 + ob, a00); v128.store(y0 + ob, a01, 16);
  v128.store(y1 + ob, a10); v128.store(y1 + ob, a11, 16);
  v128.store(y2 + ob, a20); v128.store(y2 + ob, a21, 16);
  v128.store(y3 + ob, a30); v128.store(y3 + ob, a31, 16);
}

/** 4 pixels × 4 channels starting at byte ob, for co % 8 ≥ 4. */
// @ts-ignore: decorator
@inline function fwd4(w0: usize, w1: usize, w2: usize, w3: usize, y0: usize, y1: usize, y2: usize, y3: usize,
  f: usize, b: usize, ob: usize, coBytes: usize, taps: usize, tapsEnd: usize): void {
  let a0 = b != 0 ? v128.load(b + ob) : f32x4.splat(0);
  let a1 = a0, a2 = a0, a3 = a0;
  let fp = f + ob;
  for (let t = taps; t < tapsEnd; t += 4) {
    const i = <usize>load<u32>(t);
    const f0 = v128.load(fp); // lanes: a_p += win_p[tap] · f[r, o .. o + 3]
    a0 = madd(v128.load32_splat(w0 + i), f0, a0);
    a1 = madd(v128.load32_splat(w1 + i), f0, a1);
    a2 = madd(v128.load32_splat(w2 + i), f0, a2);
    a3 = madd(v128.load32_splat(w3 + i), f0, a3);
    fp += coBytes;
  }
  v128.store(y0 + ob, a0); v128.store(y1 + ob, a1); v128.store(y2 + ob, a2); v128.store(y3 + ob, a3);
}

/** 4 pixels × the channel at byte ob, scalar: the co % 4 tail. */
// @ts-ignore: decorator
@inline function fwd1(w0: usize, w1: usize, w2: usize, w3: usize, y0: usize, y1: usize, y2: usize, y3: usize,
  f: usize, b: usize, ob: usize, coBytes: usize, taps: usize, tapsEnd: usize): void {
  let a0: f32 = b != 0 ? load<f32>(b + ob) : 0;
  let a1 = a0, a2 = a0, a3 = a0;
  let fp = f + ob;
  for (let t = taps; t < tapsEnd; t += 4) {
    const i = <usize>load<u32>(t), fv = load<f32>(fp);
    a0 += load<f32>(w0 + i) * fv;
    a1 += load<f32>(w1 + i) * fv;
    a2 += load<f32>(w2 + i) * fv;
    a3 += load<f32>(w3 + i) * fv;
    fp += coBytes;
  }
  store<f32>(y0 + ob, a0); store<f32>(y1 + ob, a1); store<f32>(y2 + ob, a2); store<f32>(y3 + ob, a3);
}

/**
 * 4 pixels × the one output channel, when the input channels come in fours: lanes hold 4 consecutive filter rows
 * (channels ci .. ci + 3 of one tap, contiguous in the window and, with one output channel, in f), summed across
 * lanes at the end. The taps table is walked 4 rows at a time (its first entry of each 4 is the group's offset).
 */
// @ts-ignore: decorator
@inline function fwdDot(w0: usize, w1: usize, w2: usize, w3: usize, y0: usize, y1: usize, y2: usize, y3: usize,
  f: usize, b: usize, taps: usize, tapsEnd: usize): void {
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  let fp = f;
  for (let t = taps; t < tapsEnd; t += 16) {
    const i = <usize>load<u32>(t);
    const f0 = v128.load(fp); // f[r .. r + 3, 0]
    a0 = madd(v128.load(w0 + i), f0, a0);
    a1 = madd(v128.load(w1 + i), f0, a1);
    a2 = madd(v128.load(w2 + i), f0, a2);
    a3 = madd(v128.load(w3 + i), f0, a3);
    fp += 16;
  }
  const bias: f32 = b != 0 ? load<f32>(b) : 0;
  store<f32>(y0, hsum(a0) + bias); store<f32>(y1, hsum(a1) + bias);
  store<f32>(y2, hsum(a2) + bias); store<f32>(y3, hsum(a3) + bias);
}

/** Taps and df row pointers of the current filter-gradient tile (static data: kernels never allocate). */
const TILE: usize = memory.data(32);

// ---------------------------------------------------------------------------------------------------------------
// Filter gradient: df is a [kh·kw·c, co] matrix whose row r = (ky·kw + kx)·c + ci reads the window tap at byte
// offset ky·row + (kx·c + ci)·4, so df[r, :] = Σ_q win_q[tap(r)] · dy[q, :]. Register tile: 4 rows × 8 channels,
// summed over every output pixel q. The last row block repeats row K − 1, which just stores the same values.

function filterGradCore(x: usize, imgBytes: usize, rowBytes: usize, dy: usize, df: usize, db: usize,
  n: i32, c: i32, kh: i32, kw: i32, co: i32, s: i32, oh: i32, ow: i32): void {
  const kwc = kw * c, rows = kh * kwc;
  const coBytes = <usize>co << 2, rowStep = <usize>s * rowBytes, stepBytes = <usize>s * <usize>c << 2;
  memory.fill(df, 0, <usize>rows * coBytes); // tiles (and db) accumulate chunk after chunk
  if (db != 0) memory.fill(db, 0, coBytes);
  // Chunks of output rows whose dy and input rows stay in L1 while every tile sweeps them.
  const chunk = max(1, DF_CHUNK_BYTES / (ow * co * 4 + s * <i32>rowBytes));
  // 4-row blocks, or 3-row blocks when they tile the rows exactly and 4 would not (c = 1 with a 3×3 filter:
  // 9 rows as 3 × 3 rather than 4 + 4 + a block that repeats one row 3 times, 25% of the work wasted)
  const rb = rows % 4 != 0 && rows % 3 == 0 ? 3 : 4;
  for (let img = 0; img < n; img++) {
    for (let oy = 0; oy < oh; oy += chunk) {
      const nr = min(chunk, oh - oy);
      const win = x + <usize>img * imgBytes + <usize>oy * rowStep;
      const d = dy + <usize>(img * oh + oy) * <usize>ow * coBytes;
      for (let r = 0; r < rows; r += rb) {
        // taps (byte offsets in a window) and df row pointers of rows r .. r + 3, clamped to the block's last row
        const end = min(r + rb, rows) - 1;
        const r1 = min(r + 1, end), r2 = min(r + 2, end), r3 = min(r + 3, end);
        store<usize>(TILE, tap(r, kwc, rowBytes));
        store<usize>(TILE, tap(r1, kwc, rowBytes), 4);
        store<usize>(TILE, tap(r2, kwc, rowBytes), 8);
        store<usize>(TILE, tap(r3, kwc, rowBytes), 12);
        store<usize>(TILE, df + <usize>r * coBytes, 16);
        store<usize>(TILE, df + <usize>r1 * coBytes, 20);
        store<usize>(TILE, df + <usize>r2 * coBytes, 24);
        store<usize>(TILE, df + <usize>r3 * coBytes, 28);
        let o = 0;
        if (rb == 4) {
          for (; o + 8 <= co; o += 8) dfTile8(win, rowStep, stepBytes, d + (<usize>o << 2), coBytes, nr, ow, o);
        } else {
          for (; o + 8 <= co; o += 8) dfTile8x3(win, rowStep, stepBytes, d + (<usize>o << 2), coBytes, nr, ow, o);
        }
        if (o + 4 <= co) { dfTile4(win, rowStep, stepBytes, d + (<usize>o << 2), coBytes, nr, ow, o); o += 4; }
        for (; o < co; o++) dfTile1(win, rowStep, stepBytes, d + (<usize>o << 2), coBytes, nr, ow, o); // scalar tail
      }
      if (db != 0) biasGradChunk(d, db, nr * ow, co);
    }
  }
}

/** Bytes of dy plus input rows per filter-gradient chunk (well inside a 32 KiB L1 data cache). */
const DF_CHUNK_BYTES: i32 = 16384;

// @ts-ignore: decorator
@inline function tap(r: i32, kwc: i32, rowBytes: usize): usize {
  const ky = r / kwc;
  return <usize>ky * rowBytes + (<usize>(r - ky * kwc) << 2);
}

/** 4 df rows × 8 channels (o .. o + 7) += the chunk's nr × ow output pixels; d points at dy[first pixel, o]. */
function dfTile8(x: usize, rowStep: usize, stepBytes: usize, d: usize, coBytes: usize, nr: i32, ow: i32, o: i32): void {
  const t0 = load<usize>(TILE), t1 = load<usize>(TILE, 4), t2 = load<usize>(TILE, 8), t3 = load<usize>(TILE, 12);
  const ob = <usize>o << 2;
  const y0 = load<usize>(TILE, 16) + ob, y1 = load<usize>(TILE, 20) + ob;
  const y2 = load<usize>(TILE, 24) + ob, y3 = load<usize>(TILE, 28) + ob;
  let a00 = v128.load(y0), a01 = v128.load(y0, 16), a10 = v128.load(y1), a11 = v128.load(y1, 16);
  let a20 = v128.load(y2), a21 = v128.load(y2, 16), a30 = v128.load(y3), a31 = v128.load(y3, 16);
  for (let oy = 0; oy < nr; oy++) {
    let win = x;
    for (let ox = 0; ox < ow; ox++) {
      // lanes: a_r· += win[tap_r] · dy[q, o .. o + 7]
      const d0 = v128.load(d), d1 = v128.load(d, 16);
      let v = v128.load32_splat(win + t0);
      a00 = madd(v, d0, a00); a01 = madd(v, d1, a01);
      v = v128.load32_splat(win + t1);
      a10 = madd(v, d0, a10); a11 = madd(v, d1, a11);
      v = v128.load32_splat(win + t2);
      a20 = madd(v, d0, a20); a21 = madd(v, d1, a21);
      v = v128.load32_splat(win + t3);
      a30 = madd(v, d0, a30); a31 = madd(v, d1, a31);
      win += stepBytes;
      d += coBytes;
    }
    x += rowStep;
  }
  v128.store(y0, a00); v128.store(y0, a01, 16);
  v128.store(y1, a10); v128.store(y1, a11, 16);
  v128.store(y2, a20); v128.store(y2, a21, 16);
  v128.store(y3, a30); v128.store(y3, a31, 16);
}

/** 3 df rows × 8 channels (o .. o + 7): dfTile8 for row counts that are multiples of 3 but not of 4. */
function dfTile8x3(x: usize, rowStep: usize, stepBytes: usize, d: usize, coBytes: usize, nr: i32, ow: i32, o: i32): void {
  const t0 = load<usize>(TILE), t1 = load<usize>(TILE, 4), t2 = load<usize>(TILE, 8);
  const ob = <usize>o << 2;
  const y0 = load<usize>(TILE, 16) + ob, y1 = load<usize>(TILE, 20) + ob, y2 = load<usize>(TILE, 24) + ob;
  let a00 = v128.load(y0), a01 = v128.load(y0, 16), a10 = v128.load(y1), a11 = v128.load(y1, 16);
  let a20 = v128.load(y2), a21 = v128.load(y2, 16);
  for (let oy = 0; oy < nr; oy++) {
    let win = x;
    for (let ox = 0; ox < ow; ox++) {
      // lanes: a_r· += win[tap_r] · dy[q, o .. o + 7]
      const d0 = v128.load(d), d1 = v128.load(d, 16);
      let v = v128.load32_splat(win + t0);
      a00 = madd(v, d0, a00); a01 = madd(v, d1, a01);
      v = v128.load32_splat(win + t1);
      a10 = madd(v, d0, a10); a11 = madd(v, d1, a11);
      v = v128.load32_splat(win + t2);
      a20 = madd(v, d0, a20); a21 = madd(v, d1, a21);
      win += stepBytes;
      d += coBytes;
    }
    x += rowStep;
  }
  v128.store(y0, a00); v128.store(y0, a01, 16);
  v128.store(y1, a10); v128.store(y1, a11, 16);
  v128.store(y2, a20); v128.store(y2, a21, 16);
}

/** 4 df rows × 4 channels (o .. o + 3), for co % 8 ≥ 4. */
function dfTile4(x: usize, rowStep: usize, stepBytes: usize, d: usize, coBytes: usize, nr: i32, ow: i32, o: i32): void {
  const t0 = load<usize>(TILE), t1 = load<usize>(TILE, 4), t2 = load<usize>(TILE, 8), t3 = load<usize>(TILE, 12);
  const ob = <usize>o << 2;
  const y0 = load<usize>(TILE, 16) + ob, y1 = load<usize>(TILE, 20) + ob;
  const y2 = load<usize>(TILE, 24) + ob, y3 = load<usize>(TILE, 28) + ob;
  let a0 = v128.load(y0), a1 = v128.load(y1), a2 = v128.load(y2), a3 = v128.load(y3);
  for (let oy = 0; oy < nr; oy++) {
    let win = x;
    for (let ox = 0; ox < ow; ox++) {
      const d0 = v128.load(d); // lanes: a_r += win[tap_r] · dy[q, o .. o + 3]
      a0 = madd(v128.load32_splat(win + t0), d0, a0);
      a1 = madd(v128.load32_splat(win + t1), d0, a1);
      a2 = madd(v128.load32_splat(win + t2), d0, a2);
      a3 = madd(v128.load32_splat(win + t3), d0, a3);
      win += stepBytes;
      d += coBytes;
    }
    x += rowStep;
  }
  v128.store(y0, a0); v128.store(y1, a1); v128.store(y2, a2); v128.store(y3, a3);
}

/** 4 df rows × channel o, scalar: the co % 4 tail. */
function dfTile1(x: usize, rowStep: usize, stepBytes: usize, d: usize, coBytes: usize, nr: i32, ow: i32, o: i32): void {
  const t0 = load<usize>(TILE), t1 = load<usize>(TILE, 4), t2 = load<usize>(TILE, 8), t3 = load<usize>(TILE, 12);
  const ob = <usize>o << 2;
  const y0 = load<usize>(TILE, 16) + ob, y1 = load<usize>(TILE, 20) + ob;
  const y2 = load<usize>(TILE, 24) + ob, y3 = load<usize>(TILE, 28) + ob;
  let a0 = load<f32>(y0), a1 = load<f32>(y1), a2 = load<f32>(y2), a3 = load<f32>(y3);
  for (let oy = 0; oy < nr; oy++) {
    let win = x;
    for (let ox = 0; ox < ow; ox++) {
      const g = load<f32>(d);
      a0 += load<f32>(win + t0) * g;
      a1 += load<f32>(win + t1) * g;
      a2 += load<f32>(win + t2) * g;
      a3 += load<f32>(win + t3) * g;
      win += stepBytes;
      d += coBytes;
    }
    x += rowStep;
  }
  store<f32>(y0, a0); store<f32>(y1, a1); store<f32>(y2, a2); store<f32>(y3, a3);
}

/** db[o] += Σ_q dy[q, o] over `pixels` pixels from d (the chunk just swept, so it is still in L1). */
function biasGradChunk(d: usize, db: usize, pixels: i32, co: i32): void {
  const coBytes = <usize>co << 2, c4 = <usize>(co & ~3) << 2;
  const quad = pixels & ~3;
  let j: usize = 0;
  for (; j < c4; j += 16) {
    // four independent sums (pixels q, q+1, q+2, q+3) so the adds pipeline; lanes: channels j/4 .. j/4 + 3
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
    let p = d + j, q = 0;
    for (; q < quad; q += 4) {
      a0 = f32x4.add(a0, v128.load(p));
      a1 = f32x4.add(a1, v128.load(p + coBytes));
      a2 = f32x4.add(a2, v128.load(p + 2 * coBytes));
      a3 = f32x4.add(a3, v128.load(p + 3 * coBytes));
      p += coBytes << 2;
    }
    for (; q < pixels; q++) { a0 = f32x4.add(a0, v128.load(p)); p += coBytes; } // pixels % 4
    const sum = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
    v128.store(db + j, f32x4.add(v128.load(db + j), sum));
  }
  for (; j < coBytes; j += 4) { // scalar tail: co % 4 channels
    let a: f32 = 0;
    for (let q = 0, p = d + j; q < pixels; q++, p += coBytes) a += load<f32>(p);
    store<f32>(db + j, load<f32>(db + j) + a);
  }
}
