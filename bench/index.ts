// npm run bench: every benchmark in one run, each engine side by side with TensorFlow.js, ratios printed.
import { benchDense } from './dense.ts';
import { benchConv } from './conv.ts';
import { benchTrain } from './train.ts';
import { benchWorker } from './worker.ts';
import { benchPreprocess } from './preprocess.ts';
import { benchPopup } from './popup.ts';
import { benchAttrib } from './attrib.ts';
import { benchExplorer } from './explorer.ts';

const only = process.argv[2];
const all: [string, () => Promise<void>][] = [
  ['dense', benchDense],
  ['conv', benchConv],
  ['train', benchTrain],
  ['worker', benchWorker],
  ['preprocess', benchPreprocess],
  ['popup', benchPopup],
  ['attrib', benchAttrib],
  ['explorer', benchExplorer],
];
console.log(`# Seeing Digits benchmarks (${new Date().toISOString().slice(0, 10)}, Node ${process.version}, one thread)`);
for (const [name, run] of all) if (!only || only === name) await run();
