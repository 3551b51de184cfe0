import { readEngineWasm } from '../wasm/node.ts';
import { SimdEngine } from './simd.ts';

export async function createSimdEngineNode(): Promise<SimdEngine> {
  return SimdEngine.create(await readEngineWasm());
}
