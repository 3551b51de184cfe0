/**
 * The README's two derived tables from the bench rows: each kernel's GFLOP/s as a share of simd-peak (same build),
 * and the targets with the measured ratios. `npx tsx bench/summary.ts rows.json` on a saved
 * `npm run -s bench -- --json`; `npm run bench` prints them at the end.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './rows.ts';

const find = (rows: BenchRow[], kase: string, model: string, engine: string) =>
  rows.find((r) => r.case === kase && r.model === model && r.engine === engine);

/** How many times better `a` is than `b` (times: b/a; rates: a/b), or undefined when either is missing. */
function ratio(a?: BenchRow, b?: BenchRow): number | undefined {
  if (!a || !b) return undefined;
  return a.unit === 'µs' || a.unit === 'ms' ? b.median / a.median : a.median / b.median;
}

const x = (v?: number) => (v === undefined ? 'n/a' : `${v.toFixed(2)}×`);

export function printSummary(rows: BenchRow[]): void {
  console.log('\n## Share of simd-peak (GFLOP/s ÷ the same build\'s pure multiply-add loop)\n');
  console.log('| kernel | simd | relaxed-simd |\n|---|---:|---:|');
  for (const k of ['gemm', 'conv-fwd', 'conv-dgrad', 'conv-wgrad', 'conv-dgrad-c1']) {
    const share = (e: string) => {
      const r = find(rows, k, '-', e), p = find(rows, 'simd-peak', '-', e);
      return r && p ? `${r.median.toFixed(1)} GFLOP/s = ${Math.round((100 * r.median) / p.median)} %` : 'n/a';
    };
    console.log(`| ${k} | ${share('simd')} | ${share('relaxed-simd')} |`);
  }

  const simd = (c: string, m: string) => find(rows, c, m, 'simd');
  const targets: [string, string, string | undefined][] = [];
  for (const m of ['mlp', 'cnn']) {
    const f = ratio(simd('forward-1', m), find(rows, 'forward-1', m, 'onnxruntime-web'));
    const t = ratio(simd('forward-1', m), find(rows, 'forward-1', m, 'pytorch'));
    targets.push([`forward-1, ${m}`, '≥ 3× onnxruntime-web, ≥ 4× PyTorch', `${x(f)} ORT, ${x(t)} PyTorch`]);
  }
  targets.push(['ig64-1, cnn', '≥ 2× PyTorch', x(ratio(simd('ig64-1', 'cnn'), find(rows, 'ig64-1', 'cnn', 'pytorch')))]);
  for (const m of ['mlp', 'cnn']) targets.push([`train, ${m}, one thread`, '≥ 1.5× PyTorch', x(ratio(simd('train', m), find(rows, 'train', m, 'pytorch')))]);
  for (const m of ['mlp', 'cnn']) {
    const wall = ratio(simd('train-2t', m), find(rows, 'train-2t', m, 'simd-1t'));
    const bound = find(rows, 'train-2t-bound', m, 'simd');
    targets.push([`train-2t vs train, ${m}`, '≥ 1.7×', `${x(wall)} (wall, loaded); bound ${bound ? x(bound.median) : 'n/a'} (CPU time)`]);
  }
  for (const m of ['mlp', 'cnn']) targets.push([`batch256, ${m}`, '≥ 1.5× onnxruntime-web', x(ratio(simd('batch256', m), find(rows, 'batch256', m, 'onnxruntime-web')))]);
  for (const k of ['gemm', 'conv-fwd']) {
    const r = find(rows, k, '-', 'simd'), p = find(rows, 'simd-peak', '-', 'simd');
    targets.push([k, '≥ 70 % of simd-peak', r && p ? `${Math.round((100 * r.median) / p.median)} %` : 'n/a']);
  }
  const w = find(rows, 'worker-roundtrip', 'mlp+cnn', 'simd'), ip = find(rows, 'roundtrip-in-process', 'mlp+cnn', 'simd');
  targets.push(['worker-roundtrip', '≤ 2× in-process', w && ip ? `${(w.median / ip.median).toFixed(2)}× in-process` : 'n/a']);
  const pop = find(rows, 'popup-frame-p95', 'mlp+cnn', 'simd');
  targets.push(['popup-frame-p95, Chromium', '≤ 16 ms', pop ? `${pop.median.toFixed(1)} ms` : 'n/a']);
  console.log('\n## Targets (ratios from this run)\n');
  console.log('| case | target | measured |\n|---|---|---|');
  for (const [c, t, v] of targets) console.log(`| ${c} | ${t} | ${v} |`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printSummary(JSON.parse(readFileSync(process.argv[2], 'utf8')) as BenchRow[]);
}
