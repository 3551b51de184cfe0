// Compile-time checks of the worker API, run by `npx tsc -p .` (never executed): correct use compiles, and each
// `@ts-expect-error` line proves a misuse does NOT compile (tsc fails if such a line stops being an error).
import type { Remote } from 'comlink';
import type { AnalyzeResult, EngineInfo, HookPoint, HookPointName, HookRun, Intervention, ModelResult, Objective, SeeingDigitsApi } from '../../worker/api.ts';
import type { SeeingDigitsClient } from '../../worker/client.ts';
import { createService } from '../../worker/service.ts';
import type { EngineKind } from '../../src/engines/types.ts';

declare const client: SeeingDigitsClient;
declare const remote: Remote<SeeingDigitsApi>;
const pixels = new Float32Array(784);

// The Comlink remote, the restarting client and the in-process service are the same API.
export const sameApi: SeeingDigitsApi[] = [remote, client, createService({ loadModel: null!, simdWasm: null! })];

export async function correctUse(): Promise<void> {
  const info: EngineInfo = await client.init({ engine: 'auto', models: { mlp: { url: '/models/mlp/model.json' } } });
  const kind: EngineKind = info.kind;
  await client.init({ models: { cnn: { modelJson: {}, weights: new ArrayBuffer(8) } }, wasm: { simd: '/engine.wasm' } });
  const r: AnalyzeResult = await client.analyze({ kind: 'mnist', pixels }, { models: ['cnn'], saliency: { method: 'smoothgrad', steps: 16 } });
  if (r.ok) {
    const m: ModelResult = r.models[0];
    const probs: Float32Array = m.probs;
    const map: Float32Array | undefined = m.saliency?.map;
    void [probs, map, r.engine satisfies EngineKind];
  } else {
    const reason: 'blank' | 'several-digits' | 'too-large' | 'invalid' = r.reason;
    void reason;
  }
  await client.analyze({ kind: 'image', image: { width: 1, height: 1, data: new Uint8ClampedArray(4) } });
  void kind;
}

export async function misuse(): Promise<void> {
  // @ts-expect-error: no such engine
  await client.init({ engine: 'gpu' });
  // @ts-expect-error: no such model
  await client.init({ models: { rnn: { url: 'x' } } });
  // @ts-expect-error: a model source is { url } or { modelJson, weights }
  await client.init({ models: { mlp: { path: 'x' } } });
  // @ts-expect-error: weights are an ArrayBuffer
  await client.init({ models: { mlp: { modelJson: {}, weights: [1, 2] } } });
  // @ts-expect-error: pixels are a Float32Array
  await client.analyze({ kind: 'mnist', pixels: [0, 1] });
  // @ts-expect-error: an image needs width, height and RGBA data
  await client.analyze({ kind: 'image', image: { data: new Uint8ClampedArray(4) } });
  // @ts-expect-error: no such input kind
  await client.analyze({ kind: 'png', bytes: new Uint8Array(4) });
  // @ts-expect-error: no such saliency method
  await client.analyze({ kind: 'mnist', pixels }, { saliency: { method: 'lime' } });
  // @ts-expect-error: models are ids
  await remote.analyze({ kind: 'mnist', pixels }, { models: ['resnet'] });
  // @ts-expect-error: the API has no such method
  await remote.train();
  const r = await remote.analyze({ kind: 'mnist', pixels });
  // @ts-expect-error: results exist only when ok
  void r.models;
  // @ts-expect-error: every call is asynchronous
  const info: EngineInfo = client.engine();
  void info;
}

export async function hooksUse(): Promise<void> {
  const points: HookPoint[] = await client.hookPoints('cnn');
  const name: HookPointName = points[0].name;
  const hooks: Intervention[] = [
    { at: 'hidden1.out', units: [1, 2], mode: 'zero' },
    { at: 'conv2.out', channels: [3], mode: 'mean' },
    { at: 'hidden2.pre', mode: 'scale', factor: 0.5 },
    { at: name, mode: 'patch', values: new Float32Array(128) },
  ];
  const objective: Objective = { layer: 'conv2', channel: 4 };
  const run: HookRun = await remote.runWithCache('cnn', pixels, { names: ['conv2.pre'], grads: { objective } });
  const grad: Float32Array | undefined = run.grads?.['conv2.pre'];
  const logits: Float32Array = (await client.runWithHooks('mlp', pixels, hooks, { grads: { objective: { class: 3 } } })).logits;
  await client.analyze({ kind: 'mnist', pixels }, { hooks: { mlp: hooks } });
  void [grad, logits];
}

export async function hooksMisuse(): Promise<void> {
  // @ts-expect-error: a hook point name is "<layer>.in|pre|out"
  await client.runWithCache('mlp', pixels, { names: ['hidden1'] });
  // @ts-expect-error: no such intervention mode
  await client.runWithHooks('mlp', pixels, [{ at: 'hidden1.out', mode: 'erase' }]);
  // @ts-expect-error: patch values are a Float32Array
  await client.runWithHooks('mlp', pixels, [{ at: 'hidden1.out', mode: 'patch', values: [1, 2] }]);
  // @ts-expect-error: an objective is { class } or { layer, unit } or { layer, channel }
  await client.runWithCache('mlp', pixels, { grads: { objective: { unit: 3 } } });
  // @ts-expect-error: hooks are per model id
  await client.analyze({ kind: 'mnist', pixels }, { hooks: { resnet: [] } });
  // @ts-expect-error: inputs are a Float32Array
  await remote.runWithCache('mlp', [0, 1]);
}

export async function attributeUse(): Promise<void> {
  const r = await client.attribute('cnn', { kind: 'mnist', pixels }, { method: 'grad-cam', target: { layer: 'hidden', unit: 3 }, layer: 'conv2' });
  if (r.ok) {
    const map: Float32Array = r.map;
    const base: number | undefined = r.baselineScore;
    void [map, base];
  }
  await remote.attribute('mlp', { kind: 'mnist', pixels }, { method: 'integrated-gradients', steps: 64, baseline: 'blur' });
  // @ts-expect-error: no such method
  await client.attribute('cnn', { kind: 'mnist', pixels }, { method: 'lime' });
  // @ts-expect-error: no such baseline
  await client.attribute('cnn', { kind: 'mnist', pixels }, { method: 'integrated-gradients', baseline: 'grey' });
  // @ts-expect-error: a target is { class } or { layer, unit } or { layer, channel }
  await client.attribute('cnn', { kind: 'mnist', pixels }, { method: 'gradient', target: 3 });
}
