// The relaxed-SIMD build is chosen for inference only where the runtime has relaxed SIMD (src/wasm/wasm.ts): Node 20
// has it behind a flag, so this file checks both sides of the switch in one process (the flag can be turned on at run
// time, not off: the "off" checks come first).
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { inferenceWasm, relaxedSimdSupported } from '../../src/wasm/wasm.ts';
import { ENGINE_WASM, readInferenceWasm } from '../../src/wasm/node.ts';
import { SimdEngine } from '../../src/engines/simd.ts';
import { loadModelFromDir } from '../../src/model/format-node.ts';
import { shippedModelDir } from '../../src/cli/models.ts';
import { digit } from '../helpers/digits.ts';

const baseline = readFileSync(ENGINE_WASM);
const relaxed = readFileSync(new URL('engine-relaxed.wasm', ENGINE_WASM));
const same = (a: BufferSource, b: Uint8Array) => Buffer.compare(Buffer.from(a as Uint8Array), b) === 0;

describe('relaxed SIMD chosen at run time', () => {
  it('without relaxed SIMD: the probe says no, the relaxed build does not validate, inference gets the baseline', async () => {
    expect(relaxedSimdSupported()).toBe(false);
    expect(WebAssembly.validate(relaxed)).toBe(false);
    expect(same(await readInferenceWasm(), baseline)).toBe(true);
  });

  it('with relaxed SIMD: the probe agrees with the build, and inference gets the relaxed build', async () => {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    expect(relaxedSimdSupported()).toBe(true);
    expect(WebAssembly.validate(relaxed)).toBe(true);
    expect(same(await readInferenceWasm(), relaxed)).toBe(true);
  });

  it('a relaxed build that is missing or broken falls back to the baseline', async () => {
    const missing = await inferenceWasm(async (r) => {
      if (r) throw new Error('404');
      return baseline;
    });
    expect(same(missing, baseline)).toBe(true);
    const broken = await inferenceWasm(async (r) => (r ? new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]) : baseline));
    expect(same(broken, baseline)).toBe(true);
  });

  it('the relaxed build gives the shipped CNN the baseline outputs within float rounding', async () => {
    const model = await loadModelFromDir(shippedModelDir('cnn'));
    const a = await SimdEngine.create(baseline), b = await SimdEngine.create(relaxed);
    await a.load('cnn', model);
    await b.load('cnn', model);
    for (const k of [0, 1, 2, 3]) {
      const x = digit(k);
      const [pa, pb] = [await a.predict('cnn', x), await b.predict('cnn', x)];
      for (let i = 0; i < 10; i++) expect(Math.abs(pa.logits[i] - pb.logits[i])).toBeLessThan(1e-4);
      const [ga, gb] = [await a.inputGradients('cnn', x, 1, 3), await b.inputGradients('cnn', x, 1, 3)];
      let m = 0, s = 0;
      for (let i = 0; i < ga.grads.length; i++) {
        m = Math.max(m, Math.abs(ga.grads[i] - gb.grads[i]));
        s = Math.max(s, Math.abs(ga.grads[i]));
      }
      expect(m).toBeLessThan(1e-4 * s);
    }
  });
});
