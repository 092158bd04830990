/**
 * Import speed of a 100k-problem JSONL file, against a bare baseline measured in the same run: the same
 * lines JSON.parse'd and inserted with one prepared statement in one transaction, with no detection,
 * validation or metadata. Prints rows/s, the ratio, and the store's size.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importProblemSet } from '../src/core/problems/import';
import { openStore } from '../src/core/store/open';

const ROWS = Number(process.env.W2S_BENCH_IMPORT_ROWS ?? 100_000);
const REPEATS = 3;

function makeFile(dir: string): string {
  const subjects = ['Algebra', 'Geometry', 'Number Theory', 'Precalculus', 'Counting & Probability'];
  const lines: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    lines.push(
      JSON.stringify({
        unique_id: `train/${i}.json`,
        problem: `Let $f(x) = ${i % 97}x^2 + ${i % 13}x - ${i % 7}$. Find the sum of all $x$ such that $f(x) = ${i}$; express your answer as a common fraction.`,
        answer: i % 3 === 0 ? String(i) : `\\frac{${i % 13}}{${(i % 97) + 1}}`,
        subject: subjects[i % subjects.length],
        level: (i % 5) + 1,
      }),
    );
  }
  const file = path.join(dir, 'problems-100k.jsonl');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

async function timeOurs(dir: string, file: string, run: number): Promise<{ seconds: number; bytes: number }> {
  const db = path.join(dir, `ours-${run}.db`);
  const store = openStore(db);
  const t0 = process.hrtime.bigint();
  const r = await importProblemSet(store, { file, name: 'bench' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.problems !== ROWS) throw new Error(`imported ${r.problems}, expected ${ROWS}`);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  return { seconds, bytes: fs.statSync(db).size };
}

function timeBare(dir: string, file: string, run: number): number {
  const store = openStore(path.join(dir, `bare-${run}.db`));
  const db = store.db;
  const t0 = process.hrtime.bigint();
  const text = fs.readFileSync(file, 'utf8');
  const setId = db
    .prepare("INSERT INTO problem_sets (name, source, source_hash) VALUES ('bare', 'x', 'x')")
    .run().lastInsertRowid;
  const insert = db.prepare(
    "INSERT INTO problems (set_id, key, position, question, answer, answer_type) VALUES (?, ?, ?, ?, ?, 'math')",
  );
  db.transaction(() => {
    let i = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      const o = JSON.parse(line) as { unique_id: string; problem: string; answer: string };
      insert.run(setId, o.unique_id, i++, o.problem, o.answer);
    }
  })();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  store.close();
  return seconds;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-bench-import-'));
  try {
    const file = makeFile(dir);
    const mb = fs.statSync(file).size / 1048576;
    const ours: number[] = [];
    const bare: number[] = [];
    let bytes = 0;
    for (let r = 0; r < REPEATS; r++) {
      bare.push(timeBare(dir, file, r));
      const o = await timeOurs(dir, file, r);
      ours.push(o.seconds);
      bytes = o.bytes;
    }
    const best = (xs: number[]) => Math.min(...xs);
    const oursRate = ROWS / best(ours);
    const bareRate = ROWS / best(bare);
    console.log(`import: ${ROWS} problems, ${mb.toFixed(1)} MB JSONL (best of ${REPEATS})`);
    console.log(
      `  w2s import           ${Math.round(oursRate).toLocaleString('en')} rows/s  (${best(ours).toFixed(2)} s)`,
    );
    console.log(
      `  bare parse + insert  ${Math.round(bareRate).toLocaleString('en')} rows/s  (${best(bare).toFixed(2)} s)  [baseline]`,
    );
    console.log(
      `  ratio to baseline    ${(oursRate / bareRate).toFixed(2)}   target: ≥ 100,000 rows/s → ${oursRate >= 100_000 ? 'met' : 'NOT met'}`,
    );
    console.log(
      `  store size           ${(bytes / 1048576).toFixed(1)} MB (${(bytes / ROWS).toFixed(0)} bytes/problem)`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
