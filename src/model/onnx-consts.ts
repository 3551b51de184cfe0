/**
 * Constants of an ONNX graph: initializers, Constant nodes, and what ops compute from constants alone — the shape
 * arithmetic exporters write (`x.view(x.size(0), -1)` with a dynamic batch: Shape → Gather → Unsqueeze → Concat), and
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
    default:
      return fail(`${where}: op ${op} on constants is not supported; supported: ${supported.join(', ')}`);
  }
}

/** A float constant transposed (some exporters store a Linear's weight as is and transpose it in the graph). */
function transposeConst(c: Const, at: Attributes, where: string): Const {
  const rank = c.dims.length;
  const perm = at.ints('perm', [...Array(rank).keys()].reverse())!;
  if (!c.f32 || perm.length !== rank || [...perm].sort((x, y) => x - y).some((p, i) => p !== i)) fail(`${where}: bad Transpose of a constant`);
  const dims = perm.map((p) => c.dims[p]);
  const strides = c.dims.map((_, i) => c.dims.slice(i + 1).reduce((x, y) => x * y, 1));
  const out = new Float32Array(c.f32!.length);
  const idx = new Array<number>(rank).fill(0); // the output index, odometer style
  for (let k = 0; k < out.length; k++) {
    let from = 0;
    for (let i = 0; i < rank; i++) from += idx[i] * strides[perm[i]];
    out[k] = c.f32![from];
    for (let i = rank - 1; i >= 0 && ++idx[i] === dims[i]; i--) idx[i] = 0;
  }
  return { dims, f32: out };
}
