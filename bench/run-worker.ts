// Runs the worker round-trip benchmark alone: `npx tsx bench/run-worker.ts` (after `npm run build:wasm`).
import { benchWorker } from './worker.ts';

await benchWorker();
