/**
 * Grader benchmark: the 400 real responses repeated to 10,000, graded single-threaded and with the
 * worker pool. Run: node --import tsx bench/grading.bench.ts [--n 10000] [--traces path]
 * Baselines: a naive grader (last-box extraction + trimmed string compare) measured in the same run,
 * and Math-Verify's published ~440 responses/s (single-threaded Python + sympy, same class of machine).
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGraderPool, gradeResponse, type GradeInput } from '../src/core/grader';
import { lastBoxed } from '../src/core/grader/latex';

const MATH_VERIFY_RPS = 440;

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

const N = Number(arg('n', '10000'));
const tracesPath = arg('traces', path.join(__dirname, '..', 'test', 'fixtures', 'qwen25-math-cot-sample.jsonl'));

function loadItems(): GradeInput[] {
  const rows = readFileSync(tracesPath, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { gold: string; response: string });
  const items: GradeInput[] = [];
  for (let i = 0; i < N; i++) {
    const r = rows[i % rows.length];
    items.push({ gold: r.gold, response: r.response, type: 'math' });
  }
  return items;
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Row {
  mode: string;
  rps: number;
  p50: number;
  p99: number;
}

function runSync(name: string, items: GradeInput[], f: (x: GradeInput) => unknown): Row {
  for (let i = 0; i < Math.min(800, items.length); i++) f(items[i]); // warm-up (JIT, lazy CAS)
  const lat = new Float64Array(items.length);
  const t0 = performance.now();
  for (let i = 0; i < items.length; i++) {
    const t = performance.now();
    f(items[i]);
    lat[i] = performance.now() - t;
  }
  const total = performance.now() - t0;
  const sorted = Array.from(lat).sort((a, b) => a - b);
  return { mode: name, rps: (items.length / total) * 1000, p50: pct(sorted, 50), p99: pct(sorted, 99) };
}

function naive(x: GradeInput): boolean {
  const b = lastBoxed(x.response);
  return b !== null && b.content.trim() === x.gold.trim();
}

async function runPool(items: GradeInput[]): Promise<Row & { size: number }> {
  const dist = path.resolve(__dirname, '../dist/grading-worker.js');
  const workerPath = existsSync(dist) ? dist : path.resolve(__dirname, '../src/core/grader/worker.ts');
  const pool = createGraderPool({ workerPath });
  try {
    await pool.grade(items.slice(0, Math.min(items.length, 400 * pool.size))); // start + warm every worker
    const t0 = performance.now();
    await pool.grade(items);
    const total = performance.now() - t0;
    // round-trip latency of single-item calls through the pool
    const lat: number[] = [];
    for (let i = 0; i < 400; i++) {
      const t = performance.now();
      await pool.grade([items[i]]);
      lat.push(performance.now() - t);
    }
    lat.sort((a, b) => a - b);
    return { mode: `pool (${pool.size} workers)`, size: pool.size, rps: (items.length / total) * 1000, p50: pct(lat, 50), p99: pct(lat, 99) };
  } finally {
    await pool.close();
  }
}

async function main(): Promise<void> {
  const items = loadItems();
  const rows: Row[] = [];
  rows.push(runSync('naive baseline (last box + string ==)', items, naive));
  rows.push(runSync('single-threaded gradeResponse', items, (x) => gradeResponse(x)));
  rows.push(await runPool(items));
  const base = rows[0].rps;
  const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(`grading benchmark: ${items.length} responses (400 real, repeated), node ${process.version}, ${os.availableParallelism()} cores`);
  const header = ['mode', 'resp/s', 'p50 ms', 'p99 ms', 'vs naive', 'vs Math-Verify 440/s'];
  const table = rows.map((r) => [r.mode, fmt(r.rps), fmt(r.p50, 3), fmt(r.p99, 3), `${fmt(r.rps / base, 3)}x`, `${fmt(r.rps / MATH_VERIFY_RPS, 1)}x`]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  for (const r of table) console.log(line(r));
  console.log('(pool p50/p99: round-trip of single-item grade() calls; single-threaded: per response)');
  const single = rows[1].rps;
  console.log(`target >= 2,000 resp/s single-threaded: ${single >= 2000 ? 'met' : 'NOT met'} (${fmt(single)})`);
}

void main();
