/**
 * The rows every benchmark reports ({case, model, engine, median, unit}: `npm run bench -- --json` prints them as one
 * JSON array), the notes on skipped rows, and the interleaved timing every ratio comes from.
 */

export interface BenchRow {
  case: string;
  model: string;
  engine: string;
  median: number;
  unit: 'µs' | 'ms' | 'images/s' | 'GFLOP/s' | '×';
}

export const rows: BenchRow[] = [];
/** Rows that could not run, and why ("onnxruntime-web: inference only, no gradients"). */
export const notes: string[] = [];

export function addRow(r: BenchRow): void {
  rows.push({ ...r, median: Number(r.median.toPrecision(4)) });
}

export function note(text: string): void {
  notes.push(text);
  console.log(`note: ${text}`);
}

/** One engine's way to run a case: `run(n)` makes n calls and returns the milliseconds they took. */
export interface Contender {
  engine: string;
  run(n: number): Promise<number>;
}

export interface InterleaveOptions {
  /** Timed blocks per contender (3, or 1, for contenders whose one call takes over `slowMs`, or 5 · slowMs). */
  reps?: number;
  /** Each block lasts at least this long (calls per block are calibrated once, after warm-up). */
  blockMs?: number;
  slowMs?: number;
}

/**
 * Median milliseconds per call of each contender, measured side by side: after warm-up and calibration, repetition r
 * runs one block of every contender, starting with a different one each time, so load that comes and goes on a shared
 * machine falls on every engine alike and the ratios hold even when the absolute figures do not.
 */
export async function interleave(
  contenders: Contender[],
  { reps = 7, blockMs = 20, slowMs = 300 }: InterleaveOptions = {},
): Promise<Map<string, number>> {
  const calls = new Map<Contender, number>();
  const blocks = new Map<Contender, number>();
  const samples = new Map<Contender, number[]>();
  for (const c of contenders) {
    let ms = await c.run(1); // warm-up (JIT, lazily built plans, backend switch)
    // Slow contenders (tfjs-cpu's convolutions take seconds): three blocks of one call, or one past 5 · slowMs,
    // so a run stays short on a shared machine; the warm-up call above is their only warm-up.
    blocks.set(c, ms > 5 * slowMs ? 1 : ms > slowMs ? 3 : reps);
    let n = 1;
    if (ms <= slowMs) {
      ms = await c.run(1);
      while (ms < blockMs && n < 1 << 20) {
        n *= 2;
        ms = await c.run(n);
      }
    }
    calls.set(c, n);
    samples.set(c, []);
  }
  for (let r = 0; r < reps; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(k + r) % contenders.length];
      const s = samples.get(c)!;
      if (s.length >= blocks.get(c)!) continue;
      const n = calls.get(c)!;
      s.push((await c.run(n)) / n);
    }
  }
  return new Map(contenders.map((c) => [c.engine, median(samples.get(c)!)]));
}

/** The p-quantile of v (nearest rank, no interpolation): the latency tables' median and p95. */
export function quantile(v: number[], p: number): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

export function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The clock of every timing: CPU time of this process (user + system, process.cpuUsage) by default, so that on a
 * machine shared by more runnable processes than cores the time another process holds the core is not counted;
 * `BENCH_CLOCK=wall` (or `--wall`) for wall-clock time on a quiet machine. Either way the same clock for every engine
 * (the PyTorch peer uses time.process_time / perf_counter alike).
 */
export const CLOCK: 'cpu' | 'wall' = process.env.BENCH_CLOCK === 'wall' || process.argv.includes('--wall') ? 'wall' : 'cpu';

export function nowMs(clock = CLOCK): number {
  if (clock === 'wall') return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Times n calls of a synchronous or asynchronous function. */
export function timed(fn: () => unknown, clock = CLOCK): (n: number) => Promise<number> {
  return async (n) => {
    const t0 = nowMs(clock);
    for (let i = 0; i < n; i++) await fn();
    return nowMs(clock) - t0;
  };
}

/** Readable tables of the rows: one per case, each engine's figure and its ratio to `simd` (higher is better for us). */
export function printRows(title: string, list: BenchRow[] = rows): void {
  console.log(`\n## ${title}\n`);
  console.log('| case | model | engine | median | simd vs this |');
  console.log('|---|---|---|---:|---:|');
  for (const r of list) {
    const base = list.find((b) => b.case === r.case && b.model === r.model && b.engine === 'simd');
    const ratio = !base || base === r ? '' : `${speedup(base, r).toFixed(2)}×`;
    console.log(`| ${r.case} | ${r.model} | ${r.engine} | ${fmt(r)} | ${ratio} |`);
  }
}

/** How many times faster `a` is than `b` (time units: b/a; rates: a/b). */
export function speedup(a: BenchRow, b: BenchRow): number {
  return a.unit === 'µs' || a.unit === 'ms' ? b.median / a.median : a.median / b.median;
}

const fmt = (r: BenchRow) => {
  if (r.unit === 'µs' && r.median >= 1000) return `${(r.median / 1000).toFixed(2)} ms`;
  return `${r.unit === 'images/s' ? Math.round(r.median) : r.median.toFixed(r.median < 10 ? 2 : 1)} ${r.unit}`;
};
