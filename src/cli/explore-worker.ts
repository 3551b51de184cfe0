// A worker thread of `seeing-digits explore --threads N` (explore.ts): runs its share of the parts, writing their
// files, on its own engine instance; says so when done (an error surfaces as the worker's 'error' event).
import { parentPort, workerData } from 'node:worker_threads';
import { exploreParts, type ExploreValues, type PARTS } from './explore.ts';

const d = workerData as { values: ExploreValues; parts: (typeof PARTS)[number][] };
await exploreParts(d.values, d.parts);
parentPort!.postMessage('done');
