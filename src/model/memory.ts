/**
 * How much engine memory a model needs, computed from its spec before anything is allocated, so a model too large
 * for the engine is refused with a clear message instead of failing halfway through planning (a conv with 4096
 * filters once asked for more than 2 GiB and surfaced as "Start offset -1006226400 is outside the bounds").
 *
 * Mirrors Network's plan (src/model/network.ts): every tensor of `capacity` samples twice (value and gradient),
 * parameters four times at most (value, gradient, packed dense copy holding W and Wᵀ), the conv scratch.
 */
import type { EngineExports } from '../wasm/abi.ts';
import { MEMORY_LIMIT } from '../wasm/wasm.ts';
import { convGeometry, layerShapes, size } from './shapes.ts';
import type { ModelSpec } from './spec.ts';

type Sizing = Pick<EngineExports, 'densePackedLength' | 'conv2dScratchLength'>;

/** Bytes Network plans for `spec` at batch `capacity` (an upper bound: 16-byte alignment included). */
export function networkBytes(ex: Sizing, spec: ModelSpec, capacity: number): number {
  const shapes = layerShapes(spec);
  let floats = 0;
  let buffers = 0;
  const tensor = (shape: number[]) => ((floats += 2 * size(shape) * capacity), (buffers += 2));
  tensor(spec.inputShape);
  let scratch = 0;
  spec.layers.forEach((l, i) => {
    const { input, output } = shapes[i];
    if (l.kind === 'Dense' || l.kind === 'Conv2D') {
      tensor(output);
      if (l.activation !== 'linear') tensor(output);
      const kernel = l.kind === 'Dense' ? input[0] * l.units : l.kernelSize[0] * l.kernelSize[1] * input[2] * l.filters;
      const bias = l.useBias ? (l.kind === 'Dense' ? l.units : l.filters) : 0;
      floats += 2 * (kernel + bias);
      buffers += 4;
      if (l.kind === 'Dense') floats += ex.densePackedLength(input[0], l.units);
      else {
        const [h, w, c] = input;
        const g = convGeometry(l, h, w);
        scratch = Math.max(scratch, ex.conv2dScratchLength(capacity, h, w, c, ...l.kernelSize, l.filters, l.strides, g.padTop, g.padLeft, g.oh, g.ow));
      }
    } else if (l.kind !== 'Flatten') tensor(output);
  });
  const last = spec.layers[spec.layers.length - 1];
  if (!('activation' in last) || last.activation !== 'softmax') tensor(shapes[shapes.length - 1].output);
  floats += capacity + scratch; // labels, conv scratch
  buffers += 3;
  return floats * 4 + buffers * 16;
}

/** Throws a clear error when planning `spec` on top of `used` bytes would pass the engine's memory limit. */
export function checkNetworkMemory(ex: Sizing, spec: ModelSpec, capacity: number, used: number): void {
  const need = networkBytes(ex, spec, capacity);
  if (used + need > MEMORY_LIMIT) {
    throw new Error(
      `model ${spec.name} is too large for the engine: it needs ${mib(need)} of memory at batch ${capacity}` +
        `${used >= 2 ** 20 ? ` (${mib(used)} already in use)` : ''}, more than the ${mib(MEMORY_LIMIT)} limit`,
    );
  }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
