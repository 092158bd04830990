import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeStoredSignals } from '../../src/core/signals/record';
import { openStore } from '../../src/core/store/open';
import { w2s } from './cli';
import { realTraces } from './traces-fixture';

/**
 * A store for the trace browser's end-to-end tests and benchmark, filled the way a user fills one: the
 * built `w2s` imports the problems of the 400 real Qwen2.5-Math responses (50 MATH problems, with their
 * level), imports the responses as a run, adds one hostile trace, and grades everything.
 */

/** What a page-level flag would be set to if any of the hostile trace's payloads ever ran. */
export const PWNED_FLAG = '__w2sPwned';

const braces = (n: number) => `${'{'.repeat(n)}x${'}'.repeat(n)}`;

/** Model output that tries every way into a webview: raw HTML, javascript: links, KaTeX \href, size bombs. */
export function hostileResponse(): string {
  return [
    'Hostile trace. <script>window.__w2sPwned = "script"</script>',
    '',
    '<img src=x onerror="window.__w2sPwned = \'img\'"> and <svg onload="window.__w2sPwned = \'svg\'"></svg>',
    '',
    '[click me](javascript:window.__w2sPwned=%22link%22) and <a href="javascript:window.__w2sPwned=1">raw link</a> and [a web link](https://example.com/x)',
    '',
    'KaTeX link: $\\href{javascript:window.__w2sPwned="href"}{x}$ and $\\url{javascript:alert(1)}$ and $\\htmlClass{x}{y}$',
    '',
    `A deep formula: $${braces(60)}$`,
    '',
    `Nested braces: $${braces(100_000)}$`,
    '',
    `A 1 MB formula: $$${'x^2+'.repeat(262_144)}1$$`,
    '',
    'So the answer is $\\boxed{42}$.',
  ].join('\n');
}

export interface BrowserStore {
  readonly folder: string;
  readonly db: string;
  readonly set: string;
  readonly run: string;
  readonly hostileRun: string;
}

async function cli(folder: string, args: string[]): Promise<string> {
  const r = await w2s([...args, '--db', path.join(folder, '.w2s', 'w2s.db')], { cwd: folder });
  if (r.code !== 0) throw new Error(`w2s ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

export async function seedBrowserStore(folder: string, options: { copies?: number } = {}): Promise<BrowserStore> {
  const traces = realTraces();
  const set = 'math50';
  const problems = new Map<number, { id: string; problem: string; answer: string; level?: string }>();
  for (const t of traces)
    problems.set(t.problem_index, {
      id: String(t.problem_index),
      problem: t.question,
      answer: t.gold,
      level: (t as { level?: string }).level,
    });
  problems.set(-1, { id: 'hostile', problem: 'What is $6 \\times 7$? <b>bold?</b>', answer: '42' });
  const dir = path.join(folder, '.seed');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'problems.jsonl'), [...problems.values()].map((p) => JSON.stringify(p)).join('\n'));
  await cli(folder, ['import', path.join(dir, 'problems.jsonl'), '--set', set]);
  const copies = options.copies ?? 1;
  const lines: string[] = [];
  for (let c = 0; c < copies; c++) {
    for (const t of traces)
      lines.push(
        JSON.stringify({
          id: String(t.problem_index),
          question: t.question,
          response: t.response,
          sample: c * 8 + t.sample,
        }),
      );
  }
  fs.writeFileSync(path.join(dir, 'traces.jsonl'), lines.join('\n'));
  await cli(folder, [
    'import-traces',
    path.join(dir, 'traces.jsonl'),
    '--set',
    set,
    '--run',
    'qwen-math',
    '--model',
    'Qwen2.5-Math-1.5B',
  ]);
  fs.writeFileSync(
    path.join(dir, 'hostile.jsonl'),
    JSON.stringify({ id: 'hostile', question: problems.get(-1)!.problem, response: hostileResponse(), sample: 0 }),
  );
  await cli(folder, [
    'import-traces',
    path.join(dir, 'hostile.jsonl'),
    '--set',
    set,
    '--run',
    'hostile',
    '--model',
    'evil-model',
  ]);
  await cli(folder, ['grade']);
  fs.rmSync(dir, { recursive: true, force: true });
  return { folder, db: path.join(folder, '.w2s', 'w2s.db'), set, run: 'qwen-math', hostileRun: 'hostile' };
}

/**
 * A large store for the UI benchmark, written straight through SQL (like the core benchmark's): `n`
 * traces over 4 runs × 8 samples of MATH-like problems, texts from the real responses, graded by a seeded
 * draw, then signals computed by core. Returns the store file.
 */
export async function buildLargeStore(file: string, n: number): Promise<string> {
  const texts = realTraces();
  const store = openStore(file);
  const db = store.db;
  const runs = 4;
  const samples = 8;
  const problems = Math.ceil(n / (runs * samples));
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const subjects = ['Algebra', 'Geometry', 'Number Theory', 'Precalculus', 'Prealgebra'];
  db.transaction(() => {
    const setId = Number(
      db
        .prepare(
          "INSERT INTO problem_sets (name, source, source_hash, problem_count) VALUES ('math-large', 'bench', 'x', ?)",
        )
        .run(problems).lastInsertRowid,
    );
    const problem = db.prepare(
      "INSERT INTO problems (set_id, key, position, question, answer, answer_type, metadata) VALUES (?, ?, ?, ?, ?, 'math', ?)",
    );
    const pids: number[] = [];
    for (let i = 0; i < problems; i++) {
      const t = texts[i % texts.length]!;
      pids.push(
        Number(
          problem.run(
            setId,
            `p${i}`,
            i,
            `${t.question} (#${i})`,
            t.gold,
            JSON.stringify({ subject: subjects[i % subjects.length], level: `Level ${(i % 5) + 1}` }),
          ).lastInsertRowid,
        ),
      );
    }
    const run = db.prepare(
      "INSERT INTO runs (name, kind, set_id, model, status, samples_per_problem) VALUES (?, 'import', ?, ?, 'done', ?)",
    );
    const trace = db.prepare(
      'INSERT INTO traces (run_id, problem_id, sample_index, prompt, answer, finish_reason, completion_tokens, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const grade = db.prepare(
      "INSERT INTO grades (trace_id, extracted, verdict, grader_version) VALUES (?, ?, ?, 'bench')",
    );
    let k = 0;
    for (let r = 0; r < runs && k < n; r++) {
      const runId = Number(run.run(`teacher-${r}`, setId, `model-${r % 2}`, samples).lastInsertRowid);
      for (let p = 0; p < problems && k < n; p++) {
        for (let s = 0; s < samples && k < n; s++, k++) {
          const t = texts[(p * 5 + s + r) % texts.length]!;
          const x = rand();
          const id = Number(
            trace.run(
              runId,
              pids[p],
              s,
              `prompt ${p}`,
              t.response,
              x < 0.05 ? 'length' : 'stop',
              200 + Math.floor(rand() * 3000),
              500 + Math.floor(rand() * 20_000),
            ).lastInsertRowid,
          );
          grade.run(id, t.gold, x < 0.55 ? 'correct' : x < 0.9 ? 'incorrect' : 'no-answer');
        }
      }
    }
  })();
  await computeStoredSignals(store, { batchSize: 2000 });
  store.close();
  return file;
}
