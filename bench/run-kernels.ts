// The kernels benchmark alone: `npx tsx bench/run-kernels.ts` (after `npm run build:wasm` and the peak build).
import { benchKernels } from './kernels.ts';
import { printRows } from './rows.ts';

await benchKernels();
printRows('Kernels');
process.exit(0);
