// Problem and trace files read with every number as written (issue 20): a gold of 2^53 + 1 is stored as
// such and a trace answering it is graded correct (one answering 2^53 is not); ids beyond 2^53 that
// differ only past the 16th digit stay two problems; a compact JSON array without ids (one line) gets
// its ids from the element index instead of being refused as "duplicate id 1".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { w2s, type CliResult } from '../support/cli';
import { tempDir, writeFile } from '../support/tmp';

function ok(r: CliResult): string {
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

interface Row {
  problemKey: string;
  gold: string;
  extracted: string | null;
  verdict: string | null;
  run: string;
}

describe('numbers and ids as written (built CLI)', () => {
  it('a gold of 9007199254740993 is graded correct, and 123456789012345678901234567890 stays that', async () => {
    const cwd = tempDir();
    const env = { W2S_DB: 'w2s.db' };
    // numbers, not strings, as a dataset exported by a JSON library writes them
    writeFile(
      cwd,
      'p.jsonl',
      [
        '{"id": 9007199254740993, "question": "What is 2^53 + 1?", "answer": 9007199254740993}',
        '{"id": 9007199254740992, "question": "What is 2^53?", "answer": 9007199254740992}',
        '{"id": 3, "question": "A big one?", "answer": 123456789012345678901234567890}',
        '{"id": 4, "question": "A long decimal?", "answer": 0.12345678901234567890}',
      ].join('\n'),
    );
    writeFile(
      cwd,
      't.jsonl',
      [
        '{"id": 9007199254740993, "question": "What is 2^53 + 1?", "response": "So \\\\boxed{9007199254740993}."}',
        '{"id": 9007199254740992, "question": "What is 2^53?", "response": "So \\\\boxed{9007199254740993}."}',
        '{"id": 3, "question": "A big one?", "response": "So \\\\boxed{123456789012345678901234567890}."}',
        '{"id": 4, "question": "A long decimal?", "response": "So \\\\boxed{0.12345678901234567890}."}',
      ].join('\n'),
    );
    assert.match(ok(await w2s(['import', 'p.jsonl', '--set', 'big'], { cwd, env })), /imported, 4 problems/);
    assert.match(
      ok(await w2s(['import-traces', 't.jsonl', '--set', 'big', '--run', 'r', '--model', 'm'], { cwd, env })),
      /matched 4 by id/,
    );
    ok(await w2s(['grade'], { cwd, env }));
    const rows = (JSON.parse(ok(await w2s(['traces', '--json'], { cwd, env }))) as { rows: Row[] }).rows;
    const byKey = new Map(rows.map((r) => [r.problemKey, r]));
    assert.deepEqual([...byKey.keys()].sort(), ['3', '4', '9007199254740992', '9007199254740993']);
    assert.deepEqual([...byKey.values()].map((r) => [r.problemKey, r.gold, r.verdict]).sort(), [
      ['3', '123456789012345678901234567890', 'correct'],
      ['4', '0.12345678901234567890', 'correct'],
      ['9007199254740992', '9007199254740992', 'incorrect'],
      ['9007199254740993', '9007199254740993', 'correct'],
    ]);
  });

  it('a one-line JSON array without ids imports, ids from the element index (0, 1, 2), whatever the layout', async () => {
    const cwd = tempDir();
    const env = { W2S_DB: 'w2s.db' };
    const items = [
      { question: 'One?', answer: '1' },
      { question: 'Two?', answer: '2' },
      { question: 'Three?', answer: '3' },
    ];
    writeFile(cwd, 'compact.json', JSON.stringify(items));
    writeFile(cwd, 'pretty.json', JSON.stringify(items, null, 2));
    assert.match(ok(await w2s(['import', 'compact.json', '--set', 'compact'], { cwd, env })), /imported, 3 problems/);
    assert.match(ok(await w2s(['import', 'pretty.json', '--set', 'pretty'], { cwd, env })), /imported, 3 problems/);
    // the same keys either way, so the two layouts of one file are one set's problems
    writeFile(
      cwd,
      't.jsonl',
      items
        .map((p, i) => JSON.stringify({ problem_index: i, question: 'not the text', response: `\\boxed{${p.answer}}` }))
        .join('\n'),
    );
    for (const set of ['compact', 'pretty']) {
      assert.match(
        ok(await w2s(['import-traces', 't.jsonl', '--set', set, '--run', `t-${set}`, '--model', 'm'], { cwd, env })),
        /matched 3 by id/,
      );
    }
  });
});
