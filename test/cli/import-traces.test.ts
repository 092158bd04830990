import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { openSqlite } from '../../src/core/store/sqlite';
import { w2s } from '../support/cli';
import { REAL_TRACES, tempDir, writeFile } from '../support/tmp';

interface QwenLine {
  problem_index: number;
  question: string;
  gold: string;
  level: string;
  sample: number;
}
const lines = (): QwenLine[] =>
  fs
    .readFileSync(REAL_TRACES, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as QwenLine);

function query<T>(cwd: string, sql: string, ...args: unknown[]): T[] {
  const conn = openSqlite(path.join(cwd, '.w2s', 'w2s.db'), { readonly: true });
  try {
    return conn.prepare(sql).all(...args) as T[];
  } finally {
    conn.close();
  }
}

describe('w2s import-traces --create-set', () => {
  it('the shipped Qwen traces into an empty store: 50 problems from their questions and golds, 400 traces, all graded; again changes nothing', async () => {
    const cwd = tempDir();
    const r = await w2s(['import-traces', REAL_TRACES, '--create-set', 'qwen', '--json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      run: string;
      imported: number;
      unmatched: number;
      matchedById: number;
      createdSet: { name: string; problems: number; outcome: string; idField: string | null };
      grading: { graded: number; accuracy: number };
    };
    assert.deepEqual(
      doc.createdSet && [doc.createdSet.name, doc.createdSet.problems, doc.createdSet.outcome, doc.createdSet.idField],
      ['qwen', 50, 'created', 'problem_index'],
    );
    assert.equal(doc.run, 'qwen', 'the run is named for the set');
    assert.equal(doc.imported, 400);
    assert.equal(doc.matchedById, 400);
    assert.equal(doc.unmatched, 0);
    assert.equal(doc.grading.graded, 400);

    // each problem is the file's question with its gold answer and level, keyed by problem_index, in file order
    const expected = new Map<number, QwenLine>();
    for (const l of lines()) if (!expected.has(l.problem_index)) expected.set(l.problem_index, l);
    const problems = query<{ key: string; position: number; question: string; answer: string; metadata: string }>(
      cwd,
      'SELECT key, position, question, answer, metadata FROM problems ORDER BY position',
    );
    assert.equal(problems.length, 50);
    for (const [i, p] of problems.entries()) {
      const want = [...expected.values()][i]!;
      assert.deepEqual([p.key, p.question, p.answer], [String(want.problem_index), want.question, want.gold]);
      assert.deepEqual(
        JSON.parse(p.metadata),
        { level: want.level },
        'shared scalar fields kept; per-trace ones (sample, verdict columns) not',
      );
    }
    const grades = query<{ n: number; graded: number }>(
      cwd,
      'SELECT count(*) AS n, count(g.trace_id) AS graded FROM traces t LEFT JOIN grades g ON g.trace_id = t.id',
    )[0]!;
    assert.deepEqual(grades, { n: 400, graded: 400 });
    // the grader agrees with the file's own Qwen verdicts on most traces (a wrong gold would drop this to chance)
    const correct = query<{ n: number }>(cwd, "SELECT count(*) AS n FROM grades WHERE verdict = 'correct'")[0]!.n;
    const qwenCorrect = fs
      .readFileSync(REAL_TRACES, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"qwen_grader_correct": true')).length;
    assert.ok(Math.abs(correct - qwenCorrect) <= 20, `${correct} correct vs the file's ${qwenCorrect}`);

    const runs = await w2s(['runs'], { cwd });
    assert.match(
      runs.stdout,
      /^qwen\s+done\s+400 imported\s+\(50 of 50 problems; 400 of the file's 400 traces matched a problem\)\s+\d+\.\d% correct/m,
    );

    const again = JSON.parse(
      (await w2s(['import-traces', REAL_TRACES, '--create-set', 'qwen', '--json'], { cwd })).stdout,
    ) as typeof doc & { alreadyPresent: number };
    assert.equal(again.createdSet.outcome, 'unchanged');
    assert.equal(again.imported, 0);
    assert.equal(again.alreadyPresent, 400);
    assert.equal(query<{ n: number }>(cwd, 'SELECT count(*) AS n FROM problems')[0]!.n, 50);
  });

  it('--no-grade stores the traces ungraded; W2SR records without ids make problems numbered in file order from gt_answer', async () => {
    const cwd = tempDir();
    const w2sr = [
      { prompt: 'P1', question: 'What is 1 + 2?', response: ['so \\boxed{3}', 'hmm \\boxed{4}'], gt_answer: '3' },
      { prompt: 'P2', question: 'What is 2 + 2?', response: ['\\boxed{4}'], gt_answer: '4' },
    ];
    writeFile(cwd, 'w2sr.json', JSON.stringify(w2sr));
    const r = await w2s(
      [
        'import-traces',
        'w2sr.json',
        '--create-set',
        'tiny',
        '--run',
        'teacher',
        '--model',
        'm',
        '--no-grade',
        '--json',
      ],
      { cwd },
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { imported: number; grading?: unknown; createdSet: { idField: string | null } };
    assert.equal(doc.imported, 3);
    assert.equal(doc.grading, undefined);
    assert.equal(doc.createdSet.idField, null);
    assert.deepEqual(query(cwd, 'SELECT key, answer FROM problems ORDER BY position'), [
      { key: '1', answer: '3' },
      { key: '2', answer: '4' },
    ]);
    assert.equal(query<{ n: number }>(cwd, 'SELECT count(*) AS n FROM grades')[0]!.n, 0);
    const graded = await w2s(['grade', '--run', 'teacher', '--json'], { cwd });
    assert.equal(JSON.parse(graded.stdout).runs[0].correct, 2);
  });

  it('refuses, naming the line, a question without a gold answer or with two; refuses an existing set made otherwise; stores nothing', async () => {
    const cwd = tempDir();
    const noGold = writeFile(
      cwd,
      'no-gold.jsonl',
      [
        JSON.stringify({ question: 'a?', response: 'x', gold: '1' }),
        JSON.stringify({ question: 'b?', response: 'y' }),
      ].join('\n'),
    );
    const a = await w2s(['import-traces', noGold, '--create-set', 's', '--model', 'm'], { cwd });
    assert.equal(a.code, 1);
    assert.match(a.stderr, /no-gold\.jsonl:2: no gold answer for this question \(looked for gt_answer, gold, answer\)/);
    const twoGolds = writeFile(
      cwd,
      'two.jsonl',
      [
        JSON.stringify({ question: 'a?', response: 'x', gold: '1' }),
        JSON.stringify({ question: 'a?', response: 'y', gold: '2' }),
      ].join('\n'),
    );
    const b = await w2s(['import-traces', twoGolds, '--create-set', 's', '--model', 'm'], { cwd });
    assert.equal(b.code, 1);
    assert.match(b.stderr, /two\.jsonl:2: gold answer "2" differs from "1" on line 1 for the same question/);
    assert.equal(query<{ n: number }>(cwd, 'SELECT count(*) AS n FROM problem_sets')[0]?.n ?? 0, 0);

    writeFile(cwd, 'p.jsonl', JSON.stringify({ question: 'q', answer: '1' }));
    assert.equal((await w2s(['import', 'p.jsonl', '--set', 'taken'], { cwd })).code, 0);
    const c = await w2s(['import-traces', REAL_TRACES, '--create-set', 'taken', '--run', 'r', '--model', 'm'], { cwd });
    assert.equal(c.code, 1);
    assert.match(c.stderr, /A problem set named "taken" already exists \(not made from this file\)/);
    assert.deepEqual(query(cwd, 'SELECT count(*) AS n FROM problems'), [{ n: 1 }]);
    assert.deepEqual(query(cwd, 'SELECT count(*) AS n FROM runs'), [{ n: 0 }]);
    const both = await w2s(['import-traces', REAL_TRACES, '--set', 'taken', '--create-set', 'x'], { cwd });
    assert.equal(both.code, 2);
  });

  it('a partial match shows imported / matched counts, not problems × samples; w2s import of a trace file warns and points at import-traces', async () => {
    const cwd = tempDir();
    assert.equal((await w2s(['import', '--builtin', 'math500'], { cwd })).code, 0);
    const r = await w2s(
      ['import-traces', REAL_TRACES, '--set', 'math500', '--run', 'partial', '--model', 'm', '--no-grade'],
      { cwd },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /(\d+) of 400 trace\(s\) match no problem of math500[\s\S]*--create-set NAME/);
    const matched = 400 - Number(/(\d+) of 400 trace/.exec(r.stderr)![1]);
    const listed = JSON.parse((await w2s(['runs', '--json'], { cwd })).stdout) as {
      name: string;
      done: number;
      total: number;
      problems: number;
      imported: { fileTraces: number; matched: number; unmatched: number };
    }[];
    const run = listed.find((x) => x.name === 'partial')!;
    assert.deepEqual(
      [run.done, run.total, run.imported],
      [matched, matched, { fileTraces: 400, matched, unmatched: 400 - matched }],
    );
    assert.ok(run.problems > 0 && run.problems < 50);
    const text = (await w2s(['runs'], { cwd })).stdout;
    assert.match(
      text,
      new RegExp(
        `^partial\\s+done\\s+${matched} imported\\s+\\(${run.problems} of 500 problems; ${matched} of the file's 400 traces matched a problem\\)`,
        'm',
      ),
    );
    assert.doesNotMatch(text, /\/4000/);

    const imp = await w2s(['import', REAL_TRACES, '--set', 'oops'], { cwd });
    assert.equal(imp.code, 0);
    assert.match(
      imp.stderr,
      /400 problems but only 50 distinct question\(s\): 350 repeat an earlier one word for word.*w2s import-traces .*qwen25-math-cot-sample\.jsonl --create-set oops/,
    );
    const clean = await w2s(['import', '--builtin', 'gsm8k'], { cwd });
    assert.doesNotMatch(clean.stderr, /distinct question/);
  });
});
