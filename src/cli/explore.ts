import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { ParseArgsOptionsConfig } from 'node:util';
import { loadMnist, type MnistSet } from '../data/mnist-node.ts';
import type { Network } from '../model/network.ts';
import { command, num, UsageError, type Parsed } from './args.ts';
import { openNetwork } from './network-node.ts';
import { isOnnxPath } from '../model/load-node.ts';
import { representations } from '../interpret/layers.ts';
import { predictAll, testMetrics } from '../interpret/metrics.ts';
import { linearProbes } from '../interpret/probe.ts';
import { layerPca } from '../interpret/pca.ts';
import { unitStats } from '../interpret/units.ts';
import { FILES, ATLAS_COLUMNS, DATA_VERSION, packBinary, QUANT, type PcaLayerHeader, type PcaLayersHeader } from '../interpret/explorer-data.ts';
import { typicalityFile } from './explore-typicality.ts';
import { Raster } from './raster.ts';
import { BOOT } from '../train/parallel.ts';

const WORKER = new URL('./explore-worker.ts', import.meta.url).href;

export const PARTS = ['metrics', 'probe', 'pca', 'units', 'typicality'] as const;
type Part = (typeof PARTS)[number];

const options = {
  model: { type: 'string' },
  only: { type: 'string' },
  out: { type: 'string' },
  threads: { type: 'string' },
} satisfies ParseArgsOptionsConfig;

export type ExploreValues = Parsed<typeof options>['values'];

/** Writes the explorer's precomputed data beside a model (over the MNIST test digits): the files of src/interpret/explorer-data.ts. */
export const exploreCommand = command(
  `  seeing-digits explore --model mlp|cnn|PATH [--only ${PARTS.join(',')}] [--out DIR]
                        (default: the model's folder; for an .onnx file, FILE.explore/) [--threads N]
      the parts run on N threads (default: 2 on a machine with 2 cores or more), the same files either way`,
  options,
  run,
);

async function run({ values }: Parsed<typeof options>): Promise<number> {
  const only = (values.only?.split(',') ?? PARTS) as Part[];
  const bad = only.filter((p) => !PARTS.includes(p));
  if (bad.length) throw new UsageError(`--only takes ${PARTS.join(',')}; not ${bad.join(',')}`);
  const threads = num(values.threads, 'threads', Math.min(2, availableParallelism()), { int: true, min: 1 });
  const [mine, ...others] = shareParts(only, threads);
  // The other groups on worker threads, each on its own engine instance; this thread runs the first.
  const done = others.map((parts) => onThread(values, parts));
  const results = await Promise.allSettled([exploreParts(values, mine), ...done]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return 0;
}

/** Runs the parts, writing their files (what one thread of `explore` does). */
export async function exploreParts(values: ExploreValues, only: Part[]): Promise<void> {
  if (!only.length) return;
  const { dir: modelDir, net } = await openNetwork(values.model, 'explore');
  // Beside the model; an .onnx file is not a folder, so its data goes to a folder named after it.
  const dir = values.out ?? (isOnnxPath(modelDir) ? `${modelDir.replace(/\.onnx$/i, '')}.explore` : modelDir);
  await mkdir(dir, { recursive: true });
  const test = loadMnist('test');
  const say = (s: string) => console.log(`${values.model}: ${s}`);
  const write = async (file: string, data: string | Uint8Array) => {
    await writeFile(join(dir, file), data);
    say(`${file} ${(data.length / 1024).toFixed(0)} KB`);
  };

  const atlas = new Set<number>();
  if (only.includes('units') || only.includes('metrics')) {
    const units = unitStats(net, test.images, test.labels, { top: 6, onLayer: (l) => say(`units of ${l} done`) });
    for (const l of units.layers) for (const list of [...l.topDigits, ...l.bottomDigits]) list.forEach((i) => atlas.add(i));
    if (only.includes('units')) await write(FILES.units, JSON.stringify(units) + '\n');
    const metrics = testMetrics(predictAll(net, test.images, test.labels));
    metrics.misclassified.forEach((m) => atlas.add(m.index));
    metrics.atlas = [...atlas].sort((a, b) => a - b);
    await write(FILES.testMetrics, JSON.stringify(metrics) + '\n');
    await write(FILES.digitsAtlas, digitAtlas(test, metrics.atlas));
    say(`test accuracy ${(metrics.accuracy * 100).toFixed(2)} %, ${metrics.misclassified.length} mistakes, ${metrics.confidentlyWrong} confidently wrong`);
  }
  let train: MnistSet | undefined;
  if (only.includes('probe')) {
    train ??= loadMnist('train');
    const probe = linearProbes(net, train, test, { onEpoch: (e) => say(`probe epoch ${e}`) });
    await write(FILES.probe, JSON.stringify(probe, null, 1) + '\n');
    say(`probe: ${probe.layers.map((l) => `${l.layer} ${(l.testAccuracy * 100).toFixed(2)} %`).join(', ')}`);
  }
  if (only.includes('pca')) {
    const { header, bytes } = pcaFiles(net, test);
    await write(FILES.pcaHeader, JSON.stringify(header) + '\n');
    await write(FILES.pcaData, bytes);
  }
  if (only.includes('typicality')) {
    train ??= loadMnist('train');
    const { header, bytes } = typicalityFile(net, train, test, say);
    await write(FILES.typicalityHeader, JSON.stringify(header, null, 1) + '\n');
    await write(FILES.typicalityData, bytes);
  }
}

/**
 * Relative cost of each part (seconds on the shipped CNN, one thread, this machine): the parts shared out over the
 * threads, the most expensive first to the least loaded thread. units and metrics go together (the metrics' digit
 * atlas takes the units' top digits).
 */
const COST: Record<Part, number> = { pca: 72, metrics: 30, units: 25, probe: 27, typicality: 25 };

export function shareParts(only: Part[], threads: number): Part[][] {
  const tasks: Part[][] = [];
  const together: Part[] = only.filter((p) => p === 'units' || p === 'metrics');
  if (together.length) tasks.push(together);
  for (const p of only) if (!together.includes(p)) tasks.push([p]);
  const cost = (t: Part[]) => t.reduce((s, p) => s + COST[p], 0);
  tasks.sort((a, b) => cost(b) - cost(a));
  const groups = Array.from({ length: Math.min(threads, tasks.length) }, () => ({ parts: [] as Part[], cost: 0 }));
  for (const t of tasks) {
    const g = groups.reduce((a, b) => (b.cost < a.cost ? b : a));
    g.parts.push(...t);
    g.cost += cost(t);
  }
  return groups.length ? groups.map((g) => g.parts) : [[]];
}

/** exploreParts on a worker thread (explore-worker.ts); rejects with the worker's error. */
function onThread(values: ExploreValues, parts: Part[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = new Worker(BOOT, { workerData: { script: WORKER, values, parts } });
    t.once('message', () => resolve());
    t.once('error', reject);
    t.once('exit', (code) => reject(new Error(`explore: the thread running ${parts.join(', ')} exited (code ${code})`)));
  });
}

/** PCA of every layer over all test digits, as pca-layers.json + pca-layers.bin. */
export function pcaFiles(net: Network, test: MnistSet, count = test.count): { header: PcaLayersHeader; bytes: Uint8Array } {
  const parts: (Float32Array | Uint16Array | Uint8Array)[] = [test.labels.subarray(0, count)];
  const layers: Omit<PcaLayerHeader, 'mean' | 'components' | 'points'>[] = [];
  let predictions: Uint8Array | undefined;
  for (const rep of representations(net)) {
    const p = layerPca(net, test.images, rep.name, { count });
    predictions ??= p.predictions;
    const range = (axis: number): [number, number] => {
      let lo = Infinity, hi = -Infinity;
      for (let i = axis; i < p.points.length; i += 2) {
        lo = Math.min(lo, p.points[i]);
        hi = Math.max(hi, p.points[i]);
      }
      return [lo, hi > lo ? hi : lo + 1];
    };
    const rx = range(0), ry = range(1);
    const q = new Uint16Array(p.points.length);
    for (let i = 0; i < q.length; i += 2) {
      q[i] = Math.round(((p.points[i] - rx[0]) / (rx[1] - rx[0])) * QUANT);
      q[i + 1] = Math.round(((p.points[i + 1] - ry[0]) / (ry[1] - ry[0])) * QUANT);
    }
    const comps = new Float32Array(2 * p.dim);
    comps.set(p.components[0]);
    comps.set(p.components[1], p.dim);
    parts.push(p.mean, comps, q);
    const r6 = (v: number) => Number(v.toPrecision(6));
    layers.push({
      layer: p.layer, shape: p.shape, dim: p.dim, method: p.method,
      eigenvalues: p.eigenvalues.map(r6), explained: p.explained.map(r6), totalVariance: r6(p.totalVariance),
      range: { x: rx, y: ry },
    });
    console.log(`  pca ${p.layer} (${p.dim}, ${p.method}): ${p.explained.slice(0, 2).map((e) => (e * 100).toFixed(1) + ' %').join(' + ')}`);
  }
  parts.splice(1, 0, predictions!);
  const { spans, bytes } = packBinary(parts);
  const header: PcaLayersHeader = {
    version: DATA_VERSION,
    model: net.spec.name,
    count,
    labels: spans[0],
    predictions: spans[1],
    layers: layers.map((l, i) => ({ ...l, mean: spans[2 + 3 * i], components: spans[3 + 3 * i], points: spans[4 + 3 * i] })),
  };
  return { header, bytes };
}

/** The listed test digits as one grayscale PNG, ATLAS_COLUMNS digits a row, in list order (ink white on black). */
export function digitAtlas(test: MnistSet, indices: number[]): Buffer {
  const rows = Math.max(1, Math.ceil(indices.length / ATLAS_COLUMNS));
  const r = new Raster(28 * ATLAS_COLUMNS, 28 * rows, [0, 0, 0]);
  indices.forEach((idx, k) => {
    const img = test.images.subarray(idx * 784, idx * 784 + 784);
    r.image(img, 28, 28, (k % ATLAS_COLUMNS) * 28, Math.floor(k / ATLAS_COLUMNS) * 28, 1, (v) => {
      const g = Math.round(v * 255);
      return [g, g, g];
    });
  });
  return r.png(true);
}
