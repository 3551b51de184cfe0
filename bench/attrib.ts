// Every attribution method on one CNN input (an MNIST test digit), through the worker (Node worker thread, SIMD
// engine, the shipped models), then TensorFlow.js wasm through the worker for comparison. Each method is one
// engine call: occlusion 4×4 stride 2 sends its 169 occluded inputs and the input as one batch of 170.
import { createNodeClient } from '../worker/client-node.ts';
import type { AttributeOptions, EngineChoice } from '../worker/api.ts';
import { loadMnist } from '../src/data/mnist-node.ts';
import { printTable, timeUs, type Row } from './report.ts';

const CASES: [string, AttributeOptions][] = [
  ['gradient', { method: 'gradient' }],
  ['gradient × input', { method: 'gradient-x-input' }],
  ['integrated gradients, 32 steps, black', { method: 'integrated-gradients', steps: 32 }],
  ['integrated gradients, 64 steps, blur', { method: 'integrated-gradients', steps: 64, baseline: 'blur' }],
  ['SmoothGrad, 32 samples, σ 0.15', { method: 'smoothgrad', samples: 32 }],
  ['occlusion 4×4, stride 2 (170 inputs)', { method: 'occlusion', patch: 4, stride: 2 }],
  ['Grad-CAM at conv2', { method: 'grad-cam', layer: 'conv2' }],
  ['gradient of hidden unit 5', { method: 'gradient', target: { layer: 'hidden', unit: 5 } }],
];

export async function benchAttrib(): Promise<void> {
  const x = loadMnist('test').images.slice(0, 784); // a 7
  const rows: Row[] = [];
  const engines: [string, EngineChoice][] = [['simd via worker', 'simd'], ['tfjs-wasm via worker', 'tfjs-wasm']];
  for (const [impl, engine] of engines) {
    const client = createNodeClient({ timeoutMs: 120_000 });
    try {
      await client.init({ engine });
      for (const [name, opts] of CASES) {
        const us = await timeUs(
          async () => {
            const r = await client.attribute('cnn', { kind: 'mnist', pixels: x.slice() }, { target: { class: 7 }, ...opts });
            if (!r.ok) throw new Error(r.message);
          },
          { rounds: engine === 'simd' ? 7 : 3, minMs: engine === 'simd' ? 100 : 20 },
        );
        rows.push({ name: `cnn ${name}`, impl, us });
      }
    } finally {
      client.close();
    }
  }
  printTable('Attributions of one CNN input through the worker (median per map)', rows);
}
