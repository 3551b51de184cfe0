// Two builds of the engine side by side on the conv kernels, interleaved on the CPU clock (bench/rows.ts): how a
// kernel change moved each case, in one run. `npx tsx bench/compare-builds.ts OLD.wasm [NEW.wasm]` (NEW defaults to
// build/engine.wasm); build OLD from another commit, e.g.
//   git archive main assembly | tar -x -C /tmp/old && npx asc /tmp/old/assembly/index.ts -o build/engine-old.wasm \
//     -O3 --runtime stub --enable simd --noAssert --use abort=
import { readFileSync } from 'node:fs';
import { instantiateEngine } from '../src/wasm/wasm.ts';
import { LAYERS, convFlops, ours, type Layer, type Op } from './conv.ts';
import { interleave, timed } from './rows.ts';

const [oldFile, newFile = 'build/engine.wasm'] = process.argv.slice(2);
if (!oldFile) throw new Error('usage: npx tsx bench/compare-builds.ts OLD.wasm [NEW.wasm]');
const before = await instantiateEngine(readFileSync(oldFile));
const after = await instantiateEngine(readFileSync(newFile));

const ship = (n: number, c: number) => LAYERS.find((l) => l.model === 'ship CNN' && l.n === n && l.c === c)!;
const CASES: [Layer, Op][] = [
  [ship(64, 1), 'input grad'],
  [ship(1, 1), 'input grad'],
  [ship(64, 1), 'forward'],
  [ship(64, 16), 'forward'],
  [ship(64, 16), 'input grad'],
  [ship(64, 16), 'filter grad'],
];

console.log(`| case | ${oldFile} | ${newFile} | new vs old |\n|---|---:|---:|---:|`);
for (const [l, op] of CASES) {
  const ms = await interleave([
    { engine: 'old', run: timed(ours(before, l, op)) },
    { engine: 'new', run: timed(ours(after, l, op)) },
  ]);
  const gf = (k: string) => (convFlops(l) / ms.get(k)! / 1e6).toFixed(1);
  console.log(`| ${op} x=[${l.n},${l.h},${l.w},${l.c}] → ${l.co} | ${gf('old')} GFLOP/s | ${gf('new')} GFLOP/s | ${(ms.get('old')! / ms.get('new')!).toFixed(2)}× |`);
}
process.exit(0);
