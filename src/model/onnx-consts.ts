/**
 * Constants of an ONNX graph: initializers, Constant nodes, and what ops compute from constants alone — the shape
 * arithmetic exporters write (`x.view(x.size(0), -1)` with a dynamic batch: Shape → Gather → Unsqueeze → Concat;
 * F.pad / ZeroPad2d's pads re-ordered by ConstantOfShape → Concat → Reshape → Slice → Transpose → Reshape), and
 * weights transposed by a node rather than stored transposed. The batch size stays symbolic ('N').
 */
import { Attributes, fail, floats, ints, onnx, tensorDims } from './onnx-read.ts';

/** A constant: float data (weights) or integers, where an integer may be the symbolic batch size 'N'. */
export interface Const {
  dims: number[];
  f32?: Float32Array;
  ints?: (number | 'N')[];
}

export function constOf(t: onnx.ITensorProto): Const {
  const dims = tensorDims(t);
  const T = onnx.TensorProto.DataType;
  if (t.dataType === T.FLOAT) return { dims, f32: floats(t) };
  if (t.dataType === T.INT64 || t.dataType === T.INT32) return { dims, ints: ints(t) };
  if (t.dataType === T.BOOL) return { dims, ints: t.rawData?.length ? Array.from(t.rawData) : (t.int32Data ?? []).slice() };
  // Other types (doubles, strings…) are kept unread; using one as a weight or a shape fails clearly.
  return { dims };
}

export function constNode(at: Attributes, where: string): Const {
  const v = at.get('value');
  if (v?.t) return constOf(v.t);
  if (at.has('value_float')) return { dims: [], f32: new Float32Array([at.float('value_float', 0)]) };
  if (at.has('value_int')) return { dims: [], ints: [at.int('value_int', 0)] };
  if (at.has('value_ints')) {
    const a = at.ints('value_ints', [])!;
    return { dims: [a.length], ints: a };
  }
  if (at.has('value_floats')) {
    const a = at.get('value_floats')!.floats ?? [];
    return { dims: [a.length], f32: Float32Array.from(a) };
  }
  return fail(`${where}: Constant without a value this importer reads`);
}

/** Shape of the running tensor: [N, …dims] (opset 15's start/end slice it). */
export function shapeOf(dims: number[], at: Attributes): Const {
  const full: (number | 'N')[] = ['N', ...dims];
  const rank = full.length;
  const clamp = (v: number) => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
  const sliced = full.slice(clamp(at.int('start', 0)), clamp(at.int('end', rank)));
  return { dims: [sliced.length], ints: sliced };
}

/** An op on constants only. `supported` is the importer's list, for the message. */
export function fold(op: string, args: (Const | undefined)[], at: Attributes, where: string, supported: readonly string[]): Const {
  const [a, b] = args;
  const need = (c: Const | undefined): (number | 'N')[] => c?.ints ?? fail(`${where}: ${op} on non-integer constants is not supported`);
  switch (op) {
    case 'Identity':
    case 'Cast':
      return a!;
    case 'Gather': {
      if (at.int('axis', 0) !== 0 || a!.dims.length !== 1) fail(`${where}: Gather is supported only on 1-D shapes`);
      const data = need(a);
      const idx = need(b).map((i) => (i === 'N' ? fail(`${where}: bad index`) : i < 0 ? i + data.length : i));
      if (idx.some((i) => i < 0 || i >= data.length)) fail(`${where}: Gather index out of range`);
      return { dims: b!.dims, ints: idx.map((i) => data[i]) };
    }
    case 'Unsqueeze':
    case 'Squeeze': {
      // Only on scalars and 1-D shapes, which is what shape arithmetic needs.
      const data = need(a);
      if (a!.dims.length > 1) fail(`${where}: ${op} of a ${a!.dims.length}-D constant is not supported`);
      return op === 'Squeeze' && data.length === 1 ? { dims: [], ints: data } : { dims: [data.length], ints: data };
    }
    case 'Concat': {
      const parts = args.map(need);
      return { dims: [parts.reduce((n, p) => n + p.length, 0)], ints: parts.flat() };
    }
    case 'Transpose':
      return transposeConst(a!, at, where);
    case 'ConstantOfShape': {
      const shape = need(a).map((d) => (typeof d === 'number' && d >= 0 ? d : fail(`${where}: ConstantOfShape of [${need(a)}]`)));
      const n = shape.reduce((x, y) => x * y, 1);
      if (n > 1 << 16) fail(`${where}: ConstantOfShape of [${shape}] is too large for a shape constant`);
      const v = at.get('value')?.t;
      const value = v ? constOf(v) : { dims: [1], f32: new Float32Array(1) }; // default: float 0
      if (value.ints) return { dims: shape, ints: new Array(n).fill(value.ints[0] ?? 0) };
      if (value.f32) return { dims: shape, f32: new Float32Array(n).fill(value.f32[0] ?? 0) };
      return fail(`${where}: ConstantOfShape with a value of an unsupported type`);
    }
    case 'Reshape': {
      const total = a!.dims.reduce((x, y) => x * y, 1);
      const target = need(b).map((d, i) => (d === 'N' ? fail(`${where}: Reshape of a constant to a batch size`) : d === 0 ? a!.dims[i] : d));
      const known = target.filter((d) => d !== -1).reduce((x, y) => x * y, 1);
      const dims = target.map((d) => (d === -1 ? total / known : d));
      if (target.filter((d) => d === -1).length > 1 || dims.some((d) => !Number.isInteger(d) || d < 0) || dims.reduce((x, y) => x * y, 1) !== total) {
        fail(`${where}: Reshape of a [${a!.dims}] constant to [${target}]`);
      }
      return { ...a!, dims };
    }
    case 'Slice':
      return sliceConst(a!, args.slice(1), at, where, need);
    default:
      return fail(`${where}: op ${op} on constants is not supported; supported: ${supported.join(', ')}`);
  }
}

/**
 * A constant transposed: floats (some exporters store a Linear's weight as is and transpose it in the graph) or
 * integers (the pads of F.pad go through a Transpose).
 */
function transposeConst(c: Const, at: Attributes, where: string): Const {
  const rank = c.dims.length;
  const perm = at.ints('perm', [...Array(rank).keys()].reverse())!;
  if ((!c.f32 && !c.ints) || perm.length !== rank || [...perm].sort((x, y) => x - y).some((p, i) => p !== i)) fail(`${where}: bad Transpose of a constant`);
  const dims = perm.map((p) => c.dims[p]);
  const strides = c.dims.map((_, i) => c.dims.slice(i + 1).reduce((x, y) => x * y, 1));
  return gather(c, dims, (idx) => idx.reduce((from, v, i) => from + v * strides[perm[i]], 0));
}

/** Slice of a constant (opset 10+: starts, ends, axes, steps inputs; before: attributes). */
function sliceConst(c: Const, rest: (Const | undefined)[], at: Attributes, where: string, need: (c: Const | undefined) => (number | 'N')[]): Const {
  const nums = (v: (number | 'N')[]) => v.map((x) => (x === 'N' ? fail(`${where}: Slice by the batch size`) : x));
  const [starts, ends, axes, steps] = rest[0]
    ? rest.map((r) => (r ? nums(need(r)) : undefined))
    : [at.ints('starts', []), at.ints('ends', []), at.ints('axes', undefined), undefined];
  const rank = c.dims.length;
  const from = c.dims.map(() => 0);
  const step = c.dims.map(() => 1);
  const dims = c.dims.slice();
  (axes ?? starts!.map((_, i) => i)).forEach((axis, k) => {
    const ax = axis < 0 ? axis + rank : axis;
    const d = c.dims[ax];
    const st = steps?.[k] ?? 1;
    if (ax < 0 || ax >= rank || st === 0) fail(`${where}: Slice on axis ${axis} of a [${c.dims}] constant`);
    // ONNX clamps starts and ends (INT64_MAX / INT64_MIN mean "to the end") to [0, d] going forward, [−1, d − 1] backward.
    const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v < 0 ? v + d : v));
    const [lo, hi] = st > 0 ? [0, d] : [-1, d - 1];
    const s0 = clamp(starts![k], lo, hi), e0 = clamp(ends![k], lo, hi);
    from[ax] = s0;
    step[ax] = st;
    dims[ax] = Math.max(0, Math.ceil((e0 - s0) / st));
  });
  const strides = c.dims.map((_, i) => c.dims.slice(i + 1).reduce((x, y) => x * y, 1));
  return gather(c, dims, (idx) => idx.reduce((o, v, i) => o + (from[i] + v * step[i]) * strides[i], 0));
}

/** A constant of shape `dims` whose element at each index (odometer order) is `c`'s at `source(index)`. */
function gather(c: Const, dims: number[], source: (idx: number[]) => number): Const {
  const n = dims.reduce((x, y) => x * y, 1);
  const idx = new Array<number>(dims.length).fill(0);
  const order: number[] = [];
  for (let k = 0; k < n; k++) {
    order.push(source(idx));
    for (let i = dims.length - 1; i >= 0 && ++idx[i] === dims[i]; i--) idx[i] = 0;
  }
  return c.f32 ? { dims, f32: Float32Array.from(order, (i) => c.f32![i]) } : { dims, ints: order.map((i) => c.ints![i]) };
}
