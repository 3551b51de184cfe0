/**
 * The worker in Node (worker_threads), for the CLI and tests: the same service as the browser's Web Worker,
 * exposed over the thread's parentPort with Comlink's Node adapter. Spawned by worker/client-node.ts.
 *
 * workerData may carry `faults` (see Faults in service.ts): test-only misbehaviour, never set by the CLI.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createService, type Faults } from './service.ts';
import { nodeDeps } from './node-deps.ts';

export interface NodeWorkerData {
  faults?: Faults['on'];
}

if (!parentPort) throw new Error('worker/node.ts runs as a worker thread (see worker/client-node.ts)');
const data = (workerData ?? {}) as NodeWorkerData;
const faults = data.faults ? { on: data.faults, crash: () => process.exit(70) } : undefined;
Comlink.expose(createService(nodeDeps({ faults })), nodeEndpoint(parentPort));
