// The peers benchmark alone: `npx tsx bench/run-peers.ts` (after `npm run build:wasm`).
import { benchPeers } from './peers.ts';
import { printRows } from './rows.ts';

import { benchInputs } from "./peers.ts";
await benchPeers(benchInputs());
printRows('Shipped models on every engine');
process.exit(0);
