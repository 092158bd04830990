/**
 * Trace browser benchmark: a store of 100,000 traces (5 runs × 5,000 MATH-like problems × 4 samples,
 * texts built from the 400 real Qwen2.5-Math responses: some with separate reasoning, truncated loops,
 * Chinese, usage or not), graded and labelled, then timed against baselines measured in the same run:
 *
 * - facet counts (every facet, each with the other facets applied)  vs one bare GROUP BY of the same rows
 * - filter + first page, several filters and sorts (p50/p95)         vs a bare SELECT … LIMIT 100
 *   (each through the in-memory index the extension keeps, and through SQL as the CLI asks)
 * - a full-text search page                                         vs the bare FTS5 MATCH … LIMIT 100
 * - opening a trace (with search hits)                              vs SELECT * of the trace row
 * - export of W2SR-P (traces/s)                                     vs the same rows read, JSON-encoded and written bare
 *
 * Every time is given as CPU time of this process (what the work costs on a core of its own) and as
 * wall-clock time (which on a shared, loaded machine includes waiting for a core).
 *
 * Run: npm run bench -- traces   (or node --import tsx bench/traces.bench.ts [--n 100000] [--keep DIR])
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { findTraceDetail } from '../src/core/curation/detail';
import { facetCounts } from '../src/core/curation/facets';
import type { TraceFilter, TraceSort } from '../src/core/curation/filter';
import { queryTraces } from '../src/core/curation/query';
import { createTraceIndex } from '../src/core/curation/trace-index';
import { exportDataset } from '../src/core/export/export';
import { computeStoredSignals } from '../src/core/signals/record';
import { openStore, type Store } from '../src/core/store/open';
import { seededRandom } from '../src/core/seeded-random';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

const N = Number(arg('n', '100000'));
const RUNS = 5;
const SAMPLES = 4;
const PROBLEMS = Math.ceil(N / (RUNS * SAMPLES));
const REPEATS = 25;

function responses(): string[] {
  const file = path.join(__dirname, '..', 'test', 'fixtures', 'qwen25-math-cot-sample.jsonl');
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { response: string }).response);
}

function build(store: Store): void {
  const db = store.db;
  const texts = responses();
  const rand = seededRandom(42);
  const subjects = [
    'Algebra',
    'Geometry',
    'Number Theory',
    'Precalculus',
    'Counting & Probability',
    'Intermediate Algebra',
    'Prealgebra',
  ];
  db.transaction(() => {
    const setId = Number(
      db.prepare("INSERT INTO problem_sets (name, source, source_hash) VALUES ('math-bench', 'bench', 'x')").run()
        .lastInsertRowid,
    );
    const problem = db.prepare(
      "INSERT INTO problems (set_id, key, position, question, answer, answer_type, metadata) VALUES (?, ?, ?, ?, ?, 'math', ?)",
    );
    const pids: number[] = [];
    for (let i = 0; i < PROBLEMS; i++) {
      const meta = JSON.stringify({
        subject: subjects[i % subjects.length],
        level: `Level ${(i % 5) + 1}`,
        solution: `We compute ${i} step by step. `.repeat(20),
      });
      pids.push(
        Number(
          problem.run(
            setId,
            `p${i}`,
            i,
            `Problem ${i}: let $f(x) = ${i % 97}x^2 + ${i % 13}$. Find $f(${i % 7})$.`,
            String(i),
            meta,
          ).lastInsertRowid,
        ),
      );
    }
    const run = db.prepare("INSERT INTO runs (name, kind, set_id, model, status) VALUES (?, 'import', ?, ?, 'done')");
    const trace = db.prepare(
      'INSERT INTO traces (run_id, problem_id, sample_index, prompt, reasoning, answer, finish_reason, completion_tokens, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const grade = db.prepare(
      "INSERT INTO grades (trace_id, extracted, verdict, grader_version) VALUES (?, ?, ?, 'bench')",
    );
    const label = db.prepare('INSERT INTO labels (trace_id, decision, star) VALUES (?, ?, ?)');
    let n = 0;
    for (let r = 0; r < RUNS && n < N; r++) {
      const runId = Number(run.run(`teacher-${r}`, setId, `model-${r % 3}`).lastInsertRowid);
      for (let p = 0; p < PROBLEMS && n < N; p++) {
        for (let s = 0; s < SAMPLES && n < N; s++, n++) {
          const base = texts[(p * 7 + s * 3 + r) % texts.length]!;
          const x = rand();
          let reasoning: string | null = null;
          let answer = base;
          let finish = 'stop';
          if (x < 0.15) {
            reasoning = `${texts[(p + s + 1) % texts.length]}\n\nWait, let me check this again.\n\n${base}`;
            answer = `The final answer is $\\boxed{${p}}$.`;
          } else if (x < 0.2) {
            answer = `${base}\n\n${'Let me recompute the sum again. '.repeat(40)}`;
            finish = 'length';
          } else if (x < 0.22) {
            answer = `${base}\n\n等等，让我检查一下这个结果。`;
          } else if (x < 0.6) {
            answer = `${texts[(p + s + 2) % texts.length]}\n\n${base}`;
          }
          const tokens = rand() < 0.5 ? Math.round(((reasoning?.length ?? 0) + answer.length) / 3.5) : null;
          const id = Number(
            trace.run(
              runId,
              pids[p],
              s,
              `Problem ${p}`,
              reasoning,
              answer,
              finish,
              tokens,
              Math.round(500 + rand() * 60_000),
            ).lastInsertRowid,
          );
          const v = rand();
          if (v < 0.95)
            grade.run(id, String(p), v < 0.55 ? 'correct' : v < 0.87 ? 'incorrect' : v < 0.93 ? 'no-answer' : 'error');
          const l = rand();
          if (l < 0.03) label.run(id, l < 0.02 ? 'accept' : 'reject', l < 0.005 ? 1 : 0);
        }
      }
    }
  })();
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Timing {
  p50: number;
  p95: number;
  wallP50: number;
  wallP95: number;
}

/** p50/p95 of CPU time (user + system of this process) and of wall-clock time. */
function time(f: (i: number) => unknown, repeats = REPEATS): Timing {
  f(-1); // warm: statements, page cache
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f(i);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  cpu.sort((a, b) => a - b);
  wall.sort((a, b) => a - b);
  return { p50: pct(cpu, 50), p95: pct(cpu, 95), wallP50: pct(wall, 50), wallP95: pct(wall, 95) };
}

const fmt = (n: number, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main(): Promise<void> {
  const keep = arg('keep', '');
  const dir = keep || fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-traces-bench-'));
  const dbFile = path.join(dir, 'w2s.db');
  const fresh = !fs.existsSync(dbFile);
  const store = openStore(dbFile);
  let t0 = performance.now();
  try {
    if (fresh) {
      build(store);
      console.log(`built ${N.toLocaleString('en-US')} traces in ${fmt((performance.now() - t0) / 1000)} s`);
      t0 = performance.now();
      const c0 = process.cpuUsage();
      const s = await computeStoredSignals(store, { batchSize: 500 });
      const secs = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const cpuSecs = (c.user + c.system) / 1e6;
      console.log(
        `signals of ${s.computed.toLocaleString('en-US')} traces: ${fmt(cpuSecs)} s CPU (${fmt(s.computed / cpuSecs, 0)} traces/s, ${fmt((cpuSecs / s.computed) * 1e6, 0)} µs a trace), ${fmt(secs)} s wall`,
      );
      store.db.exec('ANALYZE');
    }
    const size = fs.statSync(dbFile).size;
    console.log(
      `trace browser benchmark: ${N.toLocaleString('en-US')} traces, store ${fmt(size / 2 ** 20, 0)} MB, node ${process.version}, ${os.availableParallelism()} cores`,
    );
    const rows: string[][] = [
      ['operation', 'cpu p50', 'cpu p95', 'wall p50', 'wall p95', 'baseline', 'base cpu p50', 'ratio', 'goal'],
    ];
    const row = (op: string, t: Timing, base: string, b: Timing | undefined, goal: string, d = 1) =>
      rows.push([
        op,
        fmt(t.p50, d),
        fmt(t.p95, d),
        fmt(t.wallP50, d),
        fmt(t.wallP95, d),
        base,
        b ? fmt(b.p50, 2) : '',
        b ? `${fmt(t.p50 / b.p50)}x` : '',
        goal,
      ]);
    const db = store.db;

    // The index the extension keeps: loaded once, then refreshed per change.
    t0 = performance.now();
    const c0 = process.cpuUsage();
    const index = createTraceIndex(store);
    await index.load();
    const loadCpu = process.cpuUsage(c0);
    console.log(
      `index of ${index.size.toLocaleString('en-US')} traces loaded in ${fmt((loadCpu.user + loadCpu.system) / 1000, 0)} ms CPU (${fmt(performance.now() - t0, 0)} ms wall), once per window; then only changed traces are reloaded`,
    );

    // Facet counts
    const facetFilters: [string, TraceFilter][] = [
      ['no filter', {}],
      ['verdict + signal', { verdicts: ['incorrect'], signals: [{ signal: 'repetition' }] }],
      [
        'runs, length, label, subject',
        { runs: ['teacher-1', 'teacher-3'], length: { min: 500, max: 3999 }, labels: ['none'], subjects: ['Algebra'] },
      ],
    ];
    const bareGroup = db.prepare('SELECT run_id, verdict, count(*) FROM trace_signals GROUP BY run_id, verdict');
    const baseFacet = time(() => bareGroup.all());
    const worst = { facet: 0, page: 0, search: 0 };
    for (const [name, f] of facetFilters) {
      const t = time(() => index.facets(f));
      worst.facet = Math.max(worst.facet, t.p95);
      row(`facet counts, ${name} (index)`, t, 'bare GROUP BY run, verdict', baseFacet, '≤ 100 ms');
      const sqlT = time(() => facetCounts(store, f), 5);
      row(`facet counts, ${name} (SQL, CLI)`, sqlT, 'bare GROUP BY run, verdict', baseFacet, '—');
    }

    // Filter + first page
    const pages: [string, TraceFilter, TraceSort | undefined][] = [
      ['all by id', {}, undefined],
      ['all by problem', {}, { key: 'problem' }],
      ['incorrect by length desc', { verdicts: ['incorrect'] }, { key: 'length', desc: true }],
      [
        'one run with reflection by problem',
        { runs: ['teacher-2'], signals: [{ signal: 'reflection' }] },
        { key: 'problem' },
      ],
      [
        'correct, long, unlabelled by answers desc',
        { verdicts: ['correct'], length: { min: 1000 }, labels: ['none'] },
        { key: 'signal:answers', desc: true },
      ],
      ['truncated by latency', { finishReasons: ['length'] }, { key: 'latency' }],
      ['level 5 geometry by verdict', { levels: ['5'], subjects: ['Geometry'] }, { key: 'verdict' }],
    ];
    const bareSelect = db.prepare(
      "SELECT t.id FROM traces t JOIN grades g ON g.trace_id = t.id WHERE g.verdict = 'incorrect' LIMIT 100",
    );
    const basePage = time(() => bareSelect.all());
    for (const [name, f, sort] of pages) {
      const t = time(() => index.page({ filter: f, sort, limit: 100 }));
      worst.page = Math.max(worst.page, t.p95);
      row(`first page, ${name} (index)`, t, 'bare SELECT … LIMIT 100', basePage, 'p95 ≤ 50 ms');
    }
    const sqlPage = time(
      () =>
        queryTraces(store, { filter: { verdicts: ['incorrect'] }, sort: { key: 'length', desc: true }, limit: 100 }),
      5,
    );
    row('first page, incorrect by length desc (SQL, CLI)', sqlPage, 'bare SELECT … LIMIT 100', basePage, '—');

    // Full-text search: a first query (FTS5 ids, then facets and the page reuse them), and a next page
    const bareFts = db.prepare('SELECT rowid FROM traces_fts WHERE traces_fts MATCH ? LIMIT 100');
    for (const [text, fts] of [
      ['"let me check"', '"let me check"'],
      ['recompute OR verify', '"recompute" OR "verify"'],
      ['nearest whole number -approximate', '"nearest" AND "whole" AND "number" NOT "approximate"'],
    ] as const) {
      const base = time(() => bareFts.all(fts));
      // a term that matches nothing, different each time, so that every query is a first one
      const t = time((i) => index.page({ filter: { text: `${text} -zzq${i + 1}` }, limit: 100 }));
      worst.search = Math.max(worst.search, t.p95);
      row(`search ${text}: first page with snippets (index)`, t, 'bare FTS5 MATCH LIMIT 100', base, 'p95 ≤ 50 ms');
      const f = time((i) => index.facets({ text: `${text} -zzq${i + 1}` }));
      row(`search ${text}: facet counts (index)`, f, 'bare GROUP BY run, verdict', baseFacet, '≤ 100 ms');
      worst.facet = Math.max(worst.facet, f.p95);
    }

    // Open a trace
    const ids = db.prepare('SELECT trace_id FROM trace_signals ORDER BY random() LIMIT 200').pluck().all() as number[];
    const bareTrace = db.prepare('SELECT * FROM traces WHERE id = ?');
    const baseOpen = time((i) => bareTrace.get(ids[(i + 200) % ids.length]), 200);
    const open = time((i) => findTraceDetail(store, ids[(i + 200) % ids.length]!, { text: 'check' }), 200);
    row('open a trace (full text, extracted answer, search hits)', open, 'SELECT * of the trace row', baseOpen, '—', 2);

    // Export W2SR-P
    const out = path.join(dir, 'export');
    fs.rmSync(out, { recursive: true, force: true });
    const bareIds = db
      .prepare("SELECT trace_id FROM trace_signals WHERE verdict = 'correct' ORDER BY problem_id, run_id, sample_index")
      .pluck()
      .all() as number[];
    t0 = performance.now();
    let c1 = process.cpuUsage();
    {
      const read = db.prepare(
        'SELECT t.reasoning, t.answer, p.question FROM traces t JOIN problems p ON p.id = t.problem_id WHERE t.id = ?',
      );
      fs.mkdirSync(out, { recursive: true });
      const fd = fs.openSync(path.join(out, 'bare.jsonl'), 'w');
      let chunk: string[] = [];
      for (const id of bareIds) {
        const r = read.get(id) as { reasoning: string | null; answer: string; question: string };
        chunk.push(
          `${JSON.stringify({
            messages: [
              { role: 'user', content: r.question },
              {
                role: 'assistant',
                content: r.reasoning ? `<think>\n${r.reasoning}\n</think>\n\n${r.answer}` : r.answer,
              },
            ],
          })}\n`,
        );
        if (chunk.length >= 500) {
          fs.writeSync(fd, chunk.join(''));
          chunk = [];
        }
      }
      fs.writeSync(fd, chunk.join(''));
      fs.closeSync(fd);
    }
    let c = process.cpuUsage(c1);
    const bareCpu = (c.user + c.system) / 1e6;
    const bareWall = (performance.now() - t0) / 1000;
    t0 = performance.now();
    c1 = process.cpuUsage();
    const ex = await exportDataset(store, {
      name: `bench-${Date.now()}`,
      preset: 'w2sr-p',
      format: 'openai',
      out: path.join(out, 'w2sr-p.jsonl'),
    });
    c = process.cpuUsage(c1);
    const exCpu = (c.user + c.system) / 1e6;
    const n = ex.snapshot.counts.train;
    const rate = (x: number) => `${fmt(n / x, 0)}/s`;
    rows.push([
      `export W2SR-P (${n.toLocaleString('en-US')} traces; snapshot, sha256, temp file + rename)`,
      rate(exCpu),
      '',
      rate(ex.elapsedMs / 1000),
      '',
      'bare read + JSON + write',
      rate(bareCpu),
      `${fmt(bareCpu / exCpu, 2)}x`,
      '≥ 20,000/s',
    ]);

    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows)
      console.log(
        r
          .map((cell, i) => (i === 0 || i === 5 || i === 8 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
          .join('  '),
      );
    console.log(`(bare export: ${rate(bareWall)} wall; times in ms; cpu = this process's CPU time, wall = elapsed)`);
    console.log(
      `goals (CPU time): facet counts ≤ 100 ms: ${worst.facet <= 100 ? 'met' : 'NOT met'} (worst p95 ${fmt(worst.facet)}); ` +
        `page p95 ≤ 50 ms: ${Math.max(worst.page, worst.search) <= 50 ? 'met' : 'NOT met'} (worst ${fmt(Math.max(worst.page, worst.search))}); ` +
        `export ≥ 20,000/s: ${n / exCpu >= 20_000 ? 'met' : 'NOT met'} (${rate(exCpu)})`,
    );
  } finally {
    store.close();
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
