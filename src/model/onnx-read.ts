/**
 * Reading ONNX files: bytes → the protobuf messages of the official onnx.proto, and the few accessors the converter
 * (onnx.ts) needs: tensors as float32 or integers, attributes by name. The decoder is protobufjs's static code
 * generated from onnx.proto (`npm run gen:onnx-proto`): it runs without eval, so it also runs under the extension's
 * CSP. Every failure is a ModelFormatError whose message starts with "ONNX".
 */
import { onnx } from './onnx-proto.js';
import { ModelFormatError } from './format.ts';
import { LIMITS } from './spec.ts';

export { onnx };
export type Long = { toNumber(): number };
export type IntLike = number | Long;

/** The oldest and newest default-domain opsets accepted (PyTorch 1.13 writes 9–17, 2.x up to 18). */
export const OPSETS = { min: 9, max: 18 };

/** Messages start with "ONNX": "ONNX node 'x': …" as they are, anything else as "ONNX: …". */
export const onnxError = (msg: string): ModelFormatError =>
  new ModelFormatError(msg.startsWith('ONNX ') ? msg : `ONNX: ${msg}`);
export const fail = (msg: string): never => {
  throw onnxError(msg);
};

export const int = (v: IntLike | null | undefined): number => (v == null ? 0 : typeof v === 'number' ? v : v.toNumber());

/** Decodes and sanity-checks a model file: a protobuf ModelProto with a graph and a default-domain opset. */
export function decodeModel(bytes: Uint8Array): { model: onnx.ModelProto; opset: number } {
  if (bytes.byteLength === 0) fail('the file is empty');
  // A model.json or other text file is a common mistake: say so rather than report a wire-format error.
  if (bytes[0] === 0x7b) fail('this is not an ONNX file (it starts with "{": a JSON file? open model.json as such)');
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    return fail(`not an ONNX model, or the file is truncated (${(e as Error).message})`);
  }
  if (int(model.irVersion) < 3 || !model.graph) fail('not an ONNX model (no IR version or no graph)');
  const opsets = model.opsetImport.filter((o) => !o.domain || o.domain === 'ai.onnx');
  if (opsets.length !== 1) fail('the model does not declare the default ONNX opset');
  const opset = int(opsets[0].version);
  if (opset < OPSETS.min || opset > OPSETS.max) {
    fail(`opset ${opset} is not supported (${OPSETS.min} to ${OPSETS.max}; export with opset_version=17)`);
  }
  return { model, opset };
}

/** A tensor's dimensions, checked (no negative sizes, no absurd totals). */
export function tensorDims(t: onnx.ITensorProto): number[] {
  const dims = (t.dims ?? []).map(int);
  const total = dims.reduce((a, b) => a * b, 1);
  if (dims.some((d) => d < 0) || total > LIMITS.maxParams) fail(`tensor ${t.name} has bad dimensions [${dims}]`);
  return dims;
}

function checkStoredHere(t: onnx.ITensorProto): void {
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData?.length ?? 0) > 0) {
    fail(`tensor ${t.name} is stored in an external data file; export the model as one file (small models are)`);
  }
}

/** A FLOAT tensor's values (raw_data little-endian, or float_data). */
export function floats(t: onnx.ITensorProto): Float32Array {
  checkStoredHere(t);
  const size = tensorDims(t).reduce((a, b) => a * b, 1);
  if (t.dataType !== onnx.TensorProto.DataType.FLOAT) {
    fail(`tensor ${t.name} is ${dataTypeName(t.dataType)}; only float32 weights are supported`);
  }
  let out: Float32Array;
  if (t.rawData && t.rawData.byteLength > 0) {
    if (t.rawData.byteLength !== size * 4) fail(`tensor ${t.name} holds ${t.rawData.byteLength} bytes, not ${size * 4}`);
    out = new Float32Array(copyBytes(t.rawData)); // ONNX raw data is little-endian, like wasm and every browser's CPU
  } else {
    out = Float32Array.from(t.floatData ?? []);
    if (out.length !== size) fail(`tensor ${t.name} holds ${out.length} values, not ${size}`);
  }
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) fail(`tensor ${t.name} holds ${out[bad]} at index ${bad}`);
  return out;
}

/** An INT64 / INT32 tensor's values (shapes, axes, indices). */
export function ints(t: onnx.ITensorProto): number[] {
  checkStoredHere(t);
  const size = tensorDims(t).reduce((a, b) => a * b, 1);
  const T = onnx.TensorProto.DataType;
  let out: number[];
  if (t.rawData && t.rawData.byteLength > 0) {
    const width = t.dataType === T.INT64 ? 8 : t.dataType === T.INT32 ? 4 : 0;
    if (!width) fail(`tensor ${t.name} is ${dataTypeName(t.dataType)}, expected integers`);
    if (t.rawData.byteLength !== size * width) fail(`tensor ${t.name} holds ${t.rawData.byteLength} bytes, not ${size * width}`);
    const copy = copyBytes(t.rawData);
    out = width === 8 ? Array.from(new BigInt64Array(copy), Number) : Array.from(new Int32Array(copy));
  } else if (t.dataType === T.INT64) {
    out = (t.int64Data ?? []).map(int);
  } else if (t.dataType === T.INT32) {
    out = [...(t.int32Data ?? [])];
  } else {
    return fail(`tensor ${t.name} is ${dataTypeName(t.dataType)}, expected integers`);
  }
  if (out.length !== size) fail(`tensor ${t.name} holds ${out.length} values, not ${size}`);
  return out;
}

/** An aligned copy of exactly these bytes. NOTE: not `.slice().buffer`: in Node, protobufjs hands out Buffers, whose
 * slice() is a view into a larger pooled ArrayBuffer. */
function copyBytes(b: Uint8Array): ArrayBuffer {
  return new Uint8Array(b).buffer;
}

export function dataTypeName(type: number | null | undefined): string {
  return (onnx.TensorProto.DataType as unknown as Record<number, string>)[type ?? 0] ?? `type ${type}`;
}

/** A node's attributes by name, typed by the attribute's declared type. */
export class Attributes {
  private readonly byName: Map<string, onnx.IAttributeProto>;

  constructor(
    node: onnx.INodeProto,
    private readonly where: string,
  ) {
    this.byName = new Map((node.attribute ?? []).map((a) => [a.name ?? '', a]));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  int(name: string, dflt: number): number {
    const a = this.byName.get(name);
    if (!a) return dflt;
    if (a.type !== onnx.AttributeProto.AttributeType.INT) fail(`${this.where}: attribute ${name} is not an integer`);
    return int(a.i);
  }

  float(name: string, dflt: number): number {
    const a = this.byName.get(name);
    if (!a) return dflt;
    if (a.type !== onnx.AttributeProto.AttributeType.FLOAT) fail(`${this.where}: attribute ${name} is not a float`);
    return a.f ?? dflt;
  }

  ints(name: string, dflt: number[] | undefined): number[] | undefined {
    const a = this.byName.get(name);
    if (!a) return dflt;
    if (a.type !== onnx.AttributeProto.AttributeType.INTS) fail(`${this.where}: attribute ${name} is not a list of integers`);
    return (a.ints ?? []).map(int);
  }

  string(name: string, dflt: string): string {
    const a = this.byName.get(name);
    if (!a) return dflt;
    if (a.type !== onnx.AttributeProto.AttributeType.STRING) fail(`${this.where}: attribute ${name} is not a string`);
    return new TextDecoder().decode(a.s ?? new Uint8Array());
  }

  get(name: string): onnx.IAttributeProto | undefined {
    return this.byName.get(name);
  }
}
