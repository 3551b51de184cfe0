/** The AssemblyScript WebAssembly-SIMD engine behind the InferenceEngine interface. */
import type { EngineExports } from '../wasm/abi.ts';
import { Arena, instantiateEngine, simdSupported } from '../wasm/wasm.ts';
import { Network } from '../model/network.ts';
import type { LoadedModel } from '../model/spec.ts';
import type { InferenceEngine, InputGradients, Prediction } from './types.ts';

/** Batch capacity planned per model: integrated gradients and SmoothGrad run their samples in chunks of this. */
const CAPACITY = 64;

export class SimdEngine implements InferenceEngine {
  readonly kind = 'simd' as const;
  private arena: Arena;
  private readonly models = new Map<string, LoadedModel>();
  private readonly nets = new Map<string, Network>();

  private constructor(private readonly ex: EngineExports) {
    this.arena = new Arena(ex);
  }

  /** From the bytes of build/engine.wasm. */
  static async create(wasm: BufferSource): Promise<SimdEngine> {
    if (!simdSupported()) throw new Error('WebAssembly SIMD is not supported here');
    return new SimdEngine(await instantiateEngine(wasm));
  }

  async load(id: string, model: LoadedModel): Promise<void> {
    if (this.models.has(id)) {
      // Replacing a model: plan every model's memory again from the start rather than leak the old layout.
      this.models.set(id, model);
      this.arena = new Arena(this.ex);
      this.nets.clear();
      for (const [k, m] of this.models) this.nets.set(k, new Network(this.arena, m, CAPACITY));
      return;
    }
    this.nets.set(id, new Network(this.arena, model, CAPACITY));
    this.models.set(id, model);
  }

  async predict(id: string, input: Float32Array, opts: { activations?: boolean } = {}): Promise<Prediction> {
    const net = this.network(id);
    net.setInput(input, 1);
    net.forward(1);
    return {
      logits: net.read(net.logits, 0),
      probs: net.read(net.probs, 0),
      ...(opts.activations ? { layers: net.layerOutputs(0) } : {}),
    };
  }

  async inputGradients(id: string, inputs: Float32Array, count: number, target: number): Promise<InputGradients> {
    const net = this.network(id);
    const inSize = net.input.size;
    const grads = new Float32Array(count * inSize);
    const logits = new Float32Array(count * net.classes);
    for (let start = 0; start < count; start += net.capacity) {
      const n = Math.min(net.capacity, count - start);
      net.setInput(inputs.subarray(start * inSize, (start + n) * inSize), n);
      net.forward(n);
      logits.set(net.read(net.logits, 0, n), start * net.classes);
      net.seedTarget(n, target);
      net.backward(n, { params: false, input: true });
      grads.set(net.readGrad(net.input, 0, n), start * inSize);
    }
    return { grads, logits };
  }

  network(id: string): Network {
    const n = this.nets.get(id);
    if (!n) throw new Error(`engine: model ${id} is not loaded`);
    return n;
  }

  dispose(): void {
    this.nets.clear();
    this.models.clear();
  }
}
