// Entry of the Node worker thread (worker/client-node.ts spawns it). Worker threads do not inherit the parent's
// TypeScript loader, and Node 20 ignores `--import tsx` in a worker's execArgv, so tsx is registered here, in the
// thread, before the TypeScript entry is loaded.
import { register } from 'tsx/esm/api';

register();
await import('./node.ts');
