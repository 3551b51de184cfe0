// The whole worker round trip as the popup uses it: one 28×28 input, both models, every layer's activations and a
// gradient saliency map, through Comlink into a Node worker thread and back (transfers included). Measured per
// call (median and p95) with the SIMD engine, then with TensorFlow.js wasm for comparison, and in-process (no
// worker) to show what the thread hop costs. Target: median ≤ 1 ms with the SIMD engine.
import { existsSync } from 'node:fs';
import { createNodeClient } from '../worker/client-node.ts';
import { createService } from '../worker/service.ts';
import { BUNDLED_MODELS, nodeDeps } from '../worker/node-deps.ts';
import type { AnalyzeOptions, EngineChoice, ModelId, ModelSource, SeeingDigitsApi } from '../worker/api.ts';
import { cnnSpec, initModel, mlpSpec } from '../src/train/architectures.ts';
import { serializeModel } from '../src/model/format.ts';
import type { LoadedModel } from '../src/model/spec.ts';
import { fmtTime, printTable, type Row } from './report.ts';
import { addRow, interleave, quantile, timed } from './rows.ts';
import { IMAGE_SIDE, INPUT_SIZE, MODEL_IDS } from '../src/model/shipped.ts';

const OPTS: AnalyzeOptions = { models: [...MODEL_IDS], activations: true, saliency: { method: 'gradient' } };
const CASE = 'analyze 28×28: mlp + cnn, all activations, gradient map';

/** The trained models when they exist, else the shipped architectures with seeded weights. */
function models(): { sources: Record<ModelId, ModelSource>; trained: boolean } {
  const url = (id: ModelId) => new URL(`${id}/model.json`, BUNDLED_MODELS);
  const trained = MODEL_IDS.every((id) => existsSync(url(id)));
  if (trained) return { sources: { mlp: { url: url('mlp').href }, cnn: { url: url('cnn').href } }, trained };
  const files = (m: LoadedModel): ModelSource => {
    const { modelJson, weightData } = serializeModel(m);
    return { modelJson, weights: weightData };
  };
  return { sources: { mlp: files(initModel(mlpSpec(), 1)), cnn: files(initModel(cnnSpec(), 2)) }, trained };
}

/** A stroke-like input (not all zeros: relu/tanh paths and saliency see real values). */
function input(): Float32Array {
  const x = new Float32Array(INPUT_SIZE);
  for (let r = 5; r < 23; r++) for (let c = 12; c < 16; c++) x[r * IMAGE_SIDE + c + ((r - 5) >> 3)] = 0.9;
  return x;
}

/** Per-call times in µs: `warmup` unrecorded calls, then `n` timed one by one. */
async function sample(api: SeeingDigitsApi, n: number, warmup: number): Promise<number[]> {
  const x = input();
  for (let i = 0; i < warmup; i++) await api.analyze({ kind: 'mnist', pixels: x.slice() }, OPTS);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const pixels = x.slice();
    const t0 = performance.now();
    const r = await api.analyze({ kind: 'mnist', pixels }, OPTS);
    times.push((performance.now() - t0) * 1000);
    if (!r.ok) throw new Error(r.message);
  }
  return times.sort((a, b) => a - b);
}

export async function benchWorker({ n = 300, warmup = 30 } = {}): Promise<void> {
  const { sources, trained } = models();
  const rows: Row[] = [];
  const add = (impl: string, times: number[]) => {
    rows.push({ name: `${CASE} (median)`, impl, us: quantile(times, 0.5) });
    rows.push({ name: `${CASE} (p95)`, impl, us: quantile(times, 0.95) });
  };
  const runs: [string, EngineChoice, boolean][] = [
    ['simd via worker', 'simd', true],
    ['simd in-process', 'simd', false],
    ['tfjs-wasm via worker', 'tfjs-wasm', true],
  ];
  for (const [impl, engine, viaWorker] of runs) {
    const fast = engine === 'simd';
    if (viaWorker) {
      const client = createNodeClient({ timeoutMs: 30_000 });
      try {
        await client.init({ engine, models: sources });
        add(impl, await sample(client, fast ? n : n / 10, fast ? warmup : warmup / 3));
      } finally {
        client.close();
      }
    } else {
      const service = createService(nodeDeps({ defaultModels: {} }));
      await service.init({ engine, models: sources });
      add(impl, await sample(service, n, warmup));
    }
  }
  printTable(`Worker round trip (${trained ? 'trained models' : 'shipped architectures, seeded weights'})`, rows);
  const median = rows[0].us;
  console.log(`\nSIMD via worker: median ${fmtTime(median)} — target ≤ 1 ms: ${median <= 1000 ? 'met' : 'NOT met'}`);
}

/**
 * worker-roundtrip rows: the same analyze call through the worker (simd, tfjs-wasm) and in-process (simd), interleaved.
 * On the CPU clock (bench/rows.ts) the worker rows count both threads' work: what the round trip costs the machine.
 */
export async function benchRoundtrip(): Promise<void> {
  const { sources } = models();
  const x = input();
  const call = (api: SeeingDigitsApi) => async () => {
    const r = await api.analyze({ kind: 'mnist', pixels: x.slice() }, OPTS);
    if (!r.ok) throw new Error(r.message);
  };
  const simdWorker = createNodeClient({ timeoutMs: 30_000 });
  const tfjsWorker = createNodeClient({ timeoutMs: 30_000 });
  const service = createService(nodeDeps({ defaultModels: {} }));
  try {
    await simdWorker.init({ engine: 'simd', models: sources });
    await tfjsWorker.init({ engine: 'tfjs-wasm', models: sources });
    await service.init({ engine: 'simd', models: sources });
    const ms = await interleave([
      { engine: 'simd', run: timed(call(simdWorker)) },
      { engine: 'simd-in-process', run: timed(call(service)) },
      { engine: 'tfjs-wasm', run: timed(call(tfjsWorker)) },
    ]);
    for (const [engine, perCall] of ms) {
      const inProcess = engine === 'simd-in-process';
      addRow({ case: inProcess ? 'roundtrip-in-process' : 'worker-roundtrip', model: 'mlp+cnn', engine: inProcess ? 'simd' : engine, median: perCall * 1000, unit: 'µs' });
    }
  } finally {
    simdWorker.close();
    tfjsWorker.close();
  }
}
