// The typed mirror (src/wasm/abi.ts, EngineExports) against what the built module really exports: the same names,
// each function with as many parameters as its mirror declares, and a result exactly where the mirror returns one.
// A kernel added, removed or changed in assembly/ without its mirror (or the reverse) fails here, not as a wasm
// trap or a silently ignored argument. The mirror is read with the TypeScript compiler; the module through the
// WebAssembly JS API (names, kinds, Function.length) and its text form build/engine.wat (result types), which the
// same `npm run build:wasm` writes.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_WASM, readEngineWasm } from '../../src/wasm/node.ts';
import { instantiateEngine } from '../../src/wasm/wasm.ts';

interface Member {
  kind: 'function' | 'memory';
  params?: number;
  /** Whether the function returns a value (not void). */
  returns?: boolean;
}

/** EngineExports's members as declared in src/wasm/abi.ts. */
function mirror(): Map<string, Member> {
  const file = new URL('../../src/wasm/abi.ts', import.meta.url);
  const src = ts.createSourceFile('abi.ts', readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const decl = src.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'EngineExports');
  if (!decl) throw new Error('src/wasm/abi.ts declares no EngineExports interface');
  const out = new Map<string, Member>();
  for (const m of decl.members) {
    const name = m.name && ts.isIdentifier(m.name) ? m.name.text : undefined;
    if (!name) throw new Error(`an EngineExports member has no plain name: ${m.getText(src)}`);
    if (ts.isMethodSignature(m)) {
      out.set(name, { kind: 'function', params: m.parameters.length, returns: m.type?.kind !== ts.SyntaxKind.VoidKeyword });
    } else if (ts.isPropertySignature(m) && m.type?.getText(src) === 'WebAssembly.Memory') {
      out.set(name, { kind: 'memory' });
    } else {
      throw new Error(`EngineExports.${name} is neither a method nor the memory`);
    }
  }
  return out;
}

/** The built module's exports: kind, parameter count (Function.length) and whether the .wat gives a result. */
async function built(): Promise<Map<string, Member>> {
  const bytes = await readEngineWasm();
  const ex = (await instantiateEngine(bytes)) as unknown as Record<string, unknown>;
  const wat = readFileSync(new URL('engine.wat', ENGINE_WASM), 'utf8');
  const out = new Map<string, Member>();
  for (const { name, kind } of WebAssembly.Module.exports(new WebAssembly.Module(bytes))) {
    if (kind === 'memory') {
      out.set(name, { kind: 'memory' });
      continue;
    }
    expect(kind, `export ${name}`).toBe('function');
    // (export "name" (func $id)) … (func $id (param …)* (result …)?
    const id = new RegExp(`\\(export "${name}" \\(func (\\S+?)\\)\\)`).exec(wat)?.[1];
    const header = id && wat.split('\n').find((l) => l.trimStart().startsWith(`(func ${id} `));
    expect(header, `build/engine.wat defines ${name}`).toBeTruthy();
    out.set(name, { kind: 'function', params: (ex[name] as (...a: unknown[]) => unknown).length, returns: header!.includes('(result ') });
  }
  return out;
}

describe('the wasm ABI mirror (src/wasm/abi.ts) matches build/engine.wasm', () => {
  let ours: Map<string, Member>;
  let theirs: Map<string, Member>;
  beforeAll(async () => {
    ours = mirror();
    theirs = await built();
  });

  it('the same export names', () => {
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    expect(ours.size).toBeGreaterThan(20); // the parsers found the kernels, not an empty list on both sides
  });

  it('each function with the same parameter count and a result exactly where the mirror returns one', () => {
    for (const [name, m] of ours) expect(theirs.get(name), name).toEqual(m);
  });

  it('the mirror reader sees real parameter counts (denseForward: x, wp, b, y, batch, nIn, nOut)', () => {
    expect(ours.get('denseForward')).toEqual({ kind: 'function', params: 7, returns: false });
    expect(ours.get('softmaxCrossEntropy')).toEqual({ kind: 'function', params: 6, returns: true });
  });
});
