// seeing-digits explore --threads: the parts shared out over worker threads write the same files, byte for byte, as
// one thread (each part runs whole on one thread, on its own engine instance).
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.ts';
import { PARTS, shareParts } from '../../src/cli/explore.ts';
import { FILES } from '../../src/interpret/explorer-data.ts';

describe('seeing-digits explore --threads', () => {
  it('--threads 2 writes the files --threads 1 writes, byte for byte', async () => {
    const dirs = await Promise.all([1, 2].map(() => mkdtemp(join(tmpdir(), 'sd-explore-threads-'))));
    for (const [i, t] of ['1', '2'].entries()) {
      const r = await run('explore', '--model', 'mlp', '--only', 'pca,typicality', '--threads', t, '--out', dirs[i]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const files = (await readdir(dirs[0])).sort();
    expect(files).toEqual([FILES.pcaData, FILES.pcaHeader, FILES.typicalityData, FILES.typicalityHeader].sort());
    expect((await readdir(dirs[1])).sort()).toEqual(files);
    for (const f of files) expect(Buffer.compare(await readFile(join(dirs[0], f)), await readFile(join(dirs[1], f)))).toBe(0);
  }, 300_000);

  it('shares every part out once, units with metrics, the costliest first to the least loaded thread', () => {
    const groups = shareParts([...PARTS], 2);
    expect(groups.flat().sort()).toEqual([...PARTS].sort());
    expect(groups.find((g) => g.includes('units'))).toContain('metrics');
    expect(groups[0]).toContain('pca'); // the costliest, on this thread
    expect(shareParts(['pca'], 2)).toEqual([['pca']]); // one part: no idle thread started
    const one = shareParts([...PARTS], 1); // one thread: everything (exploreParts runs them in its own order)
    expect(one).toHaveLength(1);
    expect(one[0].sort()).toEqual([...PARTS].sort());
  });
});
