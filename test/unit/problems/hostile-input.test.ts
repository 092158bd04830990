import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { W2sError } from '../../../src/core/errors';
import { importProblemSet, type ImportOptions } from '../../../src/core/problems/import';
import { listProblems } from '../../../src/core/problems/sets';
import { openStore, type Store } from '../../../src/core/store/open';
import { importTraces } from '../../../src/core/traces/import-traces';
import { tempDir, writeFile } from '../../support/tmp';

let dir: string;
let store: Store;
before(async () => {
  dir = tempDir();
  store = openStore(path.join(dir, 'w2s.db'));
  // the set trace files are imported against
  await importProblemSet(store, {
    file: writeFile(dir, 'base.jsonl', JSON.stringify({ id: 1, question: 'Q1', answer: '1' })),
    name: 'base',
  });
});
after(() => store.close());

const count = (sql: string) => (store.db.prepare(sql).get() as { n: number }).n;

/** The import fails with a W2sError of this code whose message starts with FILE[:LINE] and matches; nothing is stored. */
async function refused(o: ImportOptions, code: string, line: number | null, pattern: RegExp): Promise<void> {
  const sets = count('SELECT count(*) AS n FROM problem_sets');
  const problems = count('SELECT count(*) AS n FROM problems');
  await assert.rejects(importProblemSet(store, o), (e: unknown) => {
    assert.ok(e instanceof W2sError, `expected a W2sError, got ${(e as Error)?.stack ?? String(e)}`);
    assert.equal(e.code, code, e.message);
    const base = path.basename(o.file);
    assert.ok(e.message.startsWith(line === null ? `${base}:` : `${base}:${line}:`), e.message);
    assert.match(e.message, pattern);
    return true;
  });
  assert.equal(count('SELECT count(*) AS n FROM problem_sets'), sets);
  assert.equal(count('SELECT count(*) AS n FROM problems'), problems);
}

const line = (o: unknown) => JSON.stringify(o);

describe('problem files that are not what they seem', () => {
  it('a question or answer that is an object, a list or a boolean is refused with its line', async () => {
    const ok = line({ id: 1, question: 'Q1', answer: '1' });
    const cases: [string, unknown, RegExp][] = [
      [
        'q-object',
        { id: 2, question: { text: 'Q2' }, answer: '2' },
        /the question \("question"\) is an object \(\{"text":"Q2"\}\); expected text/,
      ],
      ['q-list', { id: 2, question: ['Q', '2'], answer: '2' }, /the question \("question"\) is a list/],
      ['q-bool', { id: 2, question: true, answer: '2' }, /the question \("question"\) is a boolean \(true\)/],
      [
        'a-object',
        { id: 2, question: 'Q2', answer: { value: 2 } },
        /the answer \("answer"\) is an object \(\{"value":2\}\); expected text, a number/,
      ],
      ['a-bool', { id: 2, question: 'Q2', answer: false }, /the answer \("answer"\) is a boolean \(false\)/],
      ['a-nested-list', { id: 2, question: 'Q2', answer: [['1'], '2'] }, /the answer \("answer"\) is a list/],
    ];
    for (const [name, record, pattern] of cases) {
      await refused(
        { file: writeFile(dir, `${name}.jsonl`, `${ok}\n${line(record)}\n`), name },
        'BAD_FIELD_TYPE',
        2,
        pattern,
      );
    }
  });

  it('numbers are fine as answers, as is a list of texts (OlympiadBench final_answer)', async () => {
    const f = writeFile(
      dir,
      'nums.jsonl',
      [line({ id: 1, question: 'Q1', answer: 2.5 }), line({ id: 2, question: 'Q2', answer: -3 })].join('\n'),
    );
    await importProblemSet(store, { file: f, name: 'nums' });
    assert.deepEqual(
      listProblems(store, 'nums').map((p) => p.answer),
      ['2.5', '-3'],
    );
    const ob = writeFile(dir, 'ob.jsonl', line({ id: 2, question: 'Q2', final_answer: ['$x=1$', 3] }));
    await importProblemSet(store, { file: ob, name: 'ob' });
    assert.deepEqual(
      listProblems(store, 'ob').map((p) => p.answer),
      ['$x=1$, 3'],
    );
  });

  it('an object id is kept and shown as JSON, never as [object Object]', async () => {
    const f = writeFile(
      dir,
      'oid.jsonl',
      [
        line({ _id: { $oid: 'a1' }, question: 'Q1', answer: '1' }),
        line({ _id: { $oid: 'b2' }, question: 'Q2', answer: '2' }),
      ].join('\n'),
    );
    await importProblemSet(store, { file: f, name: 'oid', idField: '_id' });
    assert.deepEqual(
      listProblems(store, 'oid').map((p) => p.key),
      ['{"$oid":"a1"}', '{"$oid":"b2"}'],
    );
    const dup = writeFile(
      dir,
      'oid-dup.jsonl',
      [
        line({ _id: { $oid: 'a1' }, question: 'Q1', answer: '1' }),
        line({ _id: { $oid: 'a1' }, question: 'Q2', answer: '2' }),
      ].join('\n'),
    );
    await refused(
      { file: dup, name: 'oid-dup', idField: '_id' },
      'DUPLICATE_ID',
      2,
      /duplicate id "\{"\$oid":"a1"\}" \(first on line 1\)/,
    );
  });

  it('a UTF-16 file is named as UTF-16, with or without a byte-order mark', async () => {
    const text = `${line({ id: 1, question: 'Q1', answer: '1' })}\n`;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le.subarray(2)).swap16();
    const files: [string, Buffer, RegExp][] = [
      ['le.jsonl', le, /UTF-16 \(little-endian, with a byte-order mark\)/],
      ['be.jsonl', Buffer.concat([Buffer.from([0xfe, 0xff]), be]), /UTF-16 \(big-endian, with a byte-order mark\)/],
      ['le-nobom.jsonl', Buffer.from(text, 'utf16le'), /UTF-16 \(little-endian, without a byte-order mark\)/],
    ];
    for (const [name, bytes, pattern] of files) {
      await refused(
        { file: writeFile(dir, name, bytes), name: name.replace('.jsonl', '') },
        'UTF16_FILE',
        null,
        pattern,
      );
    }
    assert.throws(
      () =>
        importTraces(store, { file: writeFile(dir, 'traces-le.jsonl', le), setName: 'base', runName: 't', model: 'm' }),
      (e: unknown) => e instanceof W2sError && e.code === 'UTF16_FILE',
    );
  });

  it('JSON nested too deep to handle is refused with its line (JSONL, a JSON array, and trace files)', async () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    const ok = line({ id: 1, question: 'Q1', answer: '1' });
    await refused(
      {
        file: writeFile(
          dir,
          'deep.jsonl',
          `${ok}\n{"id": 2, "question": "Q2", "answer": "2", "meta": ${deep(100_000)}}\n`,
        ),
        name: 'deep',
      },
      'JSON_TOO_DEEP',
      2,
      /nested more than 100 levels/,
    );
    await refused(
      {
        file: writeFile(
          dir,
          'deepq.jsonl',
          `{"id": 2, "question": ${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}, "answer": "2"}\n`,
        ),
        name: 'deepq',
      },
      'JSON_TOO_DEEP',
      1,
      /nested/,
    );
    await refused(
      {
        file: writeFile(
          dir,
          'deep.json',
          `[\n${ok},\n{"id": 2, "question": "Q2", "answer": "2", "m": ${deep(50_000)}}\n]`,
        ),
        name: 'deeparr',
      },
      'JSON_TOO_DEEP',
      3,
      /nested/,
    );
    const traces = writeFile(
      dir,
      'deep-traces.jsonl',
      `{"messages": [{"role": "user", "content": "Q1"}, {"role": "assistant", "content": "1", "x": ${deep(100_000)}}]}\n`,
    );
    assert.throws(
      () => importTraces(store, { file: traces, setName: 'base', runName: 'deep', model: 'm' }),
      (e: unknown) =>
        e instanceof W2sError && e.code === 'JSON_TOO_DEEP' && e.message.startsWith('deep-traces.jsonl:1:'),
    );
  });

  it('a folder given as the file to import is named as a folder', async () => {
    await assert.rejects(
      importProblemSet(store, { file: dir, name: 'dir' }),
      (e: unknown) => e instanceof W2sError && /is a folder, not a file/.test(e.message),
    );
    assert.throws(
      () => importTraces(store, { file: dir, setName: 'base', runName: 'dir', model: 'm' }),
      (e: unknown) => e instanceof W2sError && /is a folder, not a file/.test(e.message),
    );
  });

  it('two imports creating the same new set at once: the later one gets SET_EXISTS, not a UNIQUE constraint error', async () => {
    // Plays the other import: it commits a set of that name between this one's look-up and its insert.
    store.db.exec(`CREATE TEMP TRIGGER other_import BEFORE INSERT ON main.problem_sets WHEN NEW.name = 'race' BEGIN
      INSERT INTO problem_sets (name, source, source_hash) VALUES (NEW.name, 'other.jsonl', 'another hash');
    END`);
    try {
      await refused(
        { file: writeFile(dir, 'race.jsonl', line({ question: 'Q', answer: '1' })), name: 'race' },
        'SET_EXISTS',
        null,
        /another import created a problem set named "race"/,
      );
    } finally {
      store.db.exec('DROP TRIGGER temp.other_import');
    }
  });
});
