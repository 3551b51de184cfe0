// The shipped models on the SIMD engine, and the MNIST test set, for the whole-network interpretation tests.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadMnist, type MnistSet } from '../../src/data/mnist-node.ts';
import { loadModelFromDir } from '../../src/model/format-node.ts';
import { Network } from '../../src/model/network.ts';
import { loadEngineNode } from '../../src/wasm/node.ts';
import { Arena } from '../../src/wasm/wasm.ts';

export const modelDir = (id: 'mlp' | 'cnn') => fileURLToPath(new URL(`../../extension/models/${id}/`, import.meta.url));

export async function shippedNet(id: 'mlp' | 'cnn', capacity = 256): Promise<Network> {
  return new Network(new Arena(await loadEngineNode()), await loadModelFromDir(modelDir(id)), capacity);
}

let test: MnistSet | undefined;
export const mnistTest = (): MnistSet => (test ??= loadMnist('test'));

export async function shippedJson<T>(id: 'mlp' | 'cnn', file: string): Promise<T> {
  return JSON.parse(await readFile(modelDir(id) + file, 'utf8')) as T;
}

export async function shippedBin(id: 'mlp' | 'cnn', file: string): Promise<ArrayBuffer> {
  const b = await readFile(modelDir(id) + file);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** Activations of a step's output for the first `count` test digits, copied out (count × size). */
export function activations(net: Network, stepName: string, images: Float32Array, count: number): Float32Array {
  const s = net.steps.find((x) => x.spec.name === stepName)!;
  const out = new Float32Array(count * s.a.size);
  for (let start = 0; start < count; start += net.capacity) {
    const n = Math.min(net.capacity, count - start);
    net.setInput(images.subarray(start * 784, (start + n) * 784), n);
    net.forward(n);
    out.set(net.arena.f32(s.a.ptr, n * s.a.size), start * s.a.size);
  }
  return out;
}
