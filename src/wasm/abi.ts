/**
 * Typed mirror of the engine's WebAssembly exports (assembly/*.ts): the flat pointer ABI.
 *
 * Conventions for every kernel:
 * - pointers are byte offsets into `memory`, 16-byte aligned; tensors are float32, row-major; images are NHWC;
 * - outputs come last and are overwritten (never accumulated into);
 * - kernels never validate: the TypeScript side (src/wasm/*) checks shapes before it calls;
 * - kernels never allocate: scratch space, when a kernel needs any, is planned by the caller.
 */
export interface EngineExports {
  readonly memory: WebAssembly.Memory;
  /** First free byte after the module's static data: the arena starts here. */
  heapBase(): number;

  // --- dense.ts: W is [nIn, nOut] (the TensorFlow.js kernel layout), b is [nOut] -------------------------------
  /** Floats needed by the packed copy of a [nIn, nOut] kernel (forward and transposed panels). */
  densePackedLength(nIn: number, nOut: number): number;
  /** Packs W into wp; call again whenever W changes (once per optimiser step). */
  densePack(w: number, wp: number, nIn: number, nOut: number): void;
  /** y[batch, nOut] = x[batch, nIn] · W + b. b = 0 means no bias. batch = 1 is the mat-vec path. */
  denseForward(x: number, wp: number, b: number, y: number, batch: number, nIn: number, nOut: number): void;
  /** dx[batch, nIn] = dy[batch, nOut] · Wᵀ. */
  denseBackwardInput(dy: number, wp: number, dx: number, batch: number, nIn: number, nOut: number): void;
  /** dw[nIn, nOut] = xᵀ · dy; db[nOut] = Σ_batch dy (db = 0: skip). */
  denseBackwardParams(x: number, dy: number, dw: number, db: number, batch: number, nIn: number, nOut: number): void;

  // --- conv2d.ts: x [n, h, w, c], filter [kh, kw, c, co] (TensorFlow.js layout), b [co], y [n, oh, ow, co] -------
  // padTop/padLeft and oh/ow are computed by the caller with TensorFlow's 'valid' / 'same' rules
  // ('valid': oh = ceil((h − kh + 1) / s); 'same': oh = ceil(h / s), padTop = floor(max((oh − 1)·s + kh − h, 0) / 2);
  // the bottom/right padding is whatever the output size implies). stride is any s ≥ 1 (PyTorch CNNs use 1 and 2); these
  // rules always give 0 ≤ padTop < kh and 0 ≤ padLeft < kw, which the kernels rely on (the TS side checks).
  // Every conv2d kernel takes `scratch`: conv2dScratchLength(same shape args) floats, 16-byte aligned, planned once
  // per layer and shared by the three kernels (it holds a zero-padded copy of x or dy and the flipped filter).
  // Its contents are garbage between calls; it must not overlap any input or output.
  /** Floats of scratch the conv2d kernels need for this layer shape (it grows with n: plan for the largest batch). */
  conv2dScratchLength(n: number, h: number, w: number, c: number, kh: number, kw: number, co: number,
    stride: number, padTop: number, padLeft: number, oh: number, ow: number): number;
  /** y = conv(x, f) + b. b = 0 means no bias. */
  conv2dForward(x: number, f: number, b: number, y: number,
    n: number, h: number, w: number, c: number, kh: number, kw: number, co: number,
    stride: number, padTop: number, padLeft: number, oh: number, ow: number, scratch: number): void;
  /** dx [n, h, w, c] from dy [n, oh, ow, co]. */
  conv2dBackwardInput(dy: number, f: number, dx: number,
    n: number, h: number, w: number, c: number, kh: number, kw: number, co: number,
    stride: number, padTop: number, padLeft: number, oh: number, ow: number, scratch: number): void;
  /** df [kh, kw, c, co] and db [co] (db = 0: skip) from x and dy. */
  conv2dBackwardParams(x: number, dy: number, df: number, db: number,
    n: number, h: number, w: number, c: number, kh: number, kw: number, co: number,
    stride: number, padTop: number, padLeft: number, oh: number, ow: number, scratch: number): void;

  // --- maxpool.ts: 2×2 window, stride 2, 'valid' (oh = h >> 1, ow = w >> 1) -----------------------------------
  maxPool2Forward(x: number, y: number, n: number, h: number, w: number, c: number): void;
  /** Routes dy to the max of each window (the first in row-major order on ties); zeros elsewhere. */
  maxPool2Backward(x: number, dy: number, dx: number, n: number, h: number, w: number, c: number): void;

  // --- pool.ts: any window ph×pw, strides sh, sw, 'valid': oh = floor((h − ph) / sh) + 1, ow likewise ---------
  // The caller checks h ≥ ph and w ≥ pw. Windows may overlap; backward kernels overwrite all of dx.
  maxPoolForward(x: number, y: number, n: number, h: number, w: number, c: number, ph: number, pw: number, sh: number, sw: number): void;
  /** dx = dy routed to each window's max (the first in row-major order on ties), summed over overlapping windows. */
  maxPoolBackward(x: number, dy: number, dx: number, n: number, h: number, w: number, c: number, ph: number, pw: number, sh: number, sw: number): void;
  avgPoolForward(x: number, y: number, n: number, h: number, w: number, c: number, ph: number, pw: number, sh: number, sw: number): void;
  /** dx = dy / (ph·pw) spread over each window, summed over overlapping windows. */
  avgPoolBackward(dy: number, dx: number, n: number, h: number, w: number, c: number, ph: number, pw: number, sh: number, sw: number): void;

  // --- pad.ts: x [n, h, w, c] ↔ y [n, h + top + bottom, w + left + right, c] ----------------------------------
  /** y = x with zeros around it (Keras' ZeroPadding2D). */
  pad2dForward(x: number, y: number, n: number, h: number, w: number, c: number, top: number, bottom: number, left: number, right: number): void;
  /** dx = dy cropped to the input's window (the gradient of padding). */
  pad2dBackward(dy: number, dx: number, n: number, h: number, w: number, c: number, top: number, bottom: number, left: number, right: number): void;

  // --- activations.ts: elementwise over len floats; softmax over rows of cols ---------------------------------
  tanhForward(x: number, y: number, len: number): void;
  /** dx = dy · (1 − y²), from the forward output y. */
  tanhBackward(y: number, dy: number, dx: number, len: number): void;
  reluForward(x: number, y: number, len: number): void;
  /** dx = dy · [x > 0], from the forward input x. */
  reluBackward(x: number, dy: number, dx: number, len: number): void;
  sigmoidForward(x: number, y: number, len: number): void;
  /** dx = dy · y(1 − y), from the forward output y. */
  sigmoidBackward(y: number, dy: number, dx: number, len: number): void;
  /** y = x > 0 ? x : alpha·x. */
  leakyReluForward(x: number, y: number, len: number, alpha: number): void;
  /** dx = dy · (x > 0 ? 1 : alpha), from the forward input x. */
  leakyReluBackward(x: number, dy: number, dx: number, len: number, alpha: number): void;
  /** y = x > 0 ? x : e^x − 1 (ELU, alpha 1). */
  eluForward(x: number, y: number, len: number): void;
  /** dx = dy · (y > 0 ? 1 : y + 1), from the forward output y. */
  eluBackward(y: number, dy: number, dx: number, len: number): void;
  softmaxForward(x: number, y: number, rows: number, cols: number): void;
  /** dx = y ⊙ (dy − Σ_cols dy ⊙ y), from the forward output y. */
  softmaxBackward(y: number, dy: number, dx: number, rows: number, cols: number): void;

  // --- loss.ts ----------------------------------------------------------------------------------------------
  /** Mean softmax cross-entropy of logits [rows, cols] against int32 labels [rows]; writes probs and
   *  dlogits = (probs − onehot) / rows. Returns the mean loss. */
  softmaxCrossEntropy(logits: number, labels: number, probs: number, dlogits: number, rows: number, cols: number): number;

  // --- optim.ts ---------------------------------------------------------------------------------------------
  /** Adam (Kingma & Ba 2015) in place; bc1 = 1 − β1ᵗ, bc2 = 1 − β2ᵗ. */
  adamStep(w: number, g: number, m: number, v: number, len: number,
    lr: number, beta1: number, beta2: number, eps: number, bc1: number, bc2: number): void;
  /** SGD with momentum in place: vel = momentum·vel + g; w −= lr·vel. */
  sgdStep(w: number, g: number, vel: number, len: number, lr: number, momentum: number): void;
  /** dst ← (a + b) · ½ over len floats: two data-parallel replicas' gradients averaged. */
  meanOfTwo(dst: number, a: number, b: number, len: number): void;
}
