// Entry of a data-parallel training worker thread (src/train/parallel.ts spawns it). Worker threads do not inherit
// the parent's TypeScript loader (Node 20 ignores `--import tsx` in a worker's execArgv), so tsx is registered here.
import { register } from 'tsx/esm/api';

register();
await import('./parallel-worker.ts');
