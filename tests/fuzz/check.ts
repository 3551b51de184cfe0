// The one verdict of the model fuzzers (model.test.ts, onnx.test.ts): a mutated file is either refused with a clear
// Error, or it loads with parameters of exactly the sizes its layers need and predicts finite probabilities.
import { expect } from 'vitest';
import { paramShapes, size } from '../../src/model/shapes.ts';
import { Network } from '../../src/model/network.ts';
import type { LoadedModel } from '../../src/model/spec.ts';
import { Arena } from '../../src/wasm/wasm.ts';
import type { EngineExports } from '../../src/wasm/abi.ts';

/** The mutation, printable even when it holds NaN or ±Infinity. */
const show = (m: unknown) => JSON.stringify(m, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));

/** A refusal must be an Error whose message starts as `messages` says (which part is wrong), not a JS or wasm failure. */
export function expectClear(e: unknown, m: unknown, messages: RegExp): void {
  const what = show(m);
  expect(e, what).toBeInstanceOf(Error);
  expect(e, what).not.toBeInstanceOf(WebAssembly.RuntimeError);
  expect((e as Error).name, `${what}: ${(e as Error).message}`).toMatch(/^(ModelFormatError|Error)$/);
  expect((e as Error).message, what).toMatch(messages);
}

/** Parse, check the sizes, plan on the engine, predict `input` (repeated to the input's size). */
export function checkModel(ex: EngineExports, parse: () => LoadedModel, input: Float32Array, m: unknown, messages: RegExp): 'refused' | 'ran' {
  let model: LoadedModel;
  try {
    model = parse();
  } catch (e) {
    expectClear(e, m, messages);
    return 'refused';
  }
  for (const [layer, s] of paramShapes(model.spec)) {
    const p = model.params.get(layer)!;
    expect(p.kernel.length).toBe(size(s.kernel));
    expect(p.bias?.length ?? 0).toBe(s.bias ? size(s.bias) : 0);
  }
  let net: Network;
  try {
    net = new Network(new Arena(ex), model, 1);
  } catch (e) {
    expectClear(e, m, messages);
    return 'refused';
  }
  net.setInput(new Float32Array(net.input.size).map((_, i) => input[i % input.length]), 1);
  net.forward(1);
  const probs = net.read(net.probs, 0);
  expect(probs.length).toBe(net.classes);
  // A flipped bit can make a weight huge or NaN: the parser must have refused it, since the engine never checks.
  expect(probs.every(Number.isFinite), show(m)).toBe(true);
  return 'ran';
}
