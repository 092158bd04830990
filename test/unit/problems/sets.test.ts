import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_BENCHMARKS, builtinFile } from '../../../src/core/problems/builtin';
import { importProblemSet } from '../../../src/core/problems/import';
import { searchProblems } from '../../../src/core/problems/sets';
import { openStore, type Store } from '../../../src/core/store/open';
import { tempDir, writeFile } from '../../support/tmp';

let store: Store;
before(async () => {
  store = openStore(path.join(tempDir(), 'w2s.db'));
  await importProblemSet(store, {
    file: builtinFile(BUILTIN_BENCHMARKS.find((b) => b.id === 'gsm8k')!),
    name: 'gsm8k',
  });
});
after(() => store.close());

describe('paging and filtering problems', () => {
  it('pages in file order with the total', () => {
    const a = searchProblems(store, 'gsm8k', { offset: 0, limit: 100 });
    const b = searchProblems(store, 'gsm8k', { offset: 100, limit: 100 });
    assert.equal(a.matched, 1319);
    assert.deepEqual(
      a.problems.map((p) => p.position),
      [...Array(100).keys()],
    );
    assert.equal(b.problems[0]!.position, 100);
  });

  it('filters by question or answer text, case-insensitively, and by exact id', () => {
    const r = searchProblems(store, 'gsm8k', { offset: 0, limit: 1000, query: 'DUCKS' });
    assert.ok(r.matched > 0 && r.matched < 1319);
    assert.equal(r.problems.length, r.matched);
    assert.ok(r.problems.every((p) => /ducks/i.test(p.question) || /ducks/i.test(p.answer)));
    assert.equal(
      searchProblems(store, 'gsm8k', { offset: 0, limit: 10, query: '106' }).problems.some((p) => p.key === '106'),
      true,
    );
  });

  it('treats % and _ in the filter as text, not wildcards', async () => {
    const f = writeFile(
      tempDir(),
      'pct.jsonl',
      [
        JSON.stringify({ id: 1, question: 'What is 50% of 8?', answer: '4' }),
        JSON.stringify({ id: 2, question: 'What is 50 of 8?', answer: '400' }),
      ].join('\n'),
    );
    await importProblemSet(store, { file: f, name: 'pct' });
    assert.deepEqual(
      searchProblems(store, 'pct', { offset: 0, limit: 10, query: '50%' }).problems.map((p) => p.key),
      ['1'],
    );
    assert.equal(searchProblems(store, 'pct', { offset: 0, limit: 10, query: '_' }).matched, 0);
  });
});
