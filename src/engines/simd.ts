/** The AssemblyScript WebAssembly-SIMD engine behind the InferenceEngine interface. */
import type { EngineExports } from '../wasm/abi.ts';
import { Arena, instantiateEngine, simdSupported } from '../wasm/wasm.ts';
import { Network } from '../model/network.ts';
import type { LoadedModel } from '../model/spec.ts';
import type { InferenceEngine, InputGradients, ModelExtras, Prediction } from './types.ts';
import { HookIndex, type CacheOptions, type HookPoint, type HookRun, type Intervention } from '../interpret/hooks.ts';
import { allocateRun, applyEdit, applyEditGrad, planRun, type RunPlan } from '../interpret/hook-plan.ts';

/** Batch capacity planned per model: integrated gradients and SmoothGrad run their samples in chunks of this. */
const CAPACITY = 64;

export class SimdEngine implements InferenceEngine {
  readonly kind = 'simd' as const;
  private arena: Arena;
  private readonly models = new Map<string, LoadedModel>();
  private readonly nets = new Map<string, Network>();
  private readonly hooks = new Map<string, { index: HookIndex; extras: ModelExtras }>();

  private constructor(private readonly ex: EngineExports) {
    this.arena = new Arena(ex);
  }

  /** From the bytes of build/engine.wasm. */
  static async create(wasm: BufferSource): Promise<SimdEngine> {
    if (!simdSupported()) throw new Error('WebAssembly SIMD is not supported here');
    return new SimdEngine(await instantiateEngine(wasm));
  }

  async load(id: string, model: LoadedModel, extras: ModelExtras = {}): Promise<void> {
    this.hooks.set(id, { index: new HookIndex(model.spec), extras });
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

  hookPoints(id: string): HookPoint[] {
    this.network(id);
    return this.hooks.get(id)!.index.points.map((p) => ({ ...p, shape: [...p.shape] }));
  }

  async runWithCache(id: string, inputs: Float32Array, count: number, opts?: CacheOptions): Promise<HookRun> {
    return this.run(id, inputs, count, [], opts, 'all');
  }

  async runWithHooks(id: string, inputs: Float32Array, count: number, hooks: readonly Intervention[], opts?: CacheOptions): Promise<HookRun> {
    return this.run(id, inputs, count, hooks, opts, 'none');
  }

  /** Chunks of at most `capacity` inputs: forward with the edits, copy out, then backward from the objective. */
  private run(id: string, inputs: unknown, count: unknown, hooks: unknown, opts: CacheOptions | undefined, names: 'all' | 'none'): HookRun {
    const net = this.network(id);
    const { index, extras } = this.hooks.get(id)!;
    const inputSize = net.input.size;
    const plan = planRun(index, { inputs, count, inputSize, classes: net.classes, means: extras.means }, hooks, opts, names);
    const n = plan.count;
    const x = inputs as Float32Array;
    const out = allocateRun(plan, net.classes);
    for (let first = 0; first < n; first += net.capacity) {
      const items = Math.min(net.capacity, n - first);
      net.setInput(x.subarray(first * inputSize, (first + items) * inputSize), items);
      net.forward(items, {
        forward: (layer, site, v) => {
          const e = plan.edits.get(HookIndex.key({ layer, site }));
          if (e) applyEdit(e, v, first, items);
        },
      });
      out.logits.set(net.read(net.logits, 0, items), first * net.classes);
      out.probs.set(net.read(net.probs, 0, items), first * net.classes);
      for (const [key, ps] of plan.wanted) {
        const t = index.tensor(ps[0]);
        const b = net.tensor(t.layer, t.site);
        const v = net.read(b, 0, items);
        for (const p of ps) out.acts[p]!.set(v, first * b.size);
      }
      if (plan.objective) this.backward(net, plan, out, first, items);
    }
    return out;
  }

  private backward(net: Network, plan: RunPlan, out: HookRun, first: number, items: number): void {
    const o = plan.objective!;
    const from = o.kind === 'class' ? net.logitsTensor : o.tensor;
    const start = net.tensor(from.layer, from.site);
    if (o.kind === 'class') net.seedTarget(items, o.target);
    else net.seedGrad(start, o.seed, items);
    // The objective's value, from the (edited) forward values of its tensor.
    const v = net.read(start, 0, items);
    const seed = o.kind === 'unit' ? o.seed : undefined;
    for (let b = 0; b < items; b++) {
      let s = 0;
      if (seed) for (let i = 0; i < start.size; i++) s += seed[i] * v[b * start.size + i];
      else s = v[b * start.size + (o as { target: number }).target];
      out.objective![first + b] = s;
    }
    net.backwardFrom(items, from, {
      backward: (layer, site, g) => {
        const key = HookIndex.key({ layer, site });
        for (const p of plan.wanted.get(key) ?? []) out.grads![p]!.set(g, first * (g.length / items));
        const e = plan.edits.get(key);
        if (e) applyEditGrad(e, g, items);
      },
    });
    // Points computed after the objective are never visited: they keep the zero gradient they were allocated with.
  }

  network(id: string): Network {
    const n = this.nets.get(id);
    if (!n) throw new Error(`engine: model ${id} is not loaded`);
    return n;
  }

  dispose(): void {
    this.nets.clear();
    this.models.clear();
    this.hooks.clear();
  }
}
