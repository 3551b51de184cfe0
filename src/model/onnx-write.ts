/**
 * ONNX export: a LoadedModel → an .onnx file (opset 13) as a PyTorch user expects it: NCHW input [N,1,28,28] (or
 * [N,784] for flat models), pixels in [0, 1], one output (the model's own: probabilities when it ends in softmax).
 * Node names are the layer names, so importing the file back (onnx.ts) gives the same layers.
 */
import { convGeometry, layerShapes } from './shapes.ts';
import type { LoadedModel } from './spec.ts';
import { onnx } from './onnx-read.ts';
import { permuteRows, relayConvKernel, sameFlattenOrder, type Chw } from './onnx-layout.ts';

export const EXPORT_OPSET = 13;

const OP_OF = { relu: 'Relu', tanh: 'Tanh', sigmoid: 'Sigmoid', softmax: 'Softmax', elu: 'Elu' } as const;

export function serializeOnnx(model: LoadedModel): Uint8Array {
  const { spec, params } = model;
  const shapes = layerShapes(spec);
  const nodes: onnx.INodeProto[] = [];
  const initializer: onnx.ITensorProto[] = [];
  const image = spec.inputShape.length === 3;
  const inputDims = image ? [spec.inputShape[2], spec.inputShape[0], spec.inputShape[1]] : spec.inputShape;
  let x = 'input';
  /** Set after a Flatten of a multi-channel map: the next Dense's rows go back to C·H·W order. */
  let flattened: Chw | undefined;

  const weight = (name: string, dims: number[], data: Float32Array) => {
    initializer.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.slice().buffer) });
    return name;
  };
  const node = (name: string, opType: string, inputs: string[], attribute: onnx.IAttributeProto[] = []) => {
    x = `${name}_out`; // never 'input' or 'output', whatever the layers are called
    nodes.push({ name, opType, input: inputs, output: [x], attribute });
  };
  const ints = (name: string, v: number[]): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
  const int = (name: string, v: number): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: v });

  spec.layers.forEach((l, k) => {
    const { input } = shapes[k];
    const p = params.get(l.name);
    switch (l.kind) {
      case 'Dense': {
        const chw = flattened;
        const kernel = chw && !sameFlattenOrder(chw) ? permuteRows(p!.kernel, chw, l.units, true) : p!.kernel;
        const inputs = [x, weight(`${l.name}.weight`, [input[0], l.units], kernel)];
        if (p!.bias) inputs.push(weight(`${l.name}.bias`, [l.units], p!.bias));
        node(l.name, 'Gemm', inputs);
        flattened = undefined;
        break;
      }
      case 'Conv2D': {
        const [h, w, c] = input;
        const [kh, kw] = l.kernelSize;
        const g = convGeometry(l, h, w);
        const s = l.strides;
        // The engine pads 'same' bottom/right first: write its pads explicitly, so every runtime agrees.
        const padBottom = Math.max((g.oh - 1) * s + kh - h - g.padTop, 0);
        const padRight = Math.max((g.ow - 1) * s + kw - w - g.padLeft, 0);
        const inputs = [x, weight(`${l.name}.weight`, [l.filters, c, kh, kw], relayConvKernel(p!.kernel, [l.filters, c, kh, kw], true))];
        if (p!.bias) inputs.push(weight(`${l.name}.bias`, [l.filters], p!.bias));
        node(l.name, 'Conv', inputs, [
          ints('kernel_shape', [kh, kw]),
          ints('strides', [s, s]),
          ints('pads', l.padding === 'valid' ? [0, 0, 0, 0] : [g.padTop, g.padLeft, padBottom, padRight]),
        ]);
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const op = l.kind === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool';
        node(l.name, op, [x], [ints('kernel_shape', l.poolSize ?? [2, 2]), ints('strides', l.strides ?? [2, 2])]);
        break;
      }
      case 'ZeroPadding2D': {
        const [[t, b], [left, r]] = l.padding;
        // NCHW pads: every axis's begin, then every axis's end (opset 11+ takes them as an int64 input).
        const pads = new BigInt64Array([0, 0, t, left, 0, 0, b, r].map(BigInt));
        initializer.push({ name: `${l.name}.pads`, dims: [8], dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(pads.buffer) });
        node(l.name, 'Pad', [x, `${l.name}.pads`]);
        break;
      }
      case 'LeakyReLU':
        node(l.name, 'LeakyRelu', [x], [{ name: 'alpha', type: onnx.AttributeProto.AttributeType.FLOAT, f: l.alpha }]);
        break;
      case 'Flatten':
        node(l.name, 'Flatten', [x], [int('axis', 1)]);
        if (input.length === 3) flattened = [input[2], input[0], input[1]];
        break;
      case 'Activation':
        break;
    }
    const act = l.kind === 'Dense' || l.kind === 'Conv2D' || l.kind === 'Activation' ? l.activation : 'linear';
    if (act !== 'linear') {
      const name = l.kind === 'Activation' ? l.name : `${l.name}_${act}`;
      node(name, OP_OF[act], [x], act === 'softmax' ? [int('axis', 1)] : []);
    }
  });
  if (nodes.length === 0) throw new Error('ONNX export: the model has no layers');
  nodes.at(-1)!.output = ['output'];
  const outDims = shapes.at(-1)!.output;
  if (outDims.length !== 1) throw new Error(`ONNX export: the model's output [${outDims}] is not a vector of class scores`);

  const valueInfo = (name: string, dims: number[]): onnx.IValueInfoProto => ({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: 'N' }, ...dims.map((d) => ({ dimValue: d }))] },
      },
    },
  });
  const proto: onnx.IModelProto = {
    irVersion: 7, // what opset 13 needs
    producerName: 'seeing-digits',
    producerVersion: '0.1.0',
    opsetImport: [{ domain: '', version: EXPORT_OPSET }],
    graph: {
      name: spec.name,
      node: nodes,
      initializer,
      input: [valueInfo('input', inputDims)],
      output: [valueInfo('output', outDims)],
    },
  };
  return onnx.ModelProto.encode(proto).finish();
}
