/**
 * The representations the whole-network views look at, one per layer: the input, every layer's output (conv maps
 * flattened, NHWC order), and the logits for the final softmax layer (its probabilities would squash the geometry).
 * Flatten is skipped (the same numbers as the layer before it), as are Activation layers without a name of their own.
 */
import type { Network } from '../model/network.ts';

export interface Representation {
  /** The layer's name ('input' for the pixels; the final layer's name for its logits). */
  name: string;
  kind: 'Input' | 'Dense' | 'Conv2D' | 'MaxPooling2D' | 'Activation';
  /** Shape without the batch dimension, and its number of values. */
  shape: number[];
  dim: number;
  /** Where it lives in the network: the engine buffer's pointer (capacity × dim floats). */
  ptr: number;
  /** Step index (-1 for the input). */
  step: number;
  /** 'a': the layer's output; 'z': its pre-activation (the logits). */
  source: 'a' | 'z';
}

export function representations(net: Network): Representation[] {
  const out: Representation[] = [
    { name: 'input', kind: 'Input', shape: net.spec.inputShape, dim: net.input.size, ptr: net.input.ptr, step: -1, source: 'a' },
  ];
  const last = net.steps.length - 1;
  net.steps.forEach((s, i) => {
    if (s.spec.kind === 'Flatten') return;
    // The final softmax: its logits (z) are the representation, also for a trailing Activation('softmax').
    const isLast = i === last || (i === last - 1 && net.steps[last].spec.kind === 'Activation');
    if (i === last && s.spec.kind === 'Activation') return;
    const buf = isLast ? s.z : s.a;
    out.push({ name: s.spec.name, kind: s.spec.kind as Representation['kind'], shape: buf.shape, dim: buf.size, ptr: buf.ptr, step: i, source: isLast ? 'z' : 'a' });
  });
  return out;
}

export function findRepresentation(net: Network, name: string): Representation {
  const reps = representations(net);
  const r = reps.find((x) => x.name === name);
  if (!r) throw new Error(`no layer "${name}" in ${net.spec.name}; layers: ${reps.map((x) => x.name).join(', ')}`);
  return r;
}

/**
 * Runs the network over `count` images in batches of its capacity; `visit(start, n)` then reads any representation
 * of the batch with `view(rep)` (n × dim floats, a view into engine memory: copy what you keep) and the
 * probabilities with `probs()`.
 */
export function sweep(
  net: Network,
  images: Float32Array,
  count: number,
  visit: (start: number, n: number, view: (r: Representation) => Float32Array, probs: () => Float32Array) => void,
): void {
  const inSize = net.input.size;
  if (images.length < count * inSize) throw new Error(`sweep: ${images.length / inSize} images, asked for ${count}`);
  for (let start = 0; start < count; start += net.capacity) {
    const n = Math.min(net.capacity, count - start);
    net.setInput(images.subarray(start * inSize, (start + n) * inSize), n);
    net.forward(n);
    visit(
      start,
      n,
      (r) => net.arena.f32(r.ptr, n * r.dim),
      () => net.arena.f32(net.probs.ptr, n * net.classes),
    );
  }
}

/** The penultimate representation: the last one before the logits (where typicality is fitted). */
export function penultimate(net: Network): Representation {
  const reps = representations(net);
  return reps[reps.length - 2];
}
