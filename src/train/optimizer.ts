/** Adam and SGD over a Network's parameters, on the engine's optim kernels (state lives in engine memory). */
import type { Network, ParamBufs } from '../model/network.ts';

export type OptimizerName = 'adam' | 'sgd';

/**
 * A part of the parameters as a range of the flat vector (kernel then bias, layer by layer: parallel-grads.ts's
 * layout), for an optimizer that updates only its share (data-parallel training, one share per replica).
 */
export interface ParamRange {
  from: number;
  to: number;
}

export interface OptimizerState {
  name: OptimizerName;
  step: number;
  /** Adam's first and second moments (or SGD's velocity in m), parameter by parameter, kernel then bias. */
  m: Float32Array[];
  v: Float32Array[];
}

interface Slot {
  w: number;
  g: number;
  m: number;
  v: number;
  len: number;
}

export class Optimizer {
  private readonly slots: Slot[];
  step = 0;

  constructor(
    private readonly net: Network,
    readonly name: OptimizerName,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly eps = 1e-7,
    readonly momentum = 0.9,
    /** Only these parameters (its state only for them); all when not given. */
    part?: ParamRange,
  ) {
    const { from, to } = part ?? { from: 0, to: Infinity };
    let offset = 0;
    // The piece of one parameter tensor (at `offset` in the flat vector) inside the part, or nothing.
    const slot = (w: number, g: number, len: number): Slot[] => {
      const a = Math.max(from - offset, 0), b = Math.min(to - offset, len);
      offset += len;
      if (a >= b) return [];
      const s = { w: w + 4 * a, g: g + 4 * a, m: net.arena.alloc(b - a), v: net.arena.alloc(b - a), len: b - a };
      net.arena.f32(s.m, s.len).fill(0);
      net.arena.f32(s.v, s.len).fill(0);
      return [s];
    };
    this.slots = net.params.flatMap((p: ParamBufs) => [
      ...slot(p.kernel, p.dKernel, p.kernelLen),
      ...(p.biasLen ? slot(p.bias, p.dBias, p.biasLen) : []),
    ]);
  }

  /** An optimizer of `part` of the parameters only, with the default hyper-parameters. */
  static forPart(net: Network, name: OptimizerName, part: ParamRange): Optimizer {
    return new Optimizer(net, name, undefined, undefined, undefined, undefined, part);
  }

  /** One update from the gradients the last backward pass left; re-packs the kernels. */
  apply(lr: number): void {
    this.update(lr);
    this.net.repack();
  }

  /** The update alone (the dense kernels are left unpacked: the caller repacks once all parts are in). */
  update(lr: number): void {
    const ex = this.net.ex;
    this.step++;
    if (this.name === 'adam') {
      const bc1 = 1 - this.beta1 ** this.step;
      const bc2 = 1 - this.beta2 ** this.step;
      for (const s of this.slots) ex.adamStep(s.w, s.g, s.m, s.v, s.len, lr, this.beta1, this.beta2, this.eps, bc1, bc2);
    } else {
      for (const s of this.slots) ex.sgdStep(s.w, s.g, s.m, s.len, lr, this.momentum);
    }
  }

  state(): OptimizerState {
    const a = this.net.arena;
    return {
      name: this.name,
      step: this.step,
      m: this.slots.map((s) => a.f32(s.m, s.len).slice()),
      v: this.slots.map((s) => a.f32(s.v, s.len).slice()),
    };
  }

  restore(state: OptimizerState): void {
    if (state.name !== this.name || state.m.length !== this.slots.length) {
      throw new Error(`checkpoint: optimizer state (${state.name}) does not fit this ${this.name} run`);
    }
    const a = this.net.arena;
    this.slots.forEach((s, i) => {
      if (state.m[i].length !== s.len) throw new Error('checkpoint: optimizer state does not fit the model');
      a.f32(s.m, s.len).set(state.m[i]);
      a.f32(s.v, s.len).set(state.v[i]);
    });
    this.step = state.step;
  }
}
