/** Tiny benchmark helpers shared by bench/*.ts: robust timing and one table format. */

/** Median microseconds per call of fn over rounds of at least `minMs` each (after a warm-up). */
export async function timeUs(fn: () => unknown | Promise<unknown>, { rounds = 7, minMs = 100 } = {}): Promise<number> {
  const run = async (n: number) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await fn();
    return performance.now() - t0;
  };
  let n = 1;
  while ((await run(n)) < minMs / 4 && n < 1e7) n *= 2; // warm-up and calibration
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) samples.push(((await run(n)) * 1000) / n);
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

export interface Row {
  /** What is measured, e.g. "GEMM 256×784·784×128". */
  name: string;
  /** Engine or implementation, e.g. "simd", "tfjs-wasm". */
  impl: string;
  us: number;
  /** Floating-point operations per call, when meaningful: gives GFLOP/s. */
  flops?: number;
}

/** Prints rows grouped by name, with GFLOP/s and each implementation's ratio to the first ("ours"). */
export function printTable(title: string, rows: Row[]): void {
  console.log(`\n## ${title}\n`);
  console.log('| case | impl | time | GFLOP/s | vs ours |');
  console.log('|---|---|---:|---:|---:|');
  const byName = new Map<string, Row[]>();
  for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  for (const [name, group] of byName) {
    const base = group[0].us;
    for (const r of group) {
      const gf = r.flops ? (r.flops / r.us / 1e3).toFixed(1) : '';
      const ratio = r === group[0] ? '1×' : r.us >= base ? `${(r.us / base).toFixed(1)}× slower` : `${(base / r.us).toFixed(1)}× faster`;
      console.log(`| ${name} | ${r.impl} | ${fmtTime(r.us)} | ${gf} | ${ratio} |`);
    }
  }
}

export function fmtTime(us: number): string {
  if (us < 1000) return `${us.toFixed(2)} µs`;
  if (us < 1e6) return `${(us / 1000).toFixed(2)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}
