/**
 * The service's dependencies in a browser global scope (a Web Worker, or a page running an in-page replica): model
 * files, means, typicality and the wasm fetched from URLs resolved against `base` (the script's or page's URL).
 */
import type { ServiceDeps } from './service.ts';
import { loadModelFromUrl } from '../src/model/format.ts';
import { fetchOk } from '../src/util/fetch.ts';
import { MEANS_FILE, decodeMeans } from '../src/interpret/means.ts';
import { inferenceWasm, relaxedUrl } from '../src/wasm/wasm.ts';
import { loadMnistGz } from './mnist-browser.ts';
import { startPeerThread } from './train-peer-client.ts';
import { FILES, readTypicality, type TypicalityHeader } from '../src/interpret/explorer-data.ts';

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  return (await fetchOk(url, (m) => new Error(`engine: ${m}`))).arrayBuffer();
}

export function browserServiceDeps(base: string): ServiceDeps {
  const resolve = (url: string) => new URL(url, base).href;
  return {
    loadModel: (url) => loadModelFromUrl(resolve(url)),
    // means.bin beside model.json, for mean-ablation; a model without one still loads.
    loadMeans: async (url, spec) => {
      const res = await fetch(new URL(MEANS_FILE, resolve(url))).catch(() => undefined);
      return res?.ok ? decodeMeans(await res.arrayBuffer(), spec) : undefined;
    },
    // typicality.json + .bin beside model.json; a model without them has no typicality.
    loadTypicality: async (url) => {
      const [head, bin] = await Promise.all(
        [FILES.typicalityHeader, FILES.typicalityData].map((f) => fetch(new URL(f, resolve(url))).catch(() => undefined)),
      );
      if (!head?.ok || !bin?.ok) return undefined;
      return readTypicality((await head.json()) as TypicalityHeader, await bin.arrayBuffer());
    },
    simdWasm: async (url, use = 'inference') => {
      // Without it the selector records why and moves on to TensorFlow.js.
      if (!url) throw new Error('init() was not given wasm.simd, the URL of engine.wasm');
      if (use === 'training') return fetchBytes(resolve(url));
      // The relaxed-SIMD build beside it where this browser has relaxed SIMD (inference only; src/wasm/wasm.ts).
      return inferenceWasm((relaxed) => fetchBytes(relaxed ? relaxedUrl(resolve(url)).href : resolve(url)));
    },
    tfjsWasmPath: (path) => (path ? resolve(path) : undefined),
    loadDigits: (url) => loadMnistGz(resolve(url ?? '/mnist/')),
    trainPeer: startPeerThread,
  };
}
