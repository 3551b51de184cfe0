/** The CLI's analysis commands run a model on the SIMD engine in-process (whole test sets, batched). */
import { loadEngineNode } from '../wasm/node.ts';
import { Arena } from '../wasm/wasm.ts';
import { Network } from '../model/network.ts';
import { resolveModel } from './models.ts';
import { UsageError } from './args.ts';

export async function openNetwork(name: string | undefined, command: string): Promise<{ id: string; dir: string; net: Network }> {
  if (!name) throw new UsageError(`${command} needs --model mlp|cnn|PATH`);
  const { id, dir, model } = await resolveModel(name);
  return { id, dir, net: new Network(new Arena(await loadEngineNode()), model, 256) };
}
