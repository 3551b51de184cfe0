/**
 * ONNX import: a sequential image classifier as PyTorch's exporter writes it → the engine's Sequential model
 * (spec.ts), converted once at load. The graph must be one chain from the input ([N,1,28,28] or [N,784]) to the one
 * output; small side computations on constants (the Shape → Gather → Concat chain `x.view(x.size(0), -1)` becomes
 * with a dynamic batch) are evaluated here. PyTorch is NCHW, the engine NHWC, so:
 *   - conv kernels [co, ci, kh, kw] become [kh, kw, ci, co];
 *   - a Flatten of a C×H×W map yields C·H·W order in PyTorch but H·W·C in the engine, so the flat vector carries
 *     that permutation until the next Gemm/MatMul, whose kernel rows are permuted to match;
 *   - conv pads that compute what TensorFlow's 'valid' or 'same' compute become that padding; any other pads
 *     (PyTorch's stride-2 padding=1, asymmetric pads, a zero Pad) become a ZeroPadding2D layer before a 'valid' conv.
 * BatchNormalization is folded into the conv or dense before it; Dropout and Identity are dropped; LogSoftmax is
 * read as Softmax (the tools show probabilities; the logits before it are the model's own). Anything else is
 * refused with the node's name and op: nothing is approximated.
 */
import { convGeometry, layerShapes } from './shapes.ts';
import type { ActivationName, Conv2DSpec, DenseSpec, LayerParams, LayerSpec, LoadedModel, ZeroPadding2DSpec } from './spec.ts';
import { permuteRows, relayConvKernel, sameFlattenOrder, type Chw } from './onnx-layout.ts';
import { Attributes, decodeModel, fail, int, onnx } from './onnx-read.ts';
import { constNode, constOf, fold, shapeOf, type Const } from './onnx-consts.ts';

export const SUPPORTED_OPS = [
  'Gemm', 'MatMul', 'Add', 'Conv', 'Relu', 'LeakyRelu', 'Elu', 'Tanh', 'Sigmoid', 'MaxPool', 'AveragePool',
  'GlobalAveragePool', 'Pad', 'Flatten', 'Reshape', 'Transpose', 'Softmax', 'LogSoftmax', 'Dropout', 'Identity',
  'BatchNormalization', 'Constant', 'Sub', 'Mul', 'Div',
  'Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Cast',
] as const;

/** What the engine would need for ops PyTorch models commonly have but that are refused here (said in the error). */
const ENGINE_LACKS: Record<string, string> = {
  Selu: 'the engine has no selu activation',
  Gelu: 'the engine has no gelu activation',
};

/** The one running tensor: an image (C×H×W in ONNX, H×W×C in the engine) or a flat vector. */
interface Stream {
  name: string;
  /** ONNX dimensions without the batch: [c, h, w] for images; for flat vectors the features and any 1s. */
  dims: number[];
  image: boolean;
  /** Flat only: the vector came from flattening a map, so PyTorch's element order is C·H·W of this, ours H·W·C. */
  chw?: Chw;
}

const size = (d: number[]) => d.reduce((a, b) => a * b, 1);

/** poolSize and strides for a pooling spec; omitted for 2×2 stride 2, so such a layer reads as the shipped CNN's. */
const poolFields = (pool: number[], strides: number[]) =>
  pool.join() === '2,2' && strides.join() === '2,2' ? {} : { poolSize: [pool[0], pool[1]] as [number, number], strides: [strides[0], strides[1]] as [number, number] };

/** Ops that may come between an input normalisation and the layer it is folded into. */
const PASS_AFFINE = new Set(['Identity', 'Dropout', 'Flatten', 'Reshape', 'Transpose', 'Pad', 'Add', 'Sub', 'Mul', 'Div', 'Gemm', 'MatMul', 'Conv']);

/** Parses an .onnx file into a model the engines load. `name` names the model (e.g. the file's). */
export function parseOnnx(bytes: Uint8Array, name?: string): LoadedModel {
  const { model, opset } = decodeModel(bytes);
  return new Converter(model.graph!, opset, name).run();
}

class Converter {
  private readonly consts = new Map<string, Const>();
  private readonly layers: LayerSpec[] = [];
  private readonly params = new Map<string, LayerParams>();
  private readonly names = new Set<string>();
  private stream!: Stream;
  private inputShape!: number[];
  /** The conv/dense layer whose output the stream still is (for folding BN, bias Adds and activations). */
  private open: Conv2DSpec | DenseSpec | undefined;
  /** Input normalisation ((x − μ) / σ in the model) seen before the first layer, folded into that layer. */
  private affine = { scale: 1, shift: 0 };
  /** How many nodes read each value (a chain reads each stream value once; Shape reads only the shape). */
  private readonly readers = new Map<string, number>();

  constructor(
    private readonly graph: onnx.IGraphProto,
    private readonly opset: number,
    private readonly modelName?: string,
  ) {}

  run(): LoadedModel {
    const g = this.graph;
    if ((g.sparseInitializer?.length ?? 0) > 0) fail('sparse initializers are not supported');
    for (const t of g.initializer ?? []) this.consts.set(t.name ?? '', constOf(t));
    for (const n of g.node ?? []) {
      if (n.opType === 'Shape') continue;
      for (const i of n.input ?? []) if (i) this.readers.set(i, (this.readers.get(i) ?? 0) + 1);
    }
    this.readInput();
    if ((g.node?.length ?? 0) > 4 * 64 + 64) fail(`the graph has ${g.node!.length} nodes, too many for a small classifier`);
    for (const node of g.node ?? []) this.node(node);

    const outputs = g.output ?? [];
    if (outputs.length !== 1) fail(`the graph has ${outputs.length} outputs; a classifier has one (its logits or probabilities)`);
    if (outputs[0].name !== this.stream.name) fail(`the graph output ${outputs[0].name} is not the end of the chain of layers`);
    if (this.stream.image) fail(`the output is a ${this.stream.dims.join('×')} map, not a vector of class scores`);
    if (this.stream.chw && !sameFlattenOrder(this.stream.chw)) fail('the output is a flattened map, not class scores');
    if (!this.layers.some((l) => l.kind === 'Dense' || l.kind === 'Conv2D')) fail('the graph has no Gemm, MatMul or Conv layer');
    const spec = { name: this.modelName ?? (g.name || 'onnx'), inputShape: this.inputShape, layers: this.layers };
    layerShapes(spec); // the engine's own shape check, with its size limits
    return { spec, params: this.params };
  }

  private readInput(): void {
    const inputs = (this.graph.input ?? []).filter((i) => !this.consts.has(i.name ?? ''));
    if (inputs.length !== 1) {
      fail(`the graph has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); an image classifier has one`);
    }
    const input = inputs[0];
    const tensor = input.type?.tensorType;
    if (!tensor) fail(`input ${input.name} is not a tensor`);
    if (tensor!.elemType !== onnx.TensorProto.DataType.FLOAT) fail(`input ${input.name} is not float32`);
    const dims = (tensor!.shape?.dim ?? []).map((d) => (d.dimValue != null && int(d.dimValue) > 0 ? int(d.dimValue) : d.dimParam || '?'));
    const shown = `[${dims.join(',')}]`;
    const rest = dims.slice(1).join(',');
    if (rest === '1,28,28') {
      this.stream = { name: input.name!, dims: [1, 28, 28], image: true };
      this.inputShape = [28, 28, 1];
    } else if ((rest === '784' && dims.length === 2) || (rest === '28,28' && dims.length === 3)) {
      // [N,28,28] holds the same 784 values in the same order: read it as flat until something needs more.
      this.stream = { name: input.name!, dims: rest === '784' ? [784] : [28, 28], image: false };
      this.inputShape = [784];
    } else {
      fail(`input ${input.name} is ${shown}; expected [N,1,28,28] (an MNIST image, NCHW), [N,28,28] or [N,784]`);
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Nodes

  private node(n: onnx.INodeProto): void {
    const op = n.opType ?? '';
    const where = `ONNX node '${n.name || n.output?.[0] || op}'`;
    if (n.domain && n.domain !== 'ai.onnx') fail(`${where}: op ${n.domain}.${op} is not supported (custom domain)`);
    const at = new Attributes(n, where.replace(/^ONNX /, ''));
    const inputs = n.input ?? [];
    const out = n.output?.[0] ?? '';
    // Constant folding: ops whose inputs are all constants (shape arithmetic) produce constants.
    if (op === 'Constant') return this.setConst(out, constNode(at, where));
    if (inputs.length > 0 && inputs.every((i) => !i || this.consts.has(i)) && op !== 'Shape') {
      return this.setConst(out, fold(op, inputs.map((i) => (i ? this.consts.get(i) : undefined)), at, where, SUPPORTED_OPS));
    }
    if (op === 'Shape') {
      if (inputs[0] !== this.stream.name) fail(`${where}: Shape of ${inputs[0]}, which is not the running tensor`);
      return this.setConst(out, shapeOf(this.stream.dims, at));
    }
    // Add is commutative: PyTorch writes the bias first.
    const x = op === 'Add' && inputs[1] === this.stream.name ? inputs[1] : inputs[0];
    if (x !== this.stream.name) {
      fail(`${where}: op ${op} reads ${x}, which is not the previous layer's output (only a chain of layers is supported)`);
    }
    if ((this.readers.get(x) ?? 0) > 1) fail(`${where}: ${x} feeds several nodes (only a chain of layers is supported)`);
    const arg = (k: number, what: string) => this.constArg(inputs[k], `${where}: ${what}`);
    if (this.pendingAffine() && !PASS_AFFINE.has(op)) {
      fail(`${where}: input normalisation is supported only right before the first Conv, Gemm or MatMul, not before ${op}`);
    }
    switch (op) {
      case 'Identity':
        return this.continueAs(out);
      case 'Dropout':
        if (inputs[2] && this.consts.get(inputs[2])?.ints?.[0]) fail(`${where}: Dropout in training mode`);
        return this.continueAs(out);
      case 'Gemm':
        return this.gemm(n, at, where, arg(1, 'B'), inputs[2] ? arg(2, 'C') : undefined);
      case 'MatMul':
        return this.matmul(n, where, arg(1, 'B'));
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div': {
        const c = inputs.map((i) => (i === x ? undefined : this.consts.get(i))).find(Boolean);
        if (op === 'Add' && this.open) return this.add(where, out, c);
        return this.normalize(op, where, out, c, inputs[0] === x);
      }
      case 'Conv':
        return this.conv(n, at, where, arg(1, 'W'), inputs[2] ? arg(2, 'B') : undefined);
      case 'MaxPool':
        return this.maxPool(n, at, where);
      case 'AveragePool':
      case 'GlobalAveragePool':
        return this.averagePool(n, at, where, op === 'GlobalAveragePool');
      case 'BatchNormalization':
        return this.batchNorm(at, where, out, [1, 2, 3, 4].map((k) => arg(k, 'statistics')));
      case 'Relu':
      case 'Tanh':
      case 'Sigmoid':
        return this.activation(n, where, op.toLowerCase() as ActivationName);
      case 'LeakyRelu':
        return this.leakyRelu(n, at, where);
      case 'Elu':
        if (at.float('alpha', 1) !== 1) fail(`${where}: Elu with alpha ${at.float('alpha', 1)} is not supported (alpha 1, PyTorch's default, is)`);
        return this.activation(n, where, 'elu');
      case 'Softmax':
      case 'LogSoftmax':
        this.checkSoftmaxAxis(at, where);
        return this.activation(n, where, 'softmax');
      case 'Flatten':
        return this.flatten(n, at, where);
      case 'Reshape':
        return this.reshape(n, at, where, arg(1, 'shape'));
      case 'Transpose':
        return this.transpose(n, at, where);
      case 'Pad':
        return this.pad(n, at, where);
      default: {
        const why = ENGINE_LACKS[op] ? ` (${ENGINE_LACKS[op]})` : '';
        return fail(`${where}: op ${op} is not supported${why}; supported: ${SUPPORTED_OPS.join(', ')}`);
      }
    }
  }

  /** The stream continues under another name (Identity, Dropout, a reshape that changes nothing in memory). */
  private continueAs(name: string, change: Partial<Stream> = {}): void {
    this.stream = { ...this.stream, ...change, name };
  }

  private layerName(n: onnx.INodeProto, op: string): string {
    // PyTorch names nodes by module path ("/conv1/Conv", "/0/Gemm"); keep that, readable as a layer name.
    const base = (n.name ?? '').replace(/^\/+/, '').replace(/[^A-Za-z0-9_.-]+/g, '_') || `${op}_${this.layers.length}`;
    let name = base;
    for (let k = 1; this.names.has(name); k++) name = `${base}_${k}`;
    this.names.add(name);
    return name;
  }

  private push(layer: LayerSpec, params?: LayerParams): void {
    if (this.layers.length >= 64) fail('the model has more than 64 layers');
    this.layers.push(layer);
    if (params) this.params.set(layer.name, params);
    this.open = layer.kind === 'Dense' || layer.kind === 'Conv2D' ? layer : undefined;
  }

  private needFlat(where: string, op: string): number {
    if (this.stream.image) fail(`${where}: ${op} on a ${this.stream.dims.join('×')} map; flatten it first`);
    return size(this.stream.dims);
  }

  /** Adds a Flatten layer when the engine's tensor is still an image. */
  private flattenLayer(n: onnx.INodeProto): void {
    this.push({ kind: 'Flatten', name: this.layerName(n, 'Flatten') });
  }

  // Dense ---------------------------------------------------------------------------------------------------------

  private gemm(n: onnx.INodeProto, at: Attributes, where: string, b: Const, c: Const | undefined): void {
    const k = this.needFlat(where, 'Gemm');
    if (at.int('transA', 0) !== 0) fail(`${where}: Gemm with transA=1 is not supported`);
    const transB = at.int('transB', 0) !== 0;
    const alpha = at.float('alpha', 1);
    const beta = at.float('beta', 1);
    const w = this.weights(b, where, 'B');
    if (b.dims.length !== 2) fail(`${where}: B has shape [${b.dims}], expected a matrix`);
    const [rows, cols] = transB ? [b.dims[1], b.dims[0]] : b.dims;
    if (rows !== k) fail(`${where}: B has shape [${b.dims}] but the input has ${k} features`);
    const kernel = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) kernel[i * cols + j] = alpha * (transB ? w[j * rows + i] : w[i * cols + j]);
    }
    const bias = c ? this.broadcastBias(c, cols, where).map((v) => beta * v) : undefined;
    this.dense(n, 'Gemm', kernel, cols, bias);
  }

  private matmul(n: onnx.INodeProto, where: string, b: Const): void {
    const k = this.needFlat(where, 'MatMul');
    const w = this.weights(b, where, 'B');
    if (b.dims.length !== 2 || b.dims[0] !== k) fail(`${where}: B has shape [${b.dims}] but the input has ${k} features`);
    // The features must be on the last axis (MatMul contracts it); leading 1s are fine.
    if (this.stream.dims.at(-1) !== k) fail(`${where}: MatMul over an axis that is not the features'`);
    this.dense(n, 'MatMul', w.slice(), b.dims[1], undefined, this.stream.dims.length);
  }

  /** Appends a Dense layer, re-ordering its kernel rows if its input is a flattened map (see the header). */
  private dense(n: onnx.INodeProto, op: string, kernel: Float32Array, units: number, bias?: Float32Array, rank = 1): void {
    ({ kernel, bias } = this.foldAffine(kernel, units, bias, `ONNX node '${n.name}'`, false));
    const chw = this.stream.chw;
    if (chw && !sameFlattenOrder(chw)) kernel = permuteRows(kernel, chw, units);
    const name = this.layerName(n, op);
    this.push({ kind: 'Dense', name, units, activation: 'linear', useBias: !!bias }, { kernel, bias });
    this.continueAs(n.output![0], { dims: [...Array(rank - 1).fill(1), units], image: false, chw: undefined });
  }

  /**
   * x·a + b by scalars before any layer (a model that normalises its own input): kept as scale and shift, and folded
   * into the first Gemm/MatMul/Conv (foldAffine). Anywhere else these ops are refused.
   */
  private normalize(op: string, where: string, out: string, c: Const | undefined, streamFirst: boolean): void {
    const v = c?.f32 && c.f32.length === 1 ? c.f32[0] : undefined;
    const first = this.layers.every((l) => l.kind === 'Flatten');
    if (v === undefined || !first || (!streamFirst && (op === 'Sub' || op === 'Div'))) {
      fail(`${where}: ${op} is supported only as the bias of the layer before it, or as input normalisation by a scalar before the first layer`);
    }
    const a = this.affine;
    if (op === 'Add') a.shift += v!;
    if (op === 'Sub') a.shift -= v!;
    if (op === 'Mul') (a.scale *= v!), (a.shift *= v!);
    if (op === 'Div') (a.scale /= v!), (a.shift /= v!);
    if (!Number.isFinite(a.scale) || !Number.isFinite(a.shift)) fail(`${where}: input normalisation by ${v}`);
    this.continueAs(out);
  }

  private pendingAffine(): boolean {
    return this.affine.scale !== 1 || this.affine.shift !== 0;
  }

  /**
   * The first layer sees a·x + b: W(a·x + b) + c = (a·W)x + (c + b·ΣW). Exact for Dense and 'valid' convs; a 'same'
   * conv pads with zeros where the model padded its normalised input, so a shift cannot be folded there.
   */
  private foldAffine(kernel: Float32Array, units: number, bias: Float32Array | undefined, where: string, padded: boolean) {
    const { scale, shift } = this.affine;
    if (!this.pendingAffine()) return { kernel, bias };
    // A ZeroPadding2D before this layer (a Pad op) pads the normalised input with zeros, as a padded conv does.
    padded ||= this.layers.some((l) => l.kind === 'ZeroPadding2D');
    if (shift !== 0 && padded) fail(`${where}: input normalisation (a shift) before a padded Conv cannot be folded; the engine would need a normalisation layer`);
    const sums = new Float64Array(units);
    kernel.forEach((w, i) => (sums[i % units] += w));
    this.affine = { scale: 1, shift: 0 };
    return {
      kernel: kernel.map((w) => w * scale),
      bias: shift === 0 ? bias : Float32Array.from(sums, (s, u) => (bias?.[u] ?? 0) + shift * s),
    };
  }

  /** Add of a constant right after a conv/dense is its bias (MatMul + Add is how some exporters write Linear). */
  private add(where: string, out: string, c: Const | undefined): void {
    const layer = this.open;
    if (!c || !layer || layer.activation !== 'linear') {
      fail(`${where}: Add is supported only as the bias of the Conv/MatMul just before it`);
    }
    const units = layer!.kind === 'Dense' ? layer!.units : layer!.filters;
    const values = this.broadcastBias(c!, units, where, this.stream.image);
    this.addBias(layer!, values);
    this.continueAs(out);
  }

  private addBias(layer: Conv2DSpec | DenseSpec, values: Float32Array): void {
    const p = this.params.get(layer.name)!;
    if (p.bias) p.bias = p.bias.map((v, i) => v + values[i]);
    else p.bias = values.slice();
    layer.useBias = true;
  }

  /** A bias constant of shape [u], [1,u], [u,1,1], [1,u,1,1] or a scalar → u values. */
  private broadcastBias(c: Const, units: number, where: string, image = false): Float32Array {
    const w = this.weights(c, where, 'bias');
    const n = size(c.dims);
    const axis = image ? c.dims.length - 3 : c.dims.length - 1; // channels of an NCHW map, or the last axis
    const ok = n === 1 || (n === units && (c.dims.length === 0 || c.dims[axis] === units));
    if (!ok) fail(`${where}: a bias of shape [${c.dims}] does not match ${units} ${image ? 'channels' : 'units'}`);
    return n === 1 ? new Float32Array(units).fill(w[0]) : w.slice();
  }

  // Conv and pooling ----------------------------------------------------------------------------------------------

  private conv(n: onnx.INodeProto, at: Attributes, where: string, wc: Const, b: Const | undefined): void {
    if (!this.stream.image) fail(`${where}: Conv on a flat vector`);
    const [c, h, w] = this.stream.dims;
    const weights = this.weights(wc, where, 'W');
    if (wc.dims.length !== 4) fail(`${where}: only 2-D convolutions are supported (W is [${wc.dims}])`);
    const [co, ci, kh, kw] = wc.dims;
    if (at.int('group', 1) !== 1) fail(`${where}: grouped convolutions (group ${at.int('group', 1)}) are not supported`);
    if (ci !== c) fail(`${where}: W has ${ci} input channels, the input has ${c}`);
    const dil = at.ints('dilations', [1, 1])!;
    if (dil.some((d) => d !== 1)) fail(`${where}: dilations [${dil}] are not supported`);
    const ks = at.ints('kernel_shape', [kh, kw])!;
    if (ks[0] !== kh || ks[1] !== kw) fail(`${where}: kernel_shape [${ks}] does not match W [${wc.dims}]`);
    const strides = at.ints('strides', [1, 1])!;
    if (strides.length !== 2 || strides[0] !== strides[1] || strides[0] < 1) {
      fail(`${where}: strides [${strides}] are not supported (the engine's convolutions take one stride, the same both ways)`);
    }
    const s = strides[0];
    const { padding, oh, ow, explicit } = this.convPadding(at, where, [h, w], [kh, kw], s);
    if (explicit) this.padLayer(n, where, explicit);
    const padded = (padding === 'same' && (kh > 1 || kw > 1)) || !!explicit;
    const { kernel, bias } = this.foldAffine(relayConvKernel(weights, wc.dims), co, b ? this.broadcastBias(b, co, where) : undefined, where, padded);
    const layer: Conv2DSpec = {
      kind: 'Conv2D', name: this.layerName(n, 'Conv'), filters: co, kernelSize: [kh, kw], strides: s, padding,
      activation: 'linear', useBias: !!bias,
    };
    this.push(layer, { kernel, bias });
    this.continueAs(n.output![0], { dims: [co, oh, ow] });
  }

  /**
   * ONNX pads (or auto_pad) → the engine's 'valid' or 'same', when they compute the same outputs: the same output
   * size and the same padding before the first row and column (padding after the last is zeros either way).
   */
  private convPadding(at: Attributes, where: string, [h, w]: number[], [kh, kw]: number[], s: number) {
    const auto = at.string('auto_pad', 'NOTSET');
    const size = (x: number, k: number, before: number, after: number) => Math.floor((x + before + after - k) / s) + 1;
    let pads: number[];
    if (auto === 'VALID') pads = [0, 0, 0, 0];
    else if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
      const total = (x: number, k: number) => Math.max((Math.ceil(x / s) - 1) * s + k - x, 0);
      const [th, tw] = [total(h, kh), total(w, kw)];
      const lower = auto === 'SAME_LOWER';
      const before = (t: number) => (lower ? t - (t >> 1) : t >> 1);
      pads = [before(th), before(tw), th - before(th), tw - before(tw)];
    } else if (auto === 'NOTSET') pads = at.ints('pads', [0, 0, 0, 0])!;
    else return fail(`${where}: auto_pad ${auto} is not supported`);
    if (pads.length !== 4 || pads.some((p) => p < 0)) fail(`${where}: pads [${pads}] are not supported (4 sizes ≥ 0)`);
    const oh = size(h, kh, pads[0], pads[2]);
    const ow = size(w, kw, pads[1], pads[3]);
    if (oh < 1 || ow < 1) fail(`${where}: a ${kh}×${kw} kernel with pads [${pads}] does not fit ${h}×${w}`);
    for (const padding of ['valid', 'same'] as const) {
      const tf = convGeometry({ kernelSize: [kh, kw], strides: s, padding } as Conv2DSpec, h, w);
      if (tf.oh === oh && tf.ow === ow && tf.padTop === pads[0] && tf.padLeft === pads[1]) return { padding, oh, ow };
    }
    // Neither (PyTorch's stride-2 padding=1 on an even size pads the top row, TensorFlow's 'same' only the bottom;
    // asymmetric pads): zeros of their own, then a 'valid' conv. Pads past the last window are never read.
    return { padding: 'valid' as const, oh, ow, explicit: pads };
  }

  /**
   * A ZeroPadding2D layer from ONNX pads [top, left, bottom, right]: a Pad node's own, or the padding of node `n`'s
   * conv or pool (named after it).
   */
  private padLayer(n: onnx.INodeProto, where: string, [t, l, b, r]: number[]): void {
    if (!this.stream.image) fail(`${where}: padding a flat vector`);
    const [c, h, w] = this.stream.dims;
    const name = n.opType === 'Pad' ? this.layerName(n, 'Pad') : this.layerName({ name: `${n.name || n.opType}_pad` }, 'Pad');
    const layer: ZeroPadding2DSpec = { kind: 'ZeroPadding2D', name, padding: [[t, b], [l, r]] };
    this.push(layer);
    this.stream = { ...this.stream, dims: [c, h + t + b, w + l + r] };
  }

  /** Pad with zeros on the two spatial axes (constant mode, value 0): a ZeroPadding2D layer. */
  private pad(n: onnx.INodeProto, at: Attributes, where: string): void {
    const inputs = n.input ?? [];
    const mode = at.string('mode', 'constant');
    // opset < 11: pads and value are attributes; 11+: inputs (pads, constant_value, and from 18 axes).
    const pads = inputs[1] ? this.constArg(inputs[1], `${where}: pads`).ints : at.ints('pads', undefined);
    const value = inputs[2] ? this.constArg(inputs[2], `${where}: constant_value`).f32?.[0] : at.float('value', 0);
    if (!pads || pads.length !== 8 || pads.some((p) => typeof p !== 'number')) return fail(`${where}: Pad needs 8 constant pads (NCHW)`);
    const [n0, c0, t, l, n1, c1, b, r] = pads as number[];
    if (inputs[3]) fail(`${where}: Pad with an axes input is not supported`);
    if (mode !== 'constant' || value !== 0) fail(`${where}: only zero padding is supported (Pad mode ${mode}, value ${value})`);
    if (n0 || c0 || n1 || c1) fail(`${where}: Pad [${pads}] pads the batch or the channels; only rows and columns can be padded`);
    if ([t, l, b, r].some((p) => p < 0)) fail(`${where}: Pad [${pads}] crops (negative pads are not supported)`);
    if (t + l + b + r > 0) this.padLayer(n, where, [t, l, b, r]);
    this.continueAs(n.output![0]);
  }

  private maxPool(n: onnx.INodeProto, at: Attributes, where: string): void {
    if ((n.output ?? []).filter(Boolean).length > 1 && this.readers.has(n.output![1])) fail(`${where}: MaxPool indices are not supported`);
    const dil = at.ints('dilations', [1, 1])!;
    if (dil.some((d) => d !== 1)) fail(`${where}: MaxPool dilations [${dil}] are not supported`);
    const { pool, strides, oh, ow } = this.poolWindow(n, at, where, false);
    this.push({ kind: 'MaxPooling2D', name: this.layerName(n, 'MaxPool'), ...poolFields(pool, strides) });
    this.continueAs(n.output![0], { dims: [this.stream.dims[0], oh, ow] });
  }

  /**
   * AveragePool: the engine's average pooling over 'valid' windows. Pads count as zeros when count_include_pad=1
   * (a ZeroPadding2D layer before the pool computes exactly that); GlobalAveragePool is one window over the map.
   */
  private averagePool(n: onnx.INodeProto, at: Attributes, where: string, global: boolean): void {
    if (!this.stream.image) fail(`${where}: ${n.opType} on a flat vector`);
    const [c, h, w] = this.stream.dims;
    const window = global ? { pool: [h, w], strides: [h, w], oh: 1, ow: 1 } : this.poolWindow(n, at, where, true);
    this.push({ kind: 'AveragePooling2D', name: this.layerName(n, n.opType!), ...poolFields(window.pool, window.strides) });
    this.continueAs(n.output![0], { dims: [c, window.oh, window.ow] });
  }

  /**
   * A pool's window, strides and output size, 'valid' with the floor rule (what the engine's pooling computes).
   * ceil_mode is accepted where it gives the same size. Pads: refused for MaxPool (they pad with −∞); for
   * AveragePool with count_include_pad=1 they become a ZeroPadding2D layer (the average then counts the zeros).
   */
  private poolWindow(n: onnx.INodeProto, at: Attributes, where: string, average: boolean) {
    const op = n.opType;
    if (!this.stream.image) fail(`${where}: ${op} on a flat vector`);
    const pool = at.ints('kernel_shape', [])!;
    const strides = at.ints('strides', [1, 1])!; // ONNX's default is 1, not the window
    if (pool.length !== 2 || strides.length !== 2 || [...pool, ...strides].some((v) => v < 1)) {
      fail(`${where}: ${op} kernel_shape [${pool}] strides [${strides}] are not 2-D`);
    }
    if (at.string('auto_pad', 'NOTSET') !== 'NOTSET') fail(`${where}: ${op} auto_pad ${at.string('auto_pad', '')} is not supported (give pads)`);
    const pads = at.ints('pads', [0, 0, 0, 0])!;
    if (pads.length !== 4 || pads.some((p) => p < 0)) fail(`${where}: ${op} pads [${pads}] are not supported`);
    if (pads.some((p) => p > 0)) {
      if (!average) fail(`${where}: MaxPool with pads [${pads}] is not supported (it pads with −∞; the engine pools 'valid' windows only)`);
      if (at.int('count_include_pad', 0) === 0) {
        fail(`${where}: AveragePool with pads [${pads}] and count_include_pad=0 is not supported (PyTorch's count_include_pad=True is)`);
      }
      this.padLayer(n, where, pads);
    }
    const [, h, w] = this.stream.dims;
    const out = (x: number, k: number, s: number, round: (v: number) => number) => round((x - k) / s) + 1;
    const [oh, ow] = [out(h, pool[0], strides[0], Math.floor), out(w, pool[1], strides[1], Math.floor)];
    if (h < pool[0] || w < pool[1]) fail(`${where}: a ${pool.join('×')} ${op} window does not fit ${h}×${w}`);
    const ceil = at.int('ceil_mode', 0) !== 0;
    if (ceil && (out(h, pool[0], strides[0], Math.ceil) !== oh || out(w, pool[1], strides[1], Math.ceil) !== ow)) {
      fail(`${where}: ${op} with ceil_mode=1 on ${h}×${w} adds a partial window (the engine pools with floor; ceil_mode=False is supported)`);
    }
    return { pool, strides, oh, ow };
  }

  /** y = γ (x − μ) / √(σ² + ε) + β, folded into the conv/dense before it: scale its kernel's outputs, shift its bias. */
  private batchNorm(at: Attributes, where: string, out: string, stats: Const[]): void {
    const layer = this.open;
    if (!layer || layer.activation !== 'linear') {
      fail(`${where}: BatchNormalization can be folded only right after a Conv, Gemm or MatMul`);
    }
    if (at.int('training_mode', 0) !== 0) fail(`${where}: BatchNormalization in training mode`);
    const eps = at.float('epsilon', 1e-5);
    const units = layer!.kind === 'Dense' ? layer!.units : layer!.filters;
    const [gamma, beta, mean, variance] = stats.map((c, k) => {
      if (size(c.dims) !== units) fail(`${where}: statistic ${k + 1} has ${size(c.dims)} values, not ${units}`);
      return this.weights(c, where, 'statistics');
    });
    const p = this.params.get(layer!.name)!;
    const scale = Array.from(gamma, (g, i) => g / Math.sqrt(variance[i] + eps));
    // Both kernel layouts ([nIn, units] and [kh, kw, ci, co]) keep the output unit last.
    p.kernel = p.kernel.map((v, i) => v * scale[i % units]);
    const bias = p.bias ?? new Float32Array(units);
    p.bias = bias.map((b, i) => (b - mean[i]) * scale[i] + beta[i]);
    layer!.useBias = true;
    if (!p.kernel.every(Number.isFinite) || !p.bias.every(Number.isFinite)) fail(`${where}: folding gives non-finite weights`);
    this.continueAs(out);
  }

  // Activations ---------------------------------------------------------------------------------------------------

  private activation(n: onnx.INodeProto, where: string, act: ActivationName): void {
    if (act === 'softmax') this.needFlat(where, n.opType!);
    const layer = this.open;
    if (layer && layer.activation === 'linear') {
      layer.activation = act;
      this.continueAs(n.output![0]);
    } else {
      this.push({ kind: 'Activation', name: this.layerName(n, n.opType!), activation: act });
      this.continueAs(n.output![0]);
    }
    this.open = undefined; // nothing folds through an activation
  }

  /** LeakyRelu(alpha) → a LeakyReLU layer (the engine's activations take no parameter). */
  private leakyRelu(n: onnx.INodeProto, at: Attributes, where: string): void {
    const alpha = at.float('alpha', 0.01);
    if (!Number.isFinite(alpha)) fail(`${where}: LeakyRelu alpha ${alpha}`);
    this.push({ kind: 'LeakyReLU', name: this.layerName(n, 'LeakyRelu'), alpha });
    this.continueAs(n.output![0]);
  }

  /** The softmax must run over the class scores, not over a singleton axis. */
  private checkSoftmaxAxis(at: Attributes, where: string): void {
    const rank = this.stream.dims.length + 1;
    const dflt = this.opset >= 13 ? -1 : 1;
    let axis = at.int('axis', dflt);
    if (axis < 0) axis += rank;
    const dims = [0, ...this.stream.dims];
    // opset < 13 coerces to 2-D at `axis`; 13+ takes that one axis. Either way every other non-batch axis must be 1.
    const covered = this.opset >= 13 ? [axis] : dims.map((_, i) => i).filter((i) => i >= axis);
    const ok = axis >= 1 && axis < rank && dims.every((d, i) => i === 0 || d === 1 || covered.includes(i));
    if (!ok) fail(`${where}: softmax over axis ${axis} of [N,${this.stream.dims}] is not over the class scores`);
  }

  // Layout ops ----------------------------------------------------------------------------------------------------

  private flatten(n: onnx.INodeProto, at: Attributes, where: string): void {
    const rank = this.stream.dims.length + 1;
    let axis = at.int('axis', 1);
    if (axis < 0) axis += rank;
    // axis 0 makes [1, N·…] (mixes the batch); any axis > 1 must only gather 1s before it.
    if (axis < 1 || this.stream.dims.slice(0, axis - 1).some((d) => d !== 1)) fail(`${where}: Flatten with axis ${axis} mixes the batch`);
    this.toFlat(n, size(this.stream.dims));
  }

  private toFlat(n: onnx.INodeProto, features: number): void {
    if (this.stream.image) {
      const [c, h, w] = this.stream.dims;
      this.flattenLayer(n);
      this.continueAs(n.output![0], { dims: [features], image: false, chw: [c, h, w] as Chw });
    } else {
      this.continueAs(n.output![0], { dims: [features] });
    }
  }

  private reshape(n: onnx.INodeProto, at: Attributes, where: string, shapeConst: Const): void {
    const target = shapeConst.ints;
    if (!target || shapeConst.dims.length !== 1 || target.length < 2) fail(`${where}: Reshape needs a constant shape [N, …]`);
    const allowZero = at.int('allowzero', 0) !== 0;
    const current = [0, ...this.stream.dims];
    const features = size(this.stream.dims);
    // The first entry is the batch: 'N' (computed from the input), -1, 0 (copy), or the batch size the export fixed.
    const first = target![0];
    if (!(first === 'N' || first === -1 || (first === 0 && !allowZero) || first === 1)) {
      fail(`${where}: Reshape to [${target}] changes the batch dimension`);
    }
    const rest = target!.slice(1).map((d, i) => {
      if (d === 'N') return fail(`${where}: Reshape to [${target}] moves the batch dimension`);
      if (d === 0 && !allowZero) return current[i + 1] ?? fail(`${where}: Reshape to [${target}] copies a missing dim`);
      return d;
    });
    const unknown = rest.filter((d) => d === -1).length;
    if (unknown > 1 || (unknown === 1 && first === -1)) fail(`${where}: Reshape to [${target}] has two unknown dims`);
    if (unknown) {
      const known = size(rest.filter((d) => d !== -1));
      if (known <= 0 || features % known !== 0) fail(`${where}: Reshape to [${target}] does not fit ${features} values`);
      rest[rest.indexOf(-1)] = features / known;
    }
    if (size(rest) !== features || rest.some((d) => d < 0)) fail(`${where}: Reshape to [N,${rest}] does not fit ${features} values`);
    const nonOne = rest.filter((d) => d !== 1);
    if (nonOne.length <= 1) {
      this.toFlat(n, features);
      this.stream.dims = rest; // keeps any 1s (MatMul on [N,1,784] contracts the last axis)
      return;
    }
    if (this.stream.image && rest.join() === this.stream.dims.join()) return this.continueAs(n.output![0]);
    // A flat input reshaped to 1×H×W before any layer (x.view(-1, 1, 28, 28)): the engine takes the image as is.
    if (!this.stream.image && rest.length === 3 && rest[0] === 1 && this.layers.length === 0 && !this.stream.chw) {
      this.inputShape = [rest[1], rest[2], 1];
      return this.continueAs(n.output![0], { dims: rest, image: true });
    }
    fail(`${where}: Reshape of [N,${this.stream.dims}] to [N,${rest}] is not supported (only flattening)`);
  }

  private transpose(n: onnx.INodeProto, at: Attributes, where: string): void {
    const dims = [0, ...this.stream.dims];
    const perm = at.ints('perm', dims.map((_, i) => dims.length - 1 - i))!;
    const moved = perm.filter((p) => p === 0 || dims[p] !== 1);
    const relays = perm.length === dims.length && perm[0] === 0 && moved.every((p, i) => i === 0 || p > moved[i - 1]);
    if (!relays || (this.stream.image && perm.some((p, i) => p !== i))) {
      fail(`${where}: Transpose [${perm}] of [N,${this.stream.dims}] moves data (only transposes that re-lay 1s are supported)`);
    }
    this.continueAs(n.output![0], { dims: perm.slice(1).map((p) => dims[p]) });
  }

  // Constants -----------------------------------------------------------------------------------------------------

  private setConst(name: string, c: Const): void {
    this.consts.set(name, c);
  }

  private constArg(name: string | undefined, what: string): Const {
    const c = name ? this.consts.get(name) : undefined;
    if (!c) return fail(`${what} (${name || 'missing'}) must be a constant (an initializer)`);
    return c;
  }

  private weights(c: Const, where: string, what: string): Float32Array {
    if (!c.f32) return fail(`${where}: ${what} is not a float32 tensor`);
    return c.f32;
  }
}
