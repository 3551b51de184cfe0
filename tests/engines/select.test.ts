// Engine selection: best available first, a forced choice, fallbacks when an engine fails to start, and reasons.
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { selectEngine } from '../../src/engines/select.ts';
import { ENGINE_WASM } from '../../src/wasm/node.ts';

const simdWasm = async () => new Uint8Array(await readFile(ENGINE_WASM));

describe('selectEngine', () => {
  it('auto in Node: the SIMD engine', async () => {
    const { engine, info } = await selectEngine({ simdWasm });
    expect(info).toEqual({ kind: 'simd', reason: 'WebAssembly SIMD available', skipped: [] });
    expect(engine.kind).toBe('simd');
  });

  it('auto without SIMD or WebGL: tfjs-wasm, saying why the others were skipped', async () => {
    const { engine, info } = await selectEngine({ simdWasm, env: { simd: false } });
    expect(engine.kind).toBe('tfjs-wasm');
    expect(info.skipped).toEqual([
      { kind: 'simd', reason: 'WebAssembly SIMD is not supported here' },
      { kind: 'tfjs-webgl', reason: 'no WebGL context can be made here' },
    ]);
    expect(info.reason).toMatch(/^TensorFlow.js on WebAssembly \(simd: WebAssembly SIMD is not supported here; tfjs-webgl/);
    engine.dispose();
  });

  it('forced tfjs-cpu', async () => {
    const { engine, info } = await selectEngine({ simdWasm, choice: 'tfjs-cpu' });
    expect([engine.kind, info.reason, info.skipped]).toEqual(['tfjs-cpu', 'forced by settings', []]);
  });

  it('forced tfjs-webgl that cannot start (Node, told WebGL exists) falls back to tfjs-wasm', async () => {
    const { engine, info } = await selectEngine({ simdWasm, choice: 'tfjs-webgl', env: { webgl: true } });
    expect(engine.kind).toBe('tfjs-wasm');
    expect(info.skipped).toHaveLength(1);
    expect(info.skipped[0].kind).toBe('tfjs-webgl');
    expect(info.skipped[0].reason).toMatch(/^failed to start: tfjs engine: the webgl backend cannot start/);
    expect(info.reason).toMatch(/^tfjs-webgl was forced by settings but could not run/);
  });

  it('a broken engine.wasm, or a missing one, moves on to the next engine', async () => {
    const broken = await selectEngine({ simdWasm: async () => new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]), env: { webgl: false } });
    expect(broken.info.kind).toBe('tfjs-wasm');
    expect(broken.info.skipped[0].kind).toBe('simd');
    expect(broken.info.skipped[0].reason).toMatch(/^failed to start: /);
    const missing = await selectEngine({});
    expect(missing.info.skipped[0]).toEqual({ kind: 'simd', reason: 'no engine.wasm was provided' });
  });

  it('an engine whose start hook fails (e.g. cannot load a model) is disposed and skipped', async () => {
    const tried: string[] = [];
    const { info } = await selectEngine({
      simdWasm,
      start: async (e) => {
        tried.push(e.kind);
        if (e.kind === 'simd') throw new Error('model cnn does not fit');
      },
    });
    expect(tried).toEqual(['simd', 'tfjs-wasm']);
    expect(info.skipped[0]).toEqual({ kind: 'simd', reason: 'failed to start: model cnn does not fit' });
  });

  it('nothing can start: one error listing every reason; an unknown choice is refused', async () => {
    const err = await selectEngine({ simdWasm, start: async (e) => Promise.reject(new Error(`no ${e.kind}`)) }).catch((e: Error) => e);
    expect((err as Error).message).toBe(
      'engine: no engine could start (simd: failed to start: no simd; tfjs-webgl: no WebGL context can be made here; ' +
        'tfjs-wasm: failed to start: no tfjs-wasm; tfjs-cpu: failed to start: no tfjs-cpu)',
    );
    await expect(selectEngine({ choice: 'gpu' as never })).rejects.toThrow(/unknown engine "gpu"/);
  });
});
