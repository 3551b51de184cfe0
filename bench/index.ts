// npm run bench: the shipped models and kernels on every engine, side by side and interleaved (bench/rows.ts), the
// worker round trip, training on one and two threads, the popup in Chromium. Readable tables by default;
// `--json` prints only one JSON array of {case, model, engine, median, unit} on stdout (everything else on stderr).
// `npm run bench -- SECTION` runs one section: peers, kernels, train, roundtrip, popup, or the detailed legacy tables
// dense, conv, train-epoch, worker, preprocess, popup-all.
import { benchDense } from './dense.ts';
import { benchConv } from './conv.ts';
import { benchTrain } from './train.ts';
import { benchRoundtrip, benchWorker } from './worker.ts';
import { benchPreprocess } from './preprocess.ts';
import { benchPopup, benchPopupP95 } from './popup.ts';
import { benchAttrib } from './attrib.ts';
import { benchTrainBrowser } from './train-browser.ts';
import { benchExplorer } from './explorer.ts';
import { benchPeers, benchInputs, openTorch } from './peers.ts';
import { benchKernels } from './kernels.ts';
import { benchTrainThreads } from './train-threads.ts';
import { CLOCK, notes, printRows, rows } from './rows.ts';
import { printSummary } from './summary.ts';
import type { TorchPeer } from './pytorch.ts';
import { loadavg, cpus } from 'node:os';

const json = process.argv.includes('--json');
if (json) console.log = console.error; // stdout carries the JSON array alone
const only = process.argv.slice(2).find((a) => !a.startsWith('--'));

let torch: TorchPeer | undefined;
const inp = benchInputs();
const peer = () => (torch ??= openTorch(inp));

const sections: [string, () => Promise<void>, boolean][] = [
  ['peers', () => benchPeers(inp, peer()), true],
  ['kernels', () => benchKernels(peer()), true],
  ['train', () => benchTrainThreads(inp), true],
  ['roundtrip', benchRoundtrip, true],
  ['popup', () => benchPopupP95(), true],
  ['dense', benchDense, false],
  ['conv', benchConv, false],
  ['train-epoch', benchTrain, false],
  ['worker', () => benchWorker(), false],
  ['preprocess', benchPreprocess, false],
  ['popup-all', () => benchPopup(), false],
  ['attrib', benchAttrib, false],
  ['train-browser', benchTrainBrowser, false],
  ['explorer', benchExplorer, false],
];

const load = loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`# Seeing Digits benchmarks (${new Date().toISOString().slice(0, 16)}, Node ${process.version}, ${cpus().length} cores, load average ${load} at the start, ${CLOCK} clock)`);
try {
  for (const [name, run, byDefault] of sections) if (only ? only === name : byDefault) await run();
} finally {
  torch?.close();
}
if (rows.length) {
  printRows('Every engine side by side (medians of interleaved blocks)');
  printSummary(rows);
}
if (notes.length) console.log(`\nNotes:\n${notes.map((n) => `- ${n}`).join('\n')}`);
console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
if (json) process.stdout.write(JSON.stringify(rows) + '\n');
process.exit(0);
