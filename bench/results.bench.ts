/**
 * Results benchmark: the comparison table (metrics, 95% bootstrap intervals, paired Δ, RGR) for 8 models ×
 * the 6 built-in benchmarks (2,836 problems each; one model with n = 4), from a real store.
 * Run: node --import tsx bench/results.bench.ts [--resamples 2000]
 * Baseline, same run: reading the same problem, trace and grade rows with the same queries, and nothing else.
 * Also reported: the longest stretch between two yields (what the extension host would feel), and a
 * second build with the cache (nothing changed: fingerprints only).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BUILTIN_BENCHMARKS, builtinFile } from '../src/core/problems/builtin';
import { importProblemSet } from '../src/core/problems/import';
import { buildComparison, createComparisonCache } from '../src/core/results/comparison';
import { evalFingerprint, listEvalRuns } from '../src/core/results/eval-runs';
import { seededRandom } from '../src/core/results/interval';
import { openStore } from '../src/core/store/open';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
};
const RESAMPLES = Number(arg('resamples', '2000'));
const MODELS = ['base', 'rl', 'w2sr-0.5b', 'w2sr-1.5b', 'w2sr-7b', 'w2sr-p-0.5b', 'w2sr-p-1.5b', 'maj-n4'];

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-bench-results-'));
  const store = openStore(path.join(dir, 'w2s.db'));
  try {
    for (const b of BUILTIN_BENCHMARKS)
      await importProblemSet(store, { file: builtinFile(b), name: b.id, sourceLabel: `builtin:${b.id}` });
    const random = seededRandom(7);
    const db = store.db;
    const sets = db.prepare('SELECT id, name FROM problem_sets').all() as { id: number; name: string }[];
    const insertRun = db.prepare(
      "INSERT INTO runs (name, kind, set_id, model, params, samples_per_problem, status) VALUES (?, 'eval', ?, ?, '{}', ?, 'done')",
    );
    const insertTrace = db.prepare(
      "INSERT INTO traces (run_id, problem_id, sample_index, prompt, answer, finish_reason, completion_tokens) VALUES (?, ?, ?, '', ?, 'stop', ?)",
    );
    const insertGrade = db.prepare(
      "INSERT INTO grades (trace_id, extracted, verdict, grader_version) VALUES (?, ?, ?, 'bench')",
    );
    let traces = 0;
    db.transaction(() => {
      MODELS.forEach((model, mi) => {
        const n = model === 'maj-n4' ? 4 : 1;
        for (const s of sets) {
          const runId = Number(insertRun.run(`eval-${s.name}-${model}`, s.id, model, n).lastInsertRowid);
          const problems = db.prepare('SELECT id FROM problems WHERE set_id = ?').all(s.id) as { id: number }[];
          for (const p of problems) {
            for (let i = 0; i < n; i++) {
              const correct = random() < 0.3 + mi * 0.05;
              const answer = correct ? '1' : String(Math.floor(random() * 3) + 2);
              const t = Number(
                insertTrace.run(runId, p.id, i, `\\boxed{${answer}}`, Math.floor(random() * 6000)).lastInsertRowid,
              );
              insertGrade.run(t, answer, correct ? 'correct' : 'incorrect');
              traces++;
            }
          }
        }
      });
    })();

    // Baseline: the rows alone, read with the query the metrics use.
    const ids = (db.prepare("SELECT id FROM runs WHERE kind = 'eval'").all() as { id: number }[]).map((r) => r.id);
    const readProblems = db.prepare(
      'SELECT p.id, p.key, p.position, p.metadata FROM problems p JOIN runs r ON r.set_id = p.set_id WHERE r.id = ?',
    );
    const read = db.prepare(
      `SELECT t.run_id, t.id AS trace_id, t.problem_id, t.sample_index, t.error, t.finish_reason, t.completion_tokens, g.verdict, g.extracted
       FROM traces t LEFT JOIN grades g ON g.trace_id = t.id WHERE t.run_id = ?`,
    );
    for (const id of ids) read.all(id); // warm-up
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    let rows = 0;
    const reads: number[] = [];
    const cpu = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const readCpu: number[] = [];
    const coldCpu: number[] = [];
    for (let k = 0; k < 3; k++) {
      const c0 = cpu();
      const t = performance.now();
      rows = 0;
      for (const id of ids) {
        readProblems.all(id);
        rows += read.all(id).length;
      }
      reads.push(performance.now() - t);
      readCpu.push(cpu() - c0);
    }
    const readMs = median(reads);

    await buildComparison(store, { base: 'base', rl: 'rl', resamples: 200 }); // warm-up (JIT)
    let longest = 0;
    let last = 0;
    const yieldEvery = async () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      await new Promise((r) => setImmediate(r));
      last = performance.now();
    };
    const colds: number[] = [];
    let cache = createComparisonCache();
    let c!: Awaited<ReturnType<typeof buildComparison>>;
    for (let k = 0; k < 3; k++) {
      cache = createComparisonCache();
      const c0 = cpu();
      const t = performance.now();
      last = t;
      c = await buildComparison(store, { base: 'base', rl: 'rl', resamples: RESAMPLES, cache, yieldEvery });
      longest = Math.max(longest, performance.now() - last);
      colds.push(performance.now() - t);
      coldCpu.push(cpu() - c0);
    }
    const coldMs = median(colds);
    let t0: number;
    const warm: number[] = [];
    for (let k = 0; k < 5; k++) {
      t0 = performance.now();
      await buildComparison(store, { base: 'base', rl: 'rl', resamples: RESAMPLES, cache });
      warm.push(performance.now() - t0);
    }
    const warmMs = median(warm);
    const fp = performance.now();
    for (const r of listEvalRuns(store)) evalFingerprint(store, r);
    console.log(`  (fingerprints alone: ${(performance.now() - fp).toFixed(0)} ms)`);

    console.log(
      `${MODELS.length} models × ${c.sets.length} sets = ${ids.length} evaluations, ${traces} graded traces (${rows} rows read), ${RESAMPLES} bootstrap resamples`,
    );
    const rc = median(readCpu);
    const cc = median(coldCpu);
    console.log(`  baseline: read the rows only (median of 3)   ${readMs.toFixed(0)} ms wall, ${rc.toFixed(0)} ms CPU`);
    console.log(
      `  comparison, cold (median of 3)              ${coldMs.toFixed(0)} ms wall, ${cc.toFixed(0)} ms CPU   ratio ${(cc / rc).toFixed(1)}× the read (CPU)`,
    );
    console.log(`  longest stretch between two yields (max)    ${longest.toFixed(0)} ms`);
    console.log(`  again, nothing changed (cache, median of 5)  ${warmMs.toFixed(0)} ms`);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
