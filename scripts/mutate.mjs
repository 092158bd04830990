#!/usr/bin/env node
// `npm run mutate [-- grader|problems|sampling|export|FILE[:A-B]…] [--concurrency N] [--full]`: the mutation score of
// the code whose rules matter most (StrykerJS 9, TypeScript checker, tap runner over this repo's
// node:test files run with tsx). Not part of `npm test`: a full run takes hours on two cores. Run it
// before a release, or for the folder or file you changed.
//
// Each source file is its own Stryker run with its own incremental file (.cache/stryker/), so a run
// can be stopped and restarted file by file, and a second run re-tests only the mutants whose code or
// tests changed (--full ignores that). The per-folder score printed at the end (and written to
// .cache/stryker/summary.json) adds up the latest report of every file of the folder; a file never
// measured is named, not guessed. `FILE:A-B` mutates lines A to B only (Stryker's mutation range), with
// its own report and incremental file: a big file can be measured in parts that each finish (Stryker
// writes a report only at the end of a run). A file with no whole-file report counts the sum of its
// parts' latest reports, and the lines they cover are printed beside its score.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, '.cache', 'stryker');

/**
 * What is mutated and which test files judge it. Test files run in this order and a run stops at the
 * first file that fails, so the fast files come first. Files without logic (types, re-exports, the
 * worker entries, the version string) are left out.
 */
const SCOPES = {
  grader: {
    files: () => listTs('src/core/grader', ['index.ts', 'types.ts', 'version.ts', 'worker.ts', 'worker-messages.ts']),
    tests: ['test/unit/grader/*.test.ts'],
  },
  problems: {
    files: () => listTs('src/core/problems', []),
    tests: ['test/unit/problems/*.test.ts'],
  },
  // What a results table says (RGR, Δ, intervals, averages, the paper formats), judged by the pure rule
  // tests first (outcomes, settings choices, the text formats), then the pure metric tests, then the
  // comparison on small hand-graded stores (the base; the table's columns, rows, selectors and reasons),
  // then on a real store built from the synthetic fixture with known answers, then the evaluations, their
  // re-runs and per-problem results on real stores sampled from the fake server.
  results: {
    files: () => listTs('src/core/results', []),
    tests: [
      'test/unit/results/outcomes-rules.test.ts',
      'test/unit/results/choices-rules.test.ts',
      'test/unit/results/format-rules.test.ts',
      'test/unit/results/estimators.test.ts',
      'test/unit/results/metrics.test.ts',
      'test/unit/results/comparison-base.test.ts',
      'test/unit/results/comparison-table.test.ts',
      'test/unit/results/comparison.test.ts',
      'test/unit/results/evaluations.test.ts',
      'test/unit/results/problem-results-rules.test.ts',
      'test/unit/results/eval-runs-rules.test.ts',
      'test/unit/results/rerun-rules.test.ts',
      'test/unit/results/lineage.test.ts',
      'test/unit/results/problem-lineage.test.ts',
    ],
  },
  // The sampler's retry and resume code, judged by its own unit tests (each against the fake server or
  // a real store). sampler.test.ts is left out: it takes a minute a run, so every surviving mutant
  // would cost that, and its time-based cases (a 300 ms timeout) fail now and then on a loaded machine,
  // which counts a mutant as killed for nothing.
  // What an export writes and refuses (files on disk, snapshots in a real store).
  export: {
    files: () => ['src/core/export/atomic-file.ts', 'src/core/export/dataset-files.ts', 'src/core/export/snapshots.ts'],
    tests: [
      'test/unit/export/atomic-file.test.ts',
      'test/unit/export/dataset-files.test.ts',
      'test/unit/export/snapshots.test.ts',
      'test/unit/export/export.test.ts',
    ],
  },
  sampling: {
    files: () => ['src/core/sampling/retry.ts', 'src/core/sampling/resume.ts', 'src/core/sampling/attempts.ts'],
    tests: [
      'test/unit/sampling/retry.test.ts',
      'test/unit/sampling/resume.test.ts',
      'test/unit/sampling/attempts.test.ts',
    ],
  },
  // The memory plan decides whether a user submits a job as it is or changes it first.
  'jobs-plan': {
    files: () => ['src/core/jobs/memory-plan.ts'],
    tests: ['test/unit/jobs/memory-plan.test.ts'],
  },
  // What the trace browser selects and what a label changes (filter compile, labels, undo), on a real store.
  curation: {
    files: () => ['src/core/curation/compile.ts', 'src/core/curation/filter.ts', 'src/core/curation/labels.ts'],
    tests: [
      'test/unit/curation/check-filter.test.ts',
      'test/unit/curation/labels.test.ts',
      'test/unit/curation/filter.test.ts',
    ],
  },
  // Whose file a store is, and what an upgrade keeps.
  store: {
    files: () => ['src/core/store/open.ts', 'src/core/store/migrations.ts'],
    tests: [
      'test/unit/store/foreign-files.test.ts',
      'test/unit/store/read-only-open.test.ts',
      'test/unit/store/open-failures.test.ts',
      'test/unit/store/migrate-every-version.test.ts',
      'test/unit/store/open.test.ts',
    ],
  },
  // What of a server's or a model's text may be stored, logged or shown.
  text: {
    files: () => ['src/core/untrusted-text.ts'],
    tests: [
      'test/unit/text/redaction.test.ts',
      'test/unit/text/server-text.test.ts',
      'test/unit/text/untrusted-text.test.ts',
    ],
  },
  // A job's log into the store: records, the log tail through outages, the Ray errors that decide a retry.
  jobs: {
    files: () => ['src/core/jobs/ingest.ts', 'src/core/jobs/log-tail.ts', 'src/core/jobs/ray-errors.ts'],
    tests: [
      'test/unit/jobs/ray-errors.test.ts',
      'test/unit/jobs/ingest-records.test.ts',
      'test/unit/jobs/ingest-eval-samples.test.ts',
      'test/unit/jobs/ray-client.test.ts',
      'test/unit/jobs/log-tail-endings.test.ts',
      'test/unit/jobs/log-tail.test.ts',
    ],
  },
};

function listTs(dir, skip) {
  return fs
    .readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith('.ts') && !skip.includes(f))
    .sort()
    .map((f) => `${dir}/${f}`);
}

function parseArgs(argv) {
  const targets = [];
  let concurrency = 1;
  let full = false;
  let report = false;
  const tests = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--concurrency') concurrency = Number(argv[++i]);
    else if (a === '--tests') tests.push(argv[++i]);
    else if (a === '--full') full = true;
    else if (a === '--report') report = true;
    else if (a === '--help' || a === '-h') {
      console.log(
        'usage: npm run mutate -- [grader|problems|sampling|export|results|curation|store|text|jobs|jobs-plan|src/core/…/file.ts[:FIRST-LAST]]… [--tests GLOB]… [--concurrency N] [--full] [--report]\n  FILE:FIRST-LAST: mutate those lines only (its own report; parts add up when no whole-file report exists)\n  --report: print the latest score of each file of the targets, run nothing',
      );
      process.exit(0);
    } else targets.push(a);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) usage('--concurrency needs a positive integer');
  return { targets: targets.length ? targets : Object.keys(SCOPES), concurrency, full, tests, report };
}

function usage(message) {
  console.error(`mutate: ${message}`);
  process.exit(2);
}

/** [scope, file, range] triples for the targets: a scope name, or a source file of a scope with an optional line range. */
function plan(targets) {
  const out = [];
  for (const t of targets) {
    if (SCOPES[t]) {
      for (const f of SCOPES[t].files()) out.push([t, f, null]);
      continue;
    }
    const ranged = /^(.+\.ts):(\d+)-(\d+)$/.exec(t);
    const range = ranged ? { first: Number(ranged[2]), last: Number(ranged[3]) } : null;
    if (range && (range.first < 1 || range.last < range.first))
      usage(`${t}: a line range is FIRST-LAST with 1 <= FIRST <= LAST`);
    const rel = path
      .relative(ROOT, path.resolve(ranged ? ranged[1] : t))
      .split(path.sep)
      .join('/');
    const scope = Object.keys(SCOPES).find((s) => SCOPES[s].files().includes(rel));
    if (!scope) usage(`${t} is neither a scope (${Object.keys(SCOPES).join(', ')}) nor one of their files`);
    out.push([scope, rel, range]);
  }
  return out;
}

const slug = (file, range) =>
  file.replace(/^src\/core\//, '').replace(/[/.]/g, '_') + (range ? `@${range.first}-${range.last}` : '');
const reportOf = (file, range = null) => path.join(OUT, 'reports', `${slug(file, range)}.json`);
/** The line-range reports of a file, as { range, file } sorted by first line. */
function partReports(file) {
  const dir = path.join(OUT, 'reports');
  if (!fs.existsSync(dir)) return [];
  const prefix = `${slug(file)}@`;
  return fs
    .readdirSync(dir)
    .map((name) => /^(.+)@(\d+)-(\d+)\.json$/.exec(name))
    .filter((m) => m && `${m[1]}@` === prefix)
    .map((m) => ({ range: { first: Number(m[2]), last: Number(m[3]) }, file: path.join(dir, m[0]) }))
    .sort((a, b) => a.range.first - b.range.first);
}

async function mutateFile(scope, file, range, { concurrency, full, tests }) {
  const { Stryker } = await import('@stryker-mutator/core');
  fs.mkdirSync(path.join(OUT, 'reports'), { recursive: true });
  const stryker = new Stryker({
    mutate: [range ? `${file}:${range.first}-${range.last}` : file],
    testRunner: 'tap',
    tap: {
      // --tests narrows the judges to the test files that target the file: fewer tests can only kill
      // fewer mutants, so that score is a lower bound of the scope's, at a fraction of the time.
      testFiles: tests.length ? tests : SCOPES[scope].tests,
      // The hook first: it sets the namespace the instrumented code reports coverage to.
      nodeArgs: ['--require', '{{hookFile}}', '--import', 'tsx', '{{testFile}}'],
      forceBail: true,
    },
    checkers: ['typescript'],
    tsconfigFile: 'tsconfig.mutate.json',
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    coverageAnalysis: 'perTest',
    concurrency,
    // Shared, loaded machines: a slow file is not a timeout.
    timeoutMS: 30_000,
    timeoutFactor: 2,
    incremental: !full,
    force: full,
    // a narrowed run keeps its own incremental file: its results say nothing of the scope's other tests
    incrementalFile: path.join(OUT, 'incremental', `${slug(file, range)}${tests.length ? '.narrow' : ''}.json`),
    tempDirName: '.cache/stryker/tmp',
    cleanTempDir: true,
    // Only what the tests read goes into the sandbox (never .cache with code-server, dist, out).
    ignorePatterns: [
      '/*',
      '!/src',
      '!/test',
      '!/data',
      '!/package.json',
      '!/tsconfig.json',
      '!/tsconfig.base.json',
      '!/tsconfig.mutate.json',
    ],
    reporters: ['clear-text', 'progress', 'json'],
    jsonReporter: { fileName: reportOf(file, range) },
    clearTextReporter: {
      allowColor: process.stdout.isTTY,
      logTests: false,
      reportScoreTable: true,
      reportMutants: true,
    },
    logLevel: 'info',
    fileLogLevel: 'off',
    warnings: { slow: false },
  });
  await stryker.runMutationTest();
}

// Stryker's score: detected (killed, timeout) over valid mutants (detected, survived, no coverage).
// Compile errors and ignored mutants count nowhere.
function tally(files) {
  const t = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, compileErrors: 0, files: [], missing: [] };
  for (const f of files) {
    // the whole file's report, else the sum of its parts' (each mutant lies in one part's range)
    const whole = reportOf(f);
    const parts = fs.existsSync(whole) ? [] : partReports(f);
    const sources = parts.length ? parts.map((p) => p.file) : fs.existsSync(whole) ? [whole] : [];
    if (!sources.length) {
      t.missing.push(f);
      continue;
    }
    const c = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, compileErrors: 0 };
    const mutants = sources.flatMap((source) => {
      const report = JSON.parse(fs.readFileSync(source, 'utf8'));
      const own = Object.entries(report.files).filter(([name]) => name.split(path.sep).join('/').endsWith(f));
      return own.flatMap(([, x]) => x.mutants);
    });
    for (const m of mutants) {
      if (m.status === 'Killed') c.killed++;
      else if (m.status === 'Timeout') c.timeout++;
      else if (m.status === 'Survived') c.survived++;
      else if (m.status === 'NoCoverage') c.noCoverage++;
      else if (m.status === 'CompileError') c.compileErrors++;
    }
    for (const k of Object.keys(c)) t[k] += c[k];
    const measured = sources.map((s) => fs.statSync(s).mtime.toISOString()).sort()[0];
    const lines = parts.length ? parts.map((p) => `${p.range.first}-${p.range.last}`).join(', ') : null;
    t.files.push({ file: f, measured, lines, ...c, score: score(c) });
  }
  const valid = t.killed + t.timeout + t.survived + t.noCoverage;
  return { ...t, valid, score: score(t) };
}

function score(c) {
  const valid = c.killed + c.timeout + c.survived + c.noCoverage;
  return valid ? Number((((c.killed + c.timeout) / valid) * 100).toFixed(2)) : null;
}

const options = parseArgs(process.argv.slice(2));
const work = plan(options.targets);
process.chdir(ROOT);
const failed = [];
for (const [scope, file, range] of options.report ? [] : work) {
  console.log(`\n=== mutate ${file}${range ? ` lines ${range.first}-${range.last}` : ''} (${scope}) ===`);
  const started = Date.now();
  try {
    await mutateFile(scope, file, range, options);
  } catch (e) {
    failed.push(file);
    console.error(`mutate: ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  console.log(`mutate: ${file} took ${((Date.now() - started) / 60_000).toFixed(1)} min`);
}

const summary = {};
for (const scope of new Set(work.map(([s]) => s))) summary[scope] = tally(SCOPES[scope].files());
fs.writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
console.log('\nmutation score per folder (latest report of each file):');
for (const [scope, t] of Object.entries(summary)) {
  const missing = t.missing.length ? `; not measured yet: ${t.missing.join(', ')}` : '';
  console.log(
    `  ${scope}: ${t.score ?? '—'}% (${t.killed} killed, ${t.timeout} timeout, ${t.survived} survived, ${t.noCoverage} no coverage; ${t.compileErrors} compile errors)${missing}`,
  );
  // each file's own, for docs/testing.md's table
  for (const f of t.files)
    console.log(
      `    ${f.file}${f.lines ? ` (lines ${f.lines} only)` : ''}: ${f.score ?? '—'}% (${f.killed} killed, ${f.timeout} timeout, ${f.survived} survived, ${f.noCoverage} no coverage) measured ${f.measured.slice(0, 10)}`,
    );
}
if (failed.length) {
  console.error(`mutate: failed for ${failed.join(', ')}`);
  process.exit(1);
}
