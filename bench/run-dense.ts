// Runs the dense benchmark alone: `npx tsx bench/run-dense.ts` (after `npm run build:wasm`).
import { benchDense } from './dense.ts';

await benchDense();
