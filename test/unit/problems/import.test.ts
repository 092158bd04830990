import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { W2sError } from '../../../src/core/errors';
import { BUILTIN_BENCHMARKS, builtinFile } from '../../../src/core/problems/builtin';
import { importProblemSet, type ImportOptions } from '../../../src/core/problems/import';
import { listProblems, listProblemSets } from '../../../src/core/problems/sets';
import { openStore, type Store } from '../../../src/core/store/open';
import { tempDir, writeFile } from '../../support/tmp';

let dir: string;
let store: Store;
before(() => {
  dir = tempDir();
  store = openStore(path.join(dir, 'w2s.db'));
});
after(() => store.close());

const imp = (o: ImportOptions) => importProblemSet(store, o);
const count = (sql: string, ...args: unknown[]) => (store.db.prepare(sql).get(...args) as { n: number }).n;
const snapshot = () => ({
  sets: count('SELECT count(*) AS n FROM problem_sets'),
  problems: count('SELECT count(*) AS n FROM problems'),
  json: JSON.stringify(store.db.prepare('SELECT * FROM problems ORDER BY id').all()),
});

/** Asserts the import fails with a W2sError whose message names the file and the line, and stores nothing. */
async function rejects(o: ImportOptions, line: number | null, pattern: RegExp) {
  const before = snapshot();
  await assert.rejects(imp(o), (e: unknown) => {
    assert.ok(e instanceof W2sError, `expected W2sError, got ${String(e)}`);
    const base = path.basename(o.file);
    assert.ok(
      e.message.startsWith(line === null ? base : `${base}:${line}:`),
      `message should name ${base}${line ? `:${line}` : ''}: ${e.message}`,
    );
    assert.match(e.message, pattern);
    return true;
  });
  assert.deepEqual(snapshot(), before, 'a failed import must leave the store unchanged');
}

describe('built-in benchmarks', () => {
  const expected: Record<string, number> = {
    math500: 500,
    gsm8k: 1319,
    aime24: 30,
    amc23: 40,
    minerva: 272,
    olympiadbench: 675,
  };
  for (const b of BUILTIN_BENCHMARKS) {
    it(`imports ${b.id} with ${expected[b.id]} problems`, async () => {
      const r = await imp({ file: builtinFile(b), name: b.id });
      assert.equal(r.problems, expected[b.id]);
      assert.equal(b.problems, expected[b.id]);
      assert.equal(count('SELECT count(*) AS n FROM problems WHERE set_id = ?', r.setId), expected[b.id]);
      // gold answers are answers, never whole solutions
      const long = count(
        "SELECT count(*) AS n FROM problems WHERE set_id = ? AND (answer LIKE '%####%' OR answer LIKE '%<<%' OR length(answer) > 400)",
        r.setId,
      );
      assert.equal(long, 0);
    });
  }

  it('takes GSM8K gold from after "####" and keeps the worked solution as metadata', () => {
    const rows = listProblems(store, 'gsm8k', 0, 200);
    assert.equal(rows[0]!.answer, '18');
    assert.equal(rows[0]!.key, '0');
    const p106 = rows.find((r) => r.key === '106')!;
    assert.equal(p106.answer, '72');
    assert.match(String(p106.metadata.solution), /#### 72$/);
    assert.equal(p106.answerType, 'number');
  });

  it('keeps MATH500 answers, ids and metadata (the file has no newline after its last line)', () => {
    const rows = listProblems(store, 'math500', 0, 500);
    assert.equal(rows[0]!.answer, '\\left( 3, \\frac{\\pi}{2} \\right)');
    assert.equal(rows[0]!.key, 'test/precalculus/807.json');
    assert.equal(rows[0]!.metadata.subject, 'Precalculus');
    assert.equal(rows[0]!.metadata.level, 2);
    assert.match(String(rows[0]!.metadata.solution), /\\boxed/);
    assert.equal(rows.at(-1)!.position, 499);
  });

  it('turns AMC float answers into plain numbers', () => {
    const rows = listProblems(store, 'amc23', 0, 5);
    assert.equal(rows[0]!.answer, '27');
    assert.equal(rows[0]!.answerType, 'number');
  });

  it('keeps OlympiadBench list answers as maths', () => {
    const row = listProblems(store, 'olympiadbench', 0, 10).find((r) => r.key === '1618')!;
    assert.equal(row.answer, '$(1,8,19), (2,7,13), (4,5,7)$');
    assert.equal(row.answerType, 'math');
  });

  it('re-importing the same file is a no-op', async () => {
    const b = BUILTIN_BENCHMARKS[0]!;
    const before = snapshot();
    const r = await imp({ file: builtinFile(b), name: b.id });
    assert.equal(r.outcome, 'unchanged');
    assert.deepEqual(snapshot(), before);
  });

  it('lists sets with counts and answer types', () => {
    const sets = listProblemSets(store);
    const gsm = sets.find((s) => s.name === 'gsm8k')!;
    assert.equal(gsm.problems, 1319);
    assert.deepEqual(gsm.answerTypes, { number: 1319 });
  });
});

describe('field detection', () => {
  it("extracts a MATH solution's last \\boxed{} (nested braces) when there is no answer field", async () => {
    const f = writeFile(
      dir,
      'sol.jsonl',
      [
        JSON.stringify({
          unique_id: 'a',
          problem: 'P1',
          solution: 'First \\boxed{1}, then finally $\\boxed{\\frac{1}{\\sqrt{2}}}$.',
        }),
        JSON.stringify({ unique_id: 'b', problem: 'P2', solution: 'So \\fbox{x^{2}}' }),
      ].join('\n'),
    );
    await imp({ file: f, name: 'sol' });
    assert.deepEqual(
      listProblems(store, 'sol').map((p) => p.answer),
      ['\\frac{1}{\\sqrt{2}}', 'x^{2}'],
    );
  });

  it('reads gt_answer / question (the W2SR layout) and numbers problems by line without an id', async () => {
    const f = writeFile(
      dir,
      'w2sr.jsonl',
      `\n${JSON.stringify({ question: 'Q1', gt_answer: '5' })}\n\n${JSON.stringify({ question: 'Q2', gt_answer: 'x+1' })}\n`,
    );
    await imp({ file: f, name: 'w2sr' });
    const rows = listProblems(store, 'w2sr');
    assert.deepEqual(
      rows.map((r) => [r.key, r.question, r.answer, r.answerType]),
      [
        ['2', 'Q1', '5', 'number'],
        ['4', 'Q2', 'x+1', 'math'],
      ],
    );
  });

  it('honours explicit field overrides and keeps the rest as metadata', async () => {
    const f = writeFile(
      dir,
      'custom.jsonl',
      JSON.stringify({ qid: 'k1', text: 'What?', gold_value: '7', answer: 'not this', topic: 'algebra' }),
    );
    await imp({ file: f, name: 'custom', questionField: 'text', answerField: 'gold_value', idField: 'qid' });
    const [p] = listProblems(store, 'custom');
    assert.equal(p!.key, 'k1');
    assert.equal(p!.answer, '7');
    assert.deepEqual(p!.metadata, { answer: 'not this', topic: 'algebra' });
  });

  it('rejects an override naming a field the file does not have', async () => {
    const f = writeFile(dir, 'over.jsonl', JSON.stringify({ question: 'q', answer: '1' }));
    await rejects({ file: f, name: 'over', answerField: 'nope' }, null, /"nope" is not in the file/);
  });

  it('imports a JSON array and CSV (quoted commas, quotes and newlines), stripping a BOM', async () => {
    const arr = writeFile(
      dir,
      'arr.json',
      '\ufeff[\n  {"id": 1, "question": "One?", "answer": 1},\n  {"id": 2, "question": "Two?", "answer": "2"}\n]',
    );
    await imp({ file: arr, name: 'arr' });
    assert.deepEqual(
      listProblems(store, 'arr').map((p) => [p.key, p.answer]),
      [
        ['1', '1'],
        ['2', '2'],
      ],
    );
    const csv = writeFile(
      dir,
      'p.csv',
      '\ufeffid,question,answer,level\r\n1,"Add 1, 2","3",easy\r\n2,"He said ""hi""\nthen left","\\frac{1}{2}",hard\r\n',
    );
    await imp({ file: csv, name: 'csv' });
    const rows = listProblems(store, 'csv');
    assert.deepEqual(
      rows.map((p) => [p.key, p.question, p.answer, p.metadata.level]),
      [
        ['1', 'Add 1, 2', '3', 'easy'],
        ['2', 'He said "hi"\nthen left', '\\frac{1}{2}', 'hard'],
      ],
    );
  });

  it('detects multiple-choice questions and their options', async () => {
    const f = writeFile(
      dir,
      'mc.jsonl',
      JSON.stringify({
        id: 'm1',
        question: 'Which is a noble gas?\n(A) Neon\n(B) Iron\n(C) Carbon\n(D) Sodium',
        answer: 'A',
      }),
    );
    await imp({ file: f, name: 'mc' });
    const [p] = listProblems(store, 'mc');
    assert.equal(p!.answerType, 'choice');
    assert.deepEqual(p!.choices, ['Neon', 'Iron', 'Carbon', 'Sodium']);
  });
});

describe('GPQA-style option shuffle', () => {
  const gpqaCsv = () => {
    const rows = ['Record ID,Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,Incorrect Answer 3'];
    for (let i = 0; i < 40; i++) rows.push(`rec${i},"Question ${i}?",right ${i},wrong ${i}a,wrong ${i}b,wrong ${i}c`);
    return writeFile(dir, 'gpqa.csv', rows.join('\n'));
  };

  it('without a seed keeps upstream order (answer A); with a seed shuffles deterministically and keeps the answer right', async () => {
    const file = gpqaCsv();
    await imp({ file, name: 'gpqa-plain' });
    assert.ok(listProblems(store, 'gpqa-plain').every((p) => p.answer === 'A' && p.answerType === 'choice'));

    await imp({ file, name: 'gpqa-s1', shuffleSeed: '1' });
    await imp({ file, name: 'gpqa-s1-again', shuffleSeed: '1' });
    await imp({ file, name: 'gpqa-s2', shuffleSeed: '2' });
    const s1 = listProblems(store, 'gpqa-s1');
    const again = listProblems(store, 'gpqa-s1-again');
    const s2 = listProblems(store, 'gpqa-s2');
    assert.deepEqual(
      s1.map((p) => p.choices),
      again.map((p) => p.choices),
      'same seed, same order',
    );
    assert.notDeepEqual(
      s1.map((p) => p.answer),
      s2.map((p) => p.answer),
      'another seed, another order',
    );
    const letters = new Set(s1.map((p) => p.answer));
    assert.ok(letters.size >= 3, `answers should spread over the letters, got ${[...letters]}`);
    for (const p of s1) {
      const i = p.answer.charCodeAt(0) - 65;
      assert.match(p.choices![i]!, /^right \d+$/);
      assert.ok(p.question.includes(`(${p.answer}) ${p.choices![i]}`));
      assert.equal(p.key.startsWith('rec'), true);
    }
  });

  it('shuffles options written in the question text', async () => {
    const lines = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({ id: i, question: `Pick ${i}.\n(A) good\n(B) bad one\n(C) bad two\n(D) bad three`, answer: 'A' }),
    );
    const f = writeFile(dir, 'mcq.jsonl', lines.join('\n'));
    await imp({ file: f, name: 'mcq', shuffleSeed: 'x' });
    const rows = listProblems(store, 'mcq');
    assert.ok(new Set(rows.map((r) => r.answer)).size > 1);
    for (const r of rows) {
      assert.equal(r.choices![r.answer.charCodeAt(0) - 65], 'good');
      assert.ok(r.question.startsWith(`Pick ${r.key}.`));
      assert.equal((r.question.match(/\(A\)/g) ?? []).length, 1);
    }
  });
});

describe('bad input: a clear error naming file and line, and nothing stored', () => {
  const good = (i: number) => JSON.stringify({ id: i, question: `Q${i}`, answer: String(i) });

  it('a malformed line', async () => {
    const f = writeFile(
      dir,
      'bad.jsonl',
      [good(1), good(2), '{"id": 3, "question": "Q3", "answer": ', good(4)].join('\n'),
    );
    await rejects({ file: f, name: 'bad' }, 3, /not valid JSON/);
  });

  it('a line that is not an object', async () => {
    const f = writeFile(dir, 'arrline.jsonl', [good(1), '[1, 2]'].join('\n'));
    await rejects({ file: f, name: 'arrline' }, 2, /expected a JSON object/);
  });

  it('a missing question', async () => {
    const f = writeFile(dir, 'noq.jsonl', [good(1), JSON.stringify({ id: 2, question: '  ', answer: '1' })].join('\n'));
    await rejects({ file: f, name: 'noq' }, 2, /question .* missing or empty/);
  });

  it('a missing answer', async () => {
    const f = writeFile(dir, 'noa.jsonl', [good(1), good(2), JSON.stringify({ id: 3, question: 'Q' })].join('\n'));
    await rejects({ file: f, name: 'noa' }, 3, /answer is missing/);
  });

  it('an empty file, and one with only blank lines', async () => {
    await rejects({ file: writeFile(dir, 'empty.jsonl', ''), name: 'empty' }, null, /empty/);
    await rejects({ file: writeFile(dir, 'blank.jsonl', '\n \n\n'), name: 'blank' }, null, /empty/);
  });

  it('duplicate ids name both lines', async () => {
    const f = writeFile(dir, 'dup.jsonl', [good(1), good(2), good(1)].join('\n'));
    await rejects({ file: f, name: 'dup' }, 3, /duplicate id "1" \(first on line 1\)/);
  });

  it('a 10 MB line', async () => {
    const huge = JSON.stringify({ id: 9, question: 'x'.repeat(10 * 1024 * 1024), answer: '1' });
    const f = writeFile(dir, 'huge.jsonl', [good(1), huge].join('\n'));
    await rejects({ file: f, name: 'huge' }, 2, /10\.0 MB, over the 4 MB limit/);
  });

  it('a bad element of a JSON array names its line', async () => {
    const f = writeFile(
      dir,
      'arrbad.json',
      '[\n {"id": 1, "question": "a", "answer": "1"},\n {"id": 2,\n  "question": "b"}\n]',
    );
    await rejects({ file: f, name: 'arrbad' }, 3, /answer is missing/);
  });

  it('a CSV row with the wrong number of fields, and an unclosed quote', async () => {
    await rejects(
      { file: writeFile(dir, 'bad.csv', 'id,question,answer\n1,q,1\n2,q\n'), name: 'badcsv' },
      3,
      /2 fields, the header has 3/,
    );
    await rejects(
      { file: writeFile(dir, 'bad2.csv', 'id,question,answer\n1,"q,1\n2,q,2\n'), name: 'badcsv2' },
      2,
      /never closed/,
    );
  });

  it('a file that does not exist', async () => {
    await assert.rejects(imp({ file: path.join(dir, 'nope.jsonl'), name: 'nope' }), /nope\.jsonl: no such file/);
  });

  it('an invalid set name', async () => {
    await assert.rejects(
      imp({ file: writeFile(dir, 'ok.jsonl', good(1)), name: 'bad name!' }),
      /not a valid problem set name/,
    );
  });
});

// The first 50 records choose the fields; the rest are parsed while they are written, inside the
// transaction, in chunks of 5,000 with a yield between them. A bad line there must reach the ROLLBACK.
describe('bad input after the first parsed chunk: the transaction rolls back', () => {
  const lines = (n: number, answer = (i: number) => String(i)) =>
    Array.from({ length: n }, (_, i) => JSON.stringify({ id: i + 1, question: `Q${i + 1}`, answer: answer(i + 1) }));
  const withLine = (all: string[], line: number, text: string) =>
    all.map((l, i) => (i === line - 1 ? text : l)).join('\n');
  let written = 0;
  const progress: ImportOptions['onProgress'] = (p) => (written = Math.max(written, p.done));

  it('a malformed line 60, after the records that chose the fields', async () => {
    const f = writeFile(dir, 'late60.jsonl', withLine(lines(100), 60, '{"id": 60, "question": "Q60", "answer": '));
    await rejects({ file: f, name: 'late60' }, 60, /not valid JSON/);
  });

  it('a missing answer on line 20,001, after four chunks were written', async () => {
    written = 0;
    const f = writeFile(
      dir,
      'late20001.jsonl',
      withLine(lines(25_000), 20_001, JSON.stringify({ id: 20_001, question: 'Q' })),
    );
    await rejects({ file: f, name: 'late20001', onProgress: progress }, 20_001, /answer is missing/);
    assert.equal(written, 20_000, '20,000 rows were written in the transaction before the bad line');
  });

  it('a malformed line 20,001 while replacing a set keeps the old set as it was', async () => {
    await imp({ file: writeFile(dir, 'rep20001-v1.jsonl', lines(25_000).join('\n')), name: 'rep20001' });
    const before = store.db
      .prepare("SELECT source_hash, problem_count, updated_at FROM problem_sets WHERE name = 'rep20001'")
      .get();
    written = 0;
    const v2 = writeFile(
      dir,
      'rep20001-v2.jsonl',
      withLine(
        lines(25_000, (i) => String(i * 2)),
        20_001,
        '{oops',
      ),
    );
    await rejects({ file: v2, name: 'rep20001', replace: true, onProgress: progress }, 20_001, /not valid JSON/);
    assert.equal(written, 20_000, '20,000 rows were updated in the transaction before the bad line');
    assert.deepEqual(
      store.db.prepare("SELECT source_hash, problem_count, updated_at FROM problem_sets WHERE name = 'rep20001'").get(),
      before,
    );
    assert.equal(listProblems(store, 'rep20001').find((p) => p.key === '7')!.answer, '7', 'answers of the old file');
  });
});

describe('replace', () => {
  it('needs explicit replace for different content under an existing name; replace keeps problem ids', async () => {
    const v1 = writeFile(
      dir,
      'v1.jsonl',
      ['a', 'b', 'c'].map((k) => JSON.stringify({ id: k, question: `Q${k}`, answer: '1' })).join('\n'),
    );
    const v2 = writeFile(
      dir,
      'v2.jsonl',
      ['a', 'b', 'd'].map((k) => JSON.stringify({ id: k, question: `Q${k}!`, answer: '2' })).join('\n'),
    );
    await imp({ file: v1, name: 'rep' });
    const idsBefore = new Map(listProblems(store, 'rep').map((p) => [p.key, p.id]));
    await rejects({ file: v2, name: 'rep' }, null, /already exists with different content/);
    const r = await imp({ file: v2, name: 'rep', replace: true });
    assert.equal(r.outcome, 'replaced');
    const after = listProblems(store, 'rep');
    assert.deepEqual(
      after.map((p) => [p.key, p.question, p.answer]),
      [
        ['a', 'Qa!', '2'],
        ['b', 'Qb!', '2'],
        ['d', 'Qd!', '2'],
      ],
    );
    assert.equal(after[0]!.id, idsBefore.get('a'));
    assert.equal(after[1]!.id, idsBefore.get('b'));
  });

  it('refuses to drop problems that have traces, and stores nothing', async () => {
    const v1 = writeFile(
      dir,
      't1.jsonl',
      ['a', 'b'].map((k) => JSON.stringify({ id: k, question: `Q${k}`, answer: '1' })).join('\n'),
    );
    const v2 = writeFile(dir, 't2.jsonl', JSON.stringify({ id: 'a', question: 'Qa', answer: '1' }));
    const r = await imp({ file: v1, name: 'traced' });
    const b = listProblems(store, 'traced').find((p) => p.key === 'b')!;
    const run = store.db
      .prepare("INSERT INTO runs (name, kind, set_id, model) VALUES ('tr', 'sample', ?, 'm')")
      .run(r.setId).lastInsertRowid;
    store.db
      .prepare("INSERT INTO traces (run_id, problem_id, sample_index, prompt, answer) VALUES (?, ?, 0, 'p', 'a')")
      .run(run, b.id);
    await rejects({ file: v2, name: 'traced', replace: true }, null, /drops 1 problem\(s\) that have traces/);
    assert.equal(listProblems(store, 'traced').length, 2);
  });
});

describe('cancellation', () => {
  it('an aborted import stores nothing', async () => {
    const lines = Array.from({ length: 12000 }, (_, i) =>
      JSON.stringify({ id: i, question: `Q${i}`, answer: String(i) }),
    );
    const f = writeFile(dir, 'big.jsonl', lines.join('\n'));
    const controller = new AbortController();
    const before = snapshot();
    await assert.rejects(
      imp({
        file: f,
        name: 'big',
        chunkSize: 1000,
        signal: controller.signal,
        onProgress: (p) => p.phase === 'write' && p.done >= 3000 && controller.abort(),
      }),
      /cancelled; nothing was imported/,
    );
    assert.deepEqual(snapshot(), before);
  });
});
