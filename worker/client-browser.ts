/**
 * The client in a browser page (extension popup, explorer, offscreen document): worker/worker.ts as a module
 * Web Worker behind the restarting client. The `new Worker(new URL(…, import.meta.url), { type: 'module' })`
 * expression is written out here so bundlers (vite) find the worker entry and emit it as its own chunk.
 */
import { createClient, fromWebWorker, type ClientOptions, type SeeingDigitsClient } from './client.ts';

export function createBrowserClient(opts: ClientOptions = {}): SeeingDigitsClient {
  return createClient(
    () => fromWebWorker(new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'seeing-digits' })),
    opts,
  );
}
