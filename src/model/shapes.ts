/** Shape inference for Sequential models: one place that knows how each layer maps shapes. */
import { LIMITS, type Conv2DSpec, type ModelSpec, type PoolingSpec } from './spec.ts';

export interface LayerShape {
  input: number[];
  output: number[];
}

/** TensorFlow's 'valid' / 'same' geometry for a convolution over an h×w input. */
export function convGeometry(l: Conv2DSpec, h: number, w: number) {
  const [kh, kw] = l.kernelSize;
  const s = l.strides;
  if (l.padding === 'valid') {
    return { oh: Math.ceil((h - kh + 1) / s), ow: Math.ceil((w - kw + 1) / s), padTop: 0, padLeft: 0 };
  }
  const oh = Math.ceil(h / s);
  const ow = Math.ceil(w / s);
  const padH = Math.max((oh - 1) * s + kh - h, 0);
  const padW = Math.max((ow - 1) * s + kw - w, 0);
  return { oh, ow, padTop: padH >> 1, padLeft: padW >> 1 };
}

/** A pooling layer's window and strides (2×2, stride 2 when not given) and its 'valid' output size over h×w. */
export function poolGeometry(l: PoolingSpec, h: number, w: number) {
  const [ph, pw] = l.poolSize ?? [2, 2];
  const [sh, sw] = l.strides ?? [2, 2];
  return { ph, pw, sh, sw, oh: Math.floor((h - ph) / sh) + 1, ow: Math.floor((w - pw) / sw) + 1 };
}

/** Input and output shape (no batch dimension) of every layer; throws when they do not chain. */
export function layerShapes(spec: ModelSpec): LayerShape[] {
  let shape = spec.inputShape;
  let params = 0;
  return spec.layers.map((l) => {
    const input = shape;
    const where = `layer ${l.name} (${l.kind})`;
    switch (l.kind) {
      case 'Dense':
        if (input.length !== 1) throw shapeError(`${where} needs a flat input, got [${input}]: add a Flatten layer`);
        params += input[0] * l.units + l.units;
        shape = [l.units];
        break;
      case 'Conv2D': {
        if (input.length !== 3) throw shapeError(`${where} needs an [h, w, c] input, got [${input}]`);
        const [h, w, c] = input;
        const { oh, ow } = convGeometry(l, h, w);
        if (oh < 1 || ow < 1) throw shapeError(`${where}: a ${l.kernelSize.join('×')} kernel does not fit [${input}]`);
        params += l.kernelSize[0] * l.kernelSize[1] * c * l.filters + l.filters;
        shape = [oh, ow, l.filters];
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        if (input.length !== 3) throw shapeError(`${where} needs an [h, w, c] input, got [${input}]`);
        const g = poolGeometry(l, input[0], input[1]);
        if (input[0] < g.ph || input[1] < g.pw) throw shapeError(`${where} cannot pool [${input}] with ${g.ph}×${g.pw} windows`);
        shape = [g.oh, g.ow, input[2]];
        break;
      }
      case 'ZeroPadding2D': {
        if (input.length !== 3) throw shapeError(`${where} needs an [h, w, c] input, got [${input}]`);
        const [[t, b], [left, r]] = l.padding;
        shape = [input[0] + t + b, input[1] + left + r, input[2]];
        if (shape[0] > LIMITS.maxDim || shape[1] > LIMITS.maxDim) throw shapeError(`${where} output [${shape}] is too large`);
        break;
      }
      case 'Flatten':
        shape = [input.reduce((a, b) => a * b, 1)];
        break;
      case 'Activation':
      case 'LeakyReLU':
        break;
    }
    if (params > LIMITS.maxParams) throw shapeError(`the model has more than ${LIMITS.maxParams} parameters`);
    if (size(shape) > LIMITS.maxUnits * 64) throw shapeError(`${where} output [${shape}] is too large`);
    return { input, output: shape };
  });
}

/** Kernel and bias shapes (TensorFlow.js layout) of each layer that has parameters, in order. */
export function paramShapes(spec: ModelSpec): Map<string, { kernel: number[]; bias?: number[] }> {
  const out = new Map<string, { kernel: number[]; bias?: number[] }>();
  layerShapes(spec).forEach(({ input }, i) => {
    const l = spec.layers[i];
    if (l.kind === 'Dense') {
      out.set(l.name, { kernel: [input[0], l.units], bias: l.useBias ? [l.units] : undefined });
    } else if (l.kind === 'Conv2D') {
      out.set(l.name, { kernel: [...l.kernelSize, input[2], l.filters], bias: l.useBias ? [l.filters] : undefined });
    }
  });
  return out;
}

export const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function shapeError(msg: string): Error {
  const e = new Error(`model file: ${msg}`);
  e.name = 'ModelFormatError';
  return e;
}
