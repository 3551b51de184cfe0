/**
 * A Sequential model on the AssemblyScript engine. One memory layout is planned per model and batch capacity
 * (parameters, packed kernels, every layer's pre- and post-activation outputs, their gradients) and reused by every
 * call: the kernels never allocate.
 *
 * Forward keeps every layer's output; backward runs from the logits (the input of the final softmax) to every
 * parameter and, when asked, to the input.
 */
import type { EngineExports } from '../wasm/abi.ts';
import type { Arena } from '../wasm/wasm.ts';
import { convGeometry, layerShapes, poolGeometry, size } from './shapes.ts';
import { checkNetworkMemory } from './memory.ts';
import { argmax } from '../util/array.ts';
import type { ActivationName, LayerOutput, LayerParams, LayerSpec, LoadedModel, ModelSpec } from './spec.ts';

/** A tensor of `capacity` samples of `shape` in engine memory, and (lazily) its gradient. */
interface Buf {
  ptr: number;
  shape: number[];
  size: number;
  grad: number;
}

export interface ParamBufs {
  layer: string;
  kernel: number;
  bias: number; // 0: none
  dKernel: number;
  dBias: number;
  kernelLen: number;
  biasLen: number;
  /** Packed kernel for the dense kernels (0 for conv). */
  packed: number;
}

interface Step {
  spec: LayerSpec;
  x: Buf;
  /** Pre-activation (the Dense/Conv output before its activation; the input of an Activation layer). */
  z: Buf;
  /** Output. The same object as z when the activation is linear, as x for Flatten. */
  a: Buf;
  activation: ActivationName;
  param?: ParamBufs;
  /** Conv2D geometry: [n-independent args after the batch] for the conv kernels. */
  conv?: ConvArgs;
}

/**
 * Callbacks between layers (src/interpret/hooks.ts builds interventions on them). Tensors are named by layer
 * index and site, layer −1 being the input; `values` and `grad` are views of the batch's memory, valid during the
 * call only, and may be changed in place: forward continues from the changed value, backward from the changed
 * gradient.
 */
export interface StepHooks {
  /** After the tensor's n items are computed (for 'pre': before the activation reads them). */
  forward?(layer: number, site: 'pre' | 'out', values: Float32Array): void;
  /** When the tensor's gradient is complete, before it flows to the layers below. */
  backward?(layer: number, site: 'pre' | 'out', grad: Float32Array): void;
}

/** h, w, c, kh, kw, co, stride, padTop, padLeft, oh, ow: the conv kernels' shape arguments after n. */
type ConvArgs = [number, number, number, number, number, number, number, number, number, number, number];

export class Network {
  readonly arena: Arena;
  readonly spec: ModelSpec;
  readonly input: Buf;
  readonly steps: Step[];
  readonly params: ParamBufs[] = [];
  /** Where the logits and probabilities of the batch live. */
  readonly logits: Buf;
  readonly probs: Buf;
  readonly classes: number;
  /** Whether the model ends in a softmax (else probs are computed from the logits). */
  private readonly endsInSoftmax: boolean;
  /** Index of the step whose input gradient is the logits' (start of backward). */
  private readonly logitsStep: number;
  /** int32 labels for the loss. */
  readonly labels: number;
  /** Scratch space of the conv kernels, shared by every conv layer (sized for the largest). */
  private readonly scratch: number;

  readonly ex: EngineExports;

  /** Plans the model's memory in `arena` (several networks can share one engine instance's arena). */
  constructor(
    arena: Arena,
    model: LoadedModel,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`network: bad batch capacity ${capacity}`);
    checkNetworkMemory(arena.ex, model.spec, capacity, arena.used); // before any allocation
    this.spec = model.spec;
    this.arena = arena;
    this.ex = arena.ex;
    const newBuf = (shape: number[]): Buf => {
      const n = size(shape);
      return { ptr: this.arena.alloc(n * capacity), shape, size: n, grad: this.arena.alloc(n * capacity) };
    };
    const shapes = layerShapes(model.spec);
    this.input = newBuf(model.spec.inputShape);
    let x = this.input;
    this.steps = model.spec.layers.map((spec, i) => {
      const out = shapes[i].output;
      let z: Buf;
      let a: Buf;
      let activation: ActivationName = 'linear';
      let param: ParamBufs | undefined;
      switch (spec.kind) {
        case 'Dense':
        case 'Conv2D':
          activation = spec.activation;
          z = newBuf(out);
          a = activation === 'linear' ? z : newBuf(out);
          param = this.allocParams(spec, shapes[i].input, model.params.get(spec.name));
          break;
        case 'Activation':
          activation = spec.activation;
          z = x;
          a = newBuf(out);
          break;
        case 'MaxPooling2D':
        case 'AveragePooling2D':
        case 'ZeroPadding2D':
        case 'LeakyReLU': // computed from x directly: its output is its only tensor
          z = a = newBuf(out);
          break;
        case 'Flatten':
          // A view: same memory, new shape.
          z = a = { ...x, shape: out };
          break;
      }
      const step = { spec, x, z, a, activation, param };
      x = a;
      return step;
    });
    const last = this.steps[this.steps.length - 1];
    this.endsInSoftmax = last.activation === 'softmax';
    this.logitsStep = this.endsInSoftmax && last.spec.kind === 'Activation' ? this.steps.length - 2 : this.steps.length - 1;
    this.logits = this.endsInSoftmax ? last.z : last.a;
    this.probs = this.endsInSoftmax ? last.a : newBuf(last.a.shape);
    this.classes = this.logits.size;
    this.labels = this.arena.alloc(capacity);
    let scratch = 0;
    for (const s of this.steps) {
      if (s.spec.kind !== 'Conv2D') continue;
      const [h, w, c] = s.x.shape;
      const g = convGeometry(s.spec, h, w);
      s.conv = [h, w, c, ...s.spec.kernelSize, s.spec.filters, s.spec.strides, g.padTop, g.padLeft, g.oh, g.ow];
      scratch = Math.max(scratch, this.ex.conv2dScratchLength(capacity, ...s.conv));
    }
    this.scratch = this.arena.alloc(scratch);
    this.repack();
  }

  private allocParams(spec: LayerSpec & { useBias: boolean }, input: number[], p: LayerParams | undefined): ParamBufs {
    if (!p) throw new Error(`network: no parameters for layer ${spec.name}`);
    const kernelLen = p.kernel.length;
    const biasLen = spec.useBias ? (p.bias?.length ?? 0) : 0;
    if (spec.useBias && !biasLen) throw new Error(`network: layer ${spec.name} has no bias`);
    const dense = spec.kind === 'Dense';
    const bufs: ParamBufs = {
      layer: spec.name,
      kernel: this.arena.put(p.kernel),
      bias: biasLen ? this.arena.put(p.bias!) : 0,
      dKernel: this.arena.alloc(kernelLen),
      dBias: biasLen ? this.arena.alloc(biasLen) : 0,
      kernelLen,
      biasLen,
      packed: dense ? this.arena.alloc(this.ex.densePackedLength(input[0], (spec as { units: number }).units)) : 0,
    };
    this.params.push(bufs);
    return bufs;
  }

  /** Re-packs the dense kernels: call after the parameters change (an optimiser step, setParams). */
  repack(): void {
    for (const s of this.steps) {
      if (s.spec.kind === 'Dense') this.ex.densePack(s.param!.kernel, s.param!.packed, s.x.size, s.spec.units);
    }
  }

  /** Copies n samples (n × input size floats) into the input buffer. */
  setInput(data: Float32Array, n: number): void {
    this.checkBatch(n);
    if (data.length < n * this.input.size) throw new Error(`network: input has ${data.length} floats, need ${n * this.input.size}`);
    this.arena.f32(this.input.ptr, n * this.input.size).set(data.subarray(0, n * this.input.size));
  }

  forward(n: number, hooks?: StepHooks): void {
    this.checkBatch(n);
    const ex = this.ex;
    const view = (b: Buf) => this.arena.f32(b.ptr, n * b.size);
    hooks?.forward?.(-1, 'out', view(this.input));
    for (const [i, s] of this.steps.entries()) {
      const l = s.spec;
      switch (l.kind) {
        case 'Dense':
          ex.denseForward(s.x.ptr, s.param!.packed, s.param!.bias, s.z.ptr, n, s.x.size, l.units);
          break;
        case 'Conv2D':
          ex.conv2dForward(s.x.ptr, s.param!.kernel, s.param!.bias, s.z.ptr, n, ...s.conv!, this.scratch);
          break;
        case 'MaxPooling2D':
        case 'AveragePooling2D':
        case 'ZeroPadding2D':
        case 'LeakyReLU':
          this.forwardPlain(s, n);
          break;
        case 'Flatten':
        case 'Activation':
          break;
      }
      if (hooks?.forward && hasPre(s)) hooks.forward(i, 'pre', view(s.z));
      if (s.a !== s.z) this.activate(s, n);
      hooks?.forward?.(i, 'out', view(s.a));
    }
    if (!this.endsInSoftmax) ex.softmaxForward(this.logits.ptr, this.probs.ptr, n, this.classes);
  }

  /** Layers without parameters whose output is computed from their input: pooling, padding, leaky relu. */
  private forwardPlain(s: Step, n: number): void {
    const ex = this.ex;
    const l = s.spec;
    const [h, w, c] = s.x.shape;
    switch (l.kind) {
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const g = poolGeometry(l, h, w);
        if (l.kind === 'AveragePooling2D') return ex.avgPoolForward(s.x.ptr, s.a.ptr, n, h, w, c, g.ph, g.pw, g.sh, g.sw);
        // 2×2 stride 2 (the shipped CNN) keeps its own kernel; both give the same values.
        if (isPool2(g)) return ex.maxPool2Forward(s.x.ptr, s.a.ptr, n, h, w, c);
        return ex.maxPoolForward(s.x.ptr, s.a.ptr, n, h, w, c, g.ph, g.pw, g.sh, g.sw);
      }
      case 'ZeroPadding2D': {
        const [[t, b], [left, r]] = l.padding;
        return ex.pad2dForward(s.x.ptr, s.a.ptr, n, h, w, c, t, b, left, r);
      }
      case 'LeakyReLU':
        return ex.leakyReluForward(s.x.ptr, s.a.ptr, n * s.a.size, l.alpha);
    }
  }

  /** x.grad from a.grad for the layers of forwardPlain. */
  private backwardPlain(s: Step, n: number): void {
    const ex = this.ex;
    const l = s.spec;
    const [h, w, c] = s.x.shape;
    switch (l.kind) {
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const g = poolGeometry(l, h, w);
        if (l.kind === 'AveragePooling2D') return ex.avgPoolBackward(s.a.grad, s.x.grad, n, h, w, c, g.ph, g.pw, g.sh, g.sw);
        if (isPool2(g)) return ex.maxPool2Backward(s.x.ptr, s.a.grad, s.x.grad, n, h, w, c);
        return ex.maxPoolBackward(s.x.ptr, s.a.grad, s.x.grad, n, h, w, c, g.ph, g.pw, g.sh, g.sw);
      }
      case 'ZeroPadding2D': {
        const [[t, b], [left, r]] = l.padding;
        return ex.pad2dBackward(s.a.grad, s.x.grad, n, h, w, c, t, b, left, r);
      }
      case 'LeakyReLU':
        return ex.leakyReluBackward(s.x.ptr, s.a.grad, s.x.grad, n * s.a.size, l.alpha);
    }
  }

  private activate(s: Step, n: number): void {
    const len = n * s.a.size;
    const ex = this.ex;
    switch (s.activation) {
      case 'tanh':
        return ex.tanhForward(s.z.ptr, s.a.ptr, len);
      case 'relu':
        return ex.reluForward(s.z.ptr, s.a.ptr, len);
      case 'sigmoid':
        return ex.sigmoidForward(s.z.ptr, s.a.ptr, len);
      case 'elu':
        return ex.eluForward(s.z.ptr, s.a.ptr, len);
      case 'softmax': {
        const cols = s.a.shape[s.a.shape.length - 1];
        return ex.softmaxForward(s.z.ptr, s.a.ptr, len / cols, cols);
      }
      case 'linear':
        this.arena.f32(s.a.ptr, len).set(this.arena.f32(s.z.ptr, len));
    }
  }

  private activateBackward(s: Step, n: number): void {
    const len = n * s.a.size;
    const ex = this.ex;
    switch (s.activation) {
      case 'tanh':
        return ex.tanhBackward(s.a.ptr, s.a.grad, s.z.grad, len);
      case 'relu':
        return ex.reluBackward(s.z.ptr, s.a.grad, s.z.grad, len);
      case 'sigmoid':
        return ex.sigmoidBackward(s.a.ptr, s.a.grad, s.z.grad, len);
      case 'elu':
        return ex.eluBackward(s.a.ptr, s.a.grad, s.z.grad, len);
      case 'softmax': {
        const cols = s.a.shape[s.a.shape.length - 1];
        return ex.softmaxBackward(s.a.ptr, s.a.grad, s.z.grad, len / cols, cols);
      }
      case 'linear':
        this.arena.f32(s.z.grad, len).set(this.arena.f32(s.a.grad, len));
    }
  }

  /**
   * Backpropagates the gradient already written at the logits' gradient (logits.grad) down to the parameters
   * (`params`) and the input (`input`: into input.grad).
   */
  backward(n: number, { params = true, input = false } = {}): void {
    this.checkBatch(n);
    const ex = this.ex;
    for (let i = this.logitsStep; i >= 0; i--) {
      const s = this.steps[i];
      const l = s.spec;
      // The final layer's own softmax is skipped: the gradient starts at its pre-activation (the logits).
      const atLogits = i === this.logitsStep && this.endsInSoftmax && l.kind !== 'Activation';
      if (s.a !== s.z && !atLogits) this.activateBackward(s, n);
      const needDx = i > 0 || input;
      switch (l.kind) {
        case 'Dense': {
          const p = s.param!;
          if (params) ex.denseBackwardParams(s.x.ptr, s.z.grad, p.dKernel, p.dBias, n, s.x.size, l.units);
          if (needDx) ex.denseBackwardInput(s.z.grad, p.packed, s.x.grad, n, s.x.size, l.units);
          break;
        }
        case 'Conv2D': {
          const p = s.param!;
          if (params) ex.conv2dBackwardParams(s.x.ptr, s.z.grad, p.dKernel, p.dBias, n, ...s.conv!, this.scratch);
          if (needDx) ex.conv2dBackwardInput(s.z.grad, p.kernel, s.x.grad, n, ...s.conv!, this.scratch);
          break;
        }
        case 'MaxPooling2D':
        case 'AveragePooling2D':
        case 'ZeroPadding2D':
        case 'LeakyReLU':
          if (needDx) this.backwardPlain(s, n);
          break;
        case 'Flatten': // shares memory and gradient with its input
        case 'Activation': // done by activateBackward (z is x)
          break;
      }
    }
  }

  /**
   * Backpropagates the gradient written at tensor `from` (its grad buffer) down to the input, calling `hooks` at
   * every tensor on the way; parameter gradients are not computed.
   */
  backwardFrom(n: number, from: { layer: number; site: 'pre' | 'out' }, hooks: StepHooks = {}): void {
    this.checkBatch(n);
    const ex = this.ex;
    const view = (b: Buf) => this.arena.f32(b.grad, n * b.size);
    for (let i = from.layer; i >= 0; i--) {
      const s = this.steps[i];
      const l = s.spec;
      if (i !== from.layer || from.site === 'out') {
        hooks.backward?.(i, 'out', view(s.a));
        if (s.a !== s.z) {
          // NOTE: tanh, sigmoid, elu and softmax take their derivative from their output, which a forward hook may have
          // replaced: compute it again from z (the layers above are done with it; their values were copied out).
          this.activate(s, n);
          this.activateBackward(s, n);
        }
      }
      if (hasPre(s)) hooks.backward?.(i, 'pre', view(s.z));
      switch (l.kind) {
        case 'Dense':
          ex.denseBackwardInput(s.z.grad, s.param!.packed, s.x.grad, n, s.x.size, l.units);
          break;
        case 'Conv2D':
          ex.conv2dBackwardInput(s.z.grad, s.param!.kernel, s.x.grad, n, ...s.conv!, this.scratch);
          break;
        case 'MaxPooling2D':
        case 'AveragePooling2D':
        case 'ZeroPadding2D':
        case 'LeakyReLU':
          this.backwardPlain(s, n);
          break;
        case 'Flatten': // shares memory and gradient with its input
        case 'Activation': // done by activateBackward (z is x)
          break;
      }
    }
    hooks.backward?.(-1, 'out', view(this.input));
  }

  /** The buffer of a tensor (layer −1: the input). */
  tensor(layer: number, site: 'pre' | 'out'): Buf {
    if (layer < 0) return this.input;
    const s = this.steps[layer];
    if (!s) throw new Error(`network: no layer ${layer}`);
    return site === 'pre' ? s.z : s.a;
  }

  /** Where the logits are: the last layer's pre-activation when it ends in softmax, else an output. */
  get logitsTensor(): { layer: number; site: 'pre' | 'out' } {
    const i = this.logitsStep;
    // Dense(softmax) last: its pre-activation; a separate softmax layer: the output of the layer before it.
    return this.endsInSoftmax && i === this.steps.length - 1 ? { layer: i, site: 'pre' } : { layer: i, site: 'out' };
  }

  /** Seeds logits.grad with one-hot(target) for each of n samples: backward then gives d logit[target]. */
  seedTarget(n: number, target: number): void {
    if (!Number.isInteger(target) || target < 0 || target >= this.classes) {
      throw new Error(`network: target class ${target} is not in 0..${this.classes - 1}`);
    }
    const g = this.arena.f32(this.logits.grad, n * this.classes);
    g.fill(0);
    for (let i = 0; i < n; i++) g[i * this.classes + target] = 1;
  }

  /** Mean softmax cross-entropy of the batch against int labels; leaves d loss / d logits at logits.grad. */
  loss(labels: ArrayLike<number>, n: number): number {
    this.checkBatch(n);
    const l = this.arena.i32(this.labels, n);
    for (let i = 0; i < n; i++) {
      if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= this.classes) {
        throw new Error(`network: label ${labels[i]} of sample ${i} is not a class 0..${this.classes - 1}`);
      }
      l[i] = labels[i];
    }
    return this.ex.softmaxCrossEntropy(this.logits.ptr, this.labels, this.probs.ptr, this.logits.grad, n, this.classes);
  }

  /** How many of the first n samples of the last forward pass have `labels[i]` as their top class. */
  correct(labels: ArrayLike<number>, n: number): number {
    this.checkBatch(n);
    const probs = this.arena.f32(this.probs.ptr, n * this.classes);
    let ok = 0;
    for (let i = 0; i < n; i++) if (argmax(probs, i * this.classes, this.classes) === labels[i]) ok++;
    return ok;
  }

  /** Every layer's output (and pre-activation) for sample i of the last forward pass, copied out. */
  layerOutputs(i = 0): LayerOutput[] {
    return this.steps.map((s) => ({
      name: s.spec.name,
      kind: s.spec.kind,
      ...(s.spec.kind === 'Dense' || s.spec.kind === 'Conv2D' || s.spec.kind === 'Activation'
        ? { activation: s.activation }
        : {}),
      shape: s.a.shape,
      ...(s.a !== s.z && s.spec.kind !== 'Activation' ? { pre: this.read(s.z, i) } : {}),
      out: this.read(s.a, i),
    }));
  }

  /** Copies floats into a buffer's gradient for n samples (one sample's worth repeated when it has b.size). */
  seedGrad(b: Buf, seed: Float32Array, n: number): void {
    const g = this.arena.f32(b.grad, n * b.size);
    if (seed.length === b.size) for (let i = 0; i < n; i++) g.set(seed, i * b.size);
    else g.set(seed.subarray(0, n * b.size));
  }

  read(b: Buf, i: number, count = 1): Float32Array {
    return this.arena.f32(b.ptr + i * b.size * 4, b.size * count).slice();
  }

  readGrad(b: Buf, i: number, count = 1): Float32Array {
    return this.arena.f32(b.grad + i * b.size * 4, b.size * count).slice();
  }

  /** The current parameters, copied out (for saving). */
  getParams(): Map<string, LayerParams> {
    return new Map(
      this.params.map((p) => [
        p.layer,
        {
          kernel: this.arena.f32(p.kernel, p.kernelLen).slice(),
          bias: p.biasLen ? this.arena.f32(p.bias, p.biasLen).slice() : undefined,
        },
      ]),
    );
  }

  setParams(params: Map<string, LayerParams>): void {
    for (const p of this.params) {
      const src = params.get(p.layer);
      if (!src || src.kernel.length !== p.kernelLen) throw new Error(`network: parameters of ${p.layer} do not fit`);
      this.arena.f32(p.kernel, p.kernelLen).set(src.kernel);
      if (p.biasLen) this.arena.f32(p.bias, p.biasLen).set(src.bias!);
    }
    this.repack();
  }

  model(): LoadedModel {
    return { spec: this.spec, params: this.getParams() };
  }

  private checkBatch(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > this.capacity) {
      throw new Error(`network: batch of ${n} does not fit the planned capacity ${this.capacity}`);
    }
  }
}

const isPool2 = (g: { ph: number; pw: number; sh: number; sw: number }) => g.ph === 2 && g.pw === 2 && g.sh === 2 && g.sw === 2;

/** A Dense/Conv2D with a non-linear activation has a pre-activation of its own (an Activation layer's is its input). */
function hasPre(s: Step): boolean {
  return s.a !== s.z && s.spec.kind !== 'Activation';
}
