/**
 * What a neuron is wired to, from the model's parameters in TensorFlow.js layout: Dense kernels [nIn, nOut]
 * (row-major, so input i → unit u is kernel[i·nOut + u]) and Conv2D kernels [kh, kw, cIn, cOut].
 */
import type { LoadedModel } from '../../src/model/spec.ts';
import { layerShapes } from '../../src/model/shapes.ts';

/** The nIn weights into Dense unit `u`. */
export function denseIncoming(kernel: Float32Array, nIn: number, nOut: number, u: number): Float32Array {
  check(kernel.length === nIn * nOut, `a ${nIn}×${nOut} kernel has ${nIn * nOut} weights, not ${kernel.length}`);
  check(u >= 0 && u < nOut, `unit ${u} is outside 0..${nOut - 1}`);
  const w = new Float32Array(nIn);
  for (let i = 0; i < nIn; i++) w[i] = kernel[i * nOut + u];
  return w;
}

/** Filter `u` of a Conv2D kernel as kh×kw×cIn, channels last (HWC, like the feature maps). */
export function convFilter(kernel: Float32Array, kh: number, kw: number, cIn: number, cOut: number, u: number): Float32Array {
  check(kernel.length === kh * kw * cIn * cOut, `a ${kh}×${kw}×${cIn}×${cOut} kernel has ${kh * kw * cIn * cOut} weights, not ${kernel.length}`);
  check(u >= 0 && u < cOut, `filter ${u} is outside 0..${cOut - 1}`);
  const f = new Float32Array(kh * kw * cIn);
  for (let i = 0; i < f.length; i++) f[i] = kernel[i * cOut + u];
  return f;
}

/**
 * The pixel pattern a second-layer neuron responds to, linearised: W₁ v, where v are its weights from the first
 * hidden layer and W₁ [nIn, nHidden] is the first layer's kernel. Exact for small inputs around 0, where tanh ≈
 * identity; a guide, not the whole story, once neurons saturate.
 */
export function composeDense(w1: Float32Array, nIn: number, nHidden: number, v: Float32Array): Float32Array {
  check(w1.length === nIn * nHidden, `a ${nIn}×${nHidden} kernel has ${nIn * nHidden} weights, not ${w1.length}`);
  check(v.length === nHidden, `${v.length} weights do not match ${nHidden} hidden units`);
  const out = new Float32Array(nIn);
  for (let i = 0; i < nIn; i++) {
    let s = 0;
    for (let j = 0; j < nHidden; j++) s += w1[i * nHidden + j] * v[j];
    out[i] = s;
  }
  return out;
}

/** max|v|, at least a tiny positive number so it can divide. */
export function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m || 1e-12;
}

function check(ok: boolean, msg: string): void {
  if (!ok) throw new Error(`weights: ${msg}`);
}

// ---------------------------------------------------------------------------------------------------------------
// A neuron's wiring in a whole model, shaped for display.

export type Incoming =
  /** One weight per input pixel / filter tap, as an h×w image (Dense on the flattened input, 1-channel conv). */
  | { kind: 'image'; h: number; w: number; values: Float32Array }
  /** HWC: one tile per input channel (conv filter over several channels, Dense on flattened feature maps). */
  | { kind: 'maps'; h: number; w: number; c: number; values: Float32Array }
  /** One weight per neuron of the previous Dense layer. */
  | { kind: 'cells'; from: string; values: Float32Array };

export interface Wiring {
  layer: string;
  kind: 'Dense' | 'Conv2D';
  units: number;
  incoming: Incoming;
  bias?: number;
  /** For Dense layers fed (through Dense layers only) by the 28×28 input: the linearised pixel pattern. */
  pixels?: Float32Array;
}

/** Layers whose units the Neurons tab can show (Dense and Conv2D), in order. */
export interface UnitLayer {
  name: string;
  kind: 'Dense' | 'Conv2D';
  units: number;
}

export function unitLayers(model: LoadedModel): UnitLayer[] {
  return model.spec.layers.flatMap((l): UnitLayer[] =>
    l.kind === 'Dense' ? [{ name: l.name, kind: 'Dense', units: l.units }] : l.kind === 'Conv2D' ? [{ name: l.name, kind: 'Conv2D', units: l.filters }] : [],
  );
}

export function wiring(model: LoadedModel, layerName: string, unit: number): Wiring {
  const shapes = layerShapes(model.spec);
  const i = model.spec.layers.findIndex((l) => l.name === layerName);
  const l = model.spec.layers[i];
  if (!l || (l.kind !== 'Dense' && l.kind !== 'Conv2D')) throw new Error(`weights: no Dense or Conv2D layer named "${layerName}"`);
  const p = model.params.get(l.name);
  if (!p) throw new Error(`weights: layer "${layerName}" has no parameters`);
  const bias = p.bias?.[unit];
  if (l.kind === 'Conv2D') {
    const [kh, kw] = l.kernelSize;
    const cIn = shapes[i].input[2];
    const values = convFilter(p.kernel, kh, kw, cIn, l.filters, unit);
    const incoming: Incoming = cIn === 1 ? { kind: 'image', h: kh, w: kw, values } : { kind: 'maps', h: kh, w: kw, c: cIn, values };
    return { layer: l.name, kind: 'Conv2D', units: l.filters, incoming, bias };
  }
  const nIn = shapes[i].input[0];
  const values = denseIncoming(p.kernel, nIn, l.units, unit);
  // What feeds this layer: skip Flatten/Activation back to the previous layer with its own shape.
  let j = i - 1;
  while (j >= 0 && (model.spec.layers[j].kind === 'Flatten' || model.spec.layers[j].kind === 'Activation')) j--;
  const src = j >= 0 ? shapes[j].output : model.spec.inputShape;
  let incoming: Incoming;
  if (j >= 0 && model.spec.layers[j].kind === 'Dense') incoming = { kind: 'cells', from: model.spec.layers[j].name, values };
  else if (src.length === 3 && src[2] === 1) incoming = { kind: 'image', h: src[0], w: src[1], values };
  else if (src.length === 3) incoming = { kind: 'maps', h: src[0], w: src[1], c: src[2], values };
  else incoming = { kind: 'cells', from: 'input', values };
  return { layer: l.name, kind: 'Dense', units: l.units, incoming, bias, pixels: pixelPattern(model, i, values) };
}

/** W₁ W₂ … v back through a chain of Dense layers to a flattened 1-channel image input, or undefined. */
function pixelPattern(model: LoadedModel, i: number, v: Float32Array): Float32Array | undefined {
  const shapes = layerShapes(model.spec);
  let out = v;
  for (let j = i - 1; j >= 0; j--) {
    const l = model.spec.layers[j];
    if (l.kind === 'Flatten' || l.kind === 'Activation') continue;
    if (l.kind !== 'Dense') return undefined;
    out = composeDense(model.params.get(l.name)!.kernel, shapes[j].input[0], l.units, out);
  }
  const inp = model.spec.inputShape;
  return inp.length === 3 && inp[2] === 1 && out.length === inp[0] * inp[1] && out !== v ? out : undefined;
}
