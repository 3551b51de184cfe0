// Runs the conv2d / max-pool benchmark alone: `npx tsx bench/run-conv.ts` (after `npm run build:wasm`).
import { benchConv } from './conv.ts';

await benchConv();
