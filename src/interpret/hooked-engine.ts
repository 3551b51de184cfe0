/**
 * An engine seen through interventions: predict and inputGradients of a model run under its hooks, so everything
 * built on the InferenceEngine interface (saliency maps, attributions) works on the intervened model unchanged.
 * The worker's analyze uses it for { hooks }. The hooks stay with this view; the engine itself is not changed.
 */
import type { InferenceEngine, InputGradients, Prediction } from '../engines/types.ts';
import type { LayerOutput, ModelSpec } from '../model/spec.ts';
import type { CacheOptions, HookPointName, Intervention } from './hooks.ts';

export function withHooks(
  engine: InferenceEngine,
  models: ReadonlyMap<string, { spec: ModelSpec; hooks: readonly Intervention[] }>,
): InferenceEngine {
  const of = (id: string) => models.get(id);
  return {
    kind: engine.kind,
    load: (id, model, extras) => engine.load(id, model, extras),
    hookPoints: (id) => engine.hookPoints(id),
    runWithCache: (id, inputs, count, opts) => {
      const m = of(id);
      if (!m) return engine.runWithCache(id, inputs, count, opts);
      return engine.runWithHooks(id, inputs, count, m.hooks, { ...opts, names: opts?.names ?? engine.hookPoints(id).map((p) => p.name) });
    },
    runWithHooks: (id, inputs, count, hooks, opts) => engine.runWithHooks(id, inputs, count, [...(of(id)?.hooks ?? []), ...hooks], opts),
    dispose: () => engine.dispose(),

    async predict(id, input, opts = {}): Promise<Prediction> {
      const m = of(id);
      if (!m) return engine.predict(id, input, opts);
      const names = opts.activations ? undefined : ([] as HookPointName[]);
      const r = await engine.runWithHooks(id, input, 1, m.hooks, { names: names ?? engine.hookPoints(id).map((p) => p.name) });
      const layers = opts.activations ? layerOutputs(m.spec, engine.hookPoints(id), r.acts) : undefined;
      return { logits: r.logits, probs: r.probs, ...(layers ? { layers } : {}) };
    },

    async inputGradients(id, inputs, count, target): Promise<InputGradients> {
      const m = of(id);
      if (!m) return engine.inputGradients(id, inputs, count, target);
      const input = engine.hookPoints(id)[0].name;
      const opts: CacheOptions = { names: [input], grads: { objective: { class: target } } };
      const r = await engine.runWithHooks(id, inputs, count, m.hooks, opts);
      return { grads: r.grads![input]!, logits: r.logits };
    },
  };
}

/** Prediction.layers from cached .pre/.out activations (each its own buffer, so each can be transferred). */
function layerOutputs(spec: ModelSpec, points: { name: string; shape: number[] }[], acts: Partial<Record<HookPointName, Float32Array>>): LayerOutput[] {
  const shapes = new Map(points.map((p) => [p.name, p.shape]));
  return spec.layers.map((l) => {
    const pre = acts[`${l.name}.pre`];
    return {
      name: l.name,
      kind: l.kind,
      ...('activation' in l ? { activation: l.activation } : {}),
      shape: shapes.get(`${l.name}.out`)!,
      ...(pre ? { pre: pre.slice() } : {}),
      out: acts[`${l.name}.out`]!.slice(),
    };
  });
}
