/**
 * The client in Node (CLI, tests, benchmarks): the worker is worker/node.ts in a worker thread. Its entry is
 * worker/node-boot.mjs, which registers tsx inside the thread: `new Worker(url, { execArgv: ['--import', 'tsx'] })`
 * does not work on Node 20 (the flag is ignored in workers and the .ts entry fails with "Unknown file extension").
 */
import { Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createClient, type ClientOptions, type SeeingDigitsClient, type WorkerLike } from './client.ts';
import type { NodeWorkerData } from './node.ts';
import { asError } from '../src/util/guards.ts';

export interface NodeClientOptions extends ClientOptions {
  /** The worker script (default worker/node-boot.mjs; a bundled CLI passes its built worker). */
  workerUrl?: URL;
  /** Node options for the worker thread (default none). */
  execArgv?: string[];
  /** Data for each worker, by start number (0 first): test-only faults. */
  workerData?: (start: number) => NodeWorkerData;
}

export const NODE_WORKER = new URL('./node-boot.mjs', import.meta.url);

export function createNodeClient(opts: NodeClientOptions = {}): SeeingDigitsClient {
  let n = 0;
  return createClient(() => {
    const worker = new Worker(opts.workerUrl ?? NODE_WORKER, {
      execArgv: opts.execArgv ?? [],
      workerData: opts.workerData?.(n++) ?? {},
    });
    return fromNodeWorker(worker);
  }, opts);
}

/** A worker_threads Worker as a WorkerLike. */
export function fromNodeWorker(worker: Worker): WorkerLike {
  return {
    endpoint: nodeEndpoint(worker),
    onFailure(cb) {
      worker.on('error', (e) => cb(asError(e)));
      worker.on('messageerror', (e) => cb(asError(e)));
      worker.on('exit', (code) => cb(new Error(`exit code ${code}`)));
    },
    terminate: () => void worker.terminate(),
  };
}
