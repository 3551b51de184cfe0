// Entry of the worker threads of parallel.ts and parallel-infer.ts: workerData.script (a file: URL) is the worker.
// Worker threads do not inherit the parent's TypeScript loader (Node 20 ignores `--import tsx` in a worker's
// execArgv), so tsx is registered here first.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.script ?? './parallel-worker.ts');
