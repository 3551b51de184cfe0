/**
 * The whole-network files shipped beside each model (models/<id>/: test-metrics.json, compare.json, probe.json,
 * pca-layers.json + .bin, units.json, digits.png; schemas in src/interpret/explorer-data.ts), fetched once per page
 * and shared by the views. The test digits the files point to are looked up in the two models' digit atlases, then
 * in models/test-digits.bin: every mistake of either model (so every disagreement and every off-diagonal confusion
 * cell) and every unit's top and bottom digits are in an atlas.
 */
import {
  ATLAS_COLUMNS,
  FILES,
  readPcaLabels,
  readPcaLayer,
  type CompareFile,
  type PcaLayerData,
  type PcaLayersHeader,
  type ProbeFile,
  type TestMetricsFile,
  type UnitsFile,
} from '../../src/interpret/explorer-data.ts';
import { MODEL_IDS, type ModelId } from '../../worker/api.ts';
import { PIXELS, SIDE } from '../shared/digits.ts';
import { modelsBase } from '../shared/session.ts';
import { testDigits } from '../ui/test-digits.ts';

async function fetchOk(model: ModelId, file: string): Promise<Response> {
  const res = await fetch(new URL(`${model}/${file}`, modelsBase()));
  if (!res.ok) throw new Error(`models/${model}/${file}: ${res.status} ${res.statusText || 'missing'} (run npm run explore:models, then build)`);
  return res;
}

const memo = new Map<string, Promise<unknown>>();
function once<T>(key: string, make: () => Promise<T>): Promise<T> {
  let p = memo.get(key) as Promise<T> | undefined;
  if (!p) {
    p = make();
    memo.set(key, p);
    p.catch(() => memo.delete(key)); // a failed fetch may be retried
  }
  return p;
}

const json = <T>(model: ModelId, file: string) => once(`${model}/${file}`, async () => (await (await fetchOk(model, file)).json()) as T);

export const testMetrics = (m: ModelId) => json<TestMetricsFile>(m, FILES.testMetrics);
export const compareFile = () => json<CompareFile>('mlp', FILES.compare);
export const probeFile = (m: ModelId) => json<ProbeFile>(m, FILES.probe);
export const unitsFile = (m: ModelId) => json<UnitsFile>(m, FILES.units);

export interface PcaSet {
  header: PcaLayersHeader;
  bin: ArrayBuffer;
  labels: Uint8Array;
  predictions: Uint8Array;
  layer(name: string): PcaLayerData;
}

export const pcaSet = (m: ModelId): Promise<PcaSet> =>
  once(`${m}/pca`, async () => {
    const [header, bin] = await Promise.all([json<PcaLayersHeader>(m, FILES.pcaHeader), (await fetchOk(m, FILES.pcaData)).arrayBuffer()]);
    const layers = new Map<string, PcaLayerData>();
    return {
      header,
      bin,
      ...readPcaLabels(header, bin),
      layer: (name: string) => {
        let l = layers.get(name);
        if (!l) layers.set(name, (l = readPcaLayer(header, bin, name)));
        return l;
      },
    };
  });

/** Where `pixels` of one atlas digit are: the decoded atlas image and its index list. */
interface Atlas {
  index: Map<number, number>;
  gray: Uint8ClampedArray;
  width: number;
}

async function atlas(m: ModelId): Promise<Atlas> {
  return once(`${m}/atlas`, async () => {
    const [metrics, blob] = await Promise.all([testMetrics(m), (await fetchOk(m, FILES.digitsAtlas)).blob()]);
    const bmp = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const rgba = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    const gray = new Uint8ClampedArray(bmp.width * bmp.height);
    for (let i = 0; i < gray.length; i++) gray[i] = rgba[i * 4];
    return { index: new Map(metrics.atlas.map((d, k) => [d, k])), gray, width: bmp.width };
  });
}

function cut(a: Atlas, k: number): Float32Array {
  const out = new Float32Array(PIXELS);
  const x0 = (k % ATLAS_COLUMNS) * SIDE, y0 = Math.floor(k / ATLAS_COLUMNS) * SIDE;
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) out[y * SIDE + x] = a.gray[(y0 + y) * a.width + x0 + x] / 255;
  return out;
}

/** The 28×28 pixels of MNIST test digit `index` if the extension ships it, else null. */
export async function testDigit(index: number): Promise<Float32Array | null> {
  for (const m of MODEL_IDS) {
    const a = await atlas(m).catch(() => null);
    const k = a?.index.get(index);
    if (a && k !== undefined) return cut(a, k);
  }
  const shipped = await testDigits().catch(() => []);
  return shipped.find((d) => d.index === index)?.pixels ?? null;
}

/** The MNIST test indices of every digit the extension ships (both atlases and models/test-digits.bin). */
export const shippedIndices = (): Promise<Set<number>> =>
  once('shipped', async () => {
    const atlases = await Promise.all(MODEL_IDS.map((m) => testMetrics(m).then((t) => t.atlas, () => [])));
    const shipped = await testDigits().catch(() => []);
    return new Set([...atlases.flat(), ...shipped.map((d) => d.index)]);
  });

/** The true labels and both models' predictions of all 10 000 test digits (from the PCA files). */
export async function predictionsOf(m: ModelId): Promise<{ labels: Uint8Array; predictions: Uint8Array }> {
  const s = await pcaSet(m);
  return { labels: s.labels, predictions: s.predictions };
}
