// The ONNX decoder is protobufjs's static code generated from the official onnx.proto: it must be what the
// generator writes from the committed onnx.proto, and nothing the ONNX code ships may compile code at run time
// (the extension's CSP has no 'unsafe-eval'; protobufjs's reflection API would need it, the static code does not).
import { execFile } from 'node:child_process';
import { readFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('ONNX protobuf code', () => {
  it('src/model/onnx-proto.js is what `npm run gen:onnx-proto` generates from src/model/onnx.proto', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    // The script's last step writes the committed JS; run that step into a temporary file.
    const last = (pkg.scripts['gen:onnx-proto'] as string).split('&&').at(-1)!.trim().split(/\s+/);
    const out = join(await mkdtemp(join(tmpdir(), 'sd-pb-')), 'onnx-proto.js');
    const args = last.slice(1).map((a, i, all) => (all[i - 1] === '-o' ? out : a));
    await promisify(execFile)(join(ROOT, 'node_modules/.bin', last[0]), args, { cwd: ROOT });
    expect(await readFile(out, 'utf8')).toBe(await readFile(join(ROOT, 'src/model/onnx-proto.js'), 'utf8'));
  }, 60_000);

  it('the ONNX reader and writer, bundled for the browser with protobufjs, never call eval or Function', async () => {
    const r = await build({
      entryPoints: [join(ROOT, 'src/model/onnx.ts'), join(ROOT, 'src/model/onnx-write.ts')],
      bundle: true, write: false, platform: 'browser', format: 'esm', outdir: join(tmpdir(), 'sd-pb-bundle'),
    });
    for (const f of r.outputFiles) {
      expect(f.text).toContain('ModelProto'); // the decoder is in the bundle
      expect(f.text).not.toMatch(/\bFunction\s*\(|\beval\s*\(/);
    }
    // The check itself can fail: protobufjs's full build (reflection, codegen) does call Function.
    const full = await build({ stdin: { contents: "import * as p from 'protobufjs'; console.log(p);", resolveDir: ROOT }, bundle: true, write: false, platform: 'browser', format: 'esm' });
    expect(full.outputFiles[0].text).toMatch(/\bFunction\s*\(|\beval\s*\(/);
  });
});
