/** Runs every case of corpus.jsonl (gold/prediction pairs with the source of their policy). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { gradePair, type AnswerType } from '../../../src/core/grader';

interface Case {
  gold: string;
  pred: string;
  type?: AnswerType;
  equal: boolean;
  category: string;
  source: string;
}

const cases: Case[] = readFileSync(path.join(__dirname, 'corpus.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Case);

test('corpus is large and covers every category, both ways', () => {
  assert.ok(cases.length >= 300, `only ${cases.length} cases`);
  const cats = new Set(cases.map((c) => c.category));
  for (const c of ['string', 'plain-number', 'fraction', 'malformed-latex', 'latex-normalisation', 'units', 'degrees', 'percent',
    'currency', 'thousands', 'scientific', 'pi', 'radicals', 'complex', 'expression', 'set', 'tuple', 'interval', 'relation',
    'matrix', 'text', 'choice', 'number', 'extraction']) {
    assert.ok(cats.has(c), `missing category ${c}`);
  }
  assert.ok(cases.some((c) => c.equal) && cases.some((c) => !c.equal));
  for (const c of cases) assert.ok(c.source, `case without a source: ${JSON.stringify(c)}`);
});

test('every corpus case grades as expected', () => {
  const failures: string[] = [];
  for (const c of cases) {
    const r = gradePair({ gold: c.gold, pred: c.pred, type: c.type ?? 'math' });
    if (r.equal !== c.equal) {
      failures.push(`[${c.category}] gold=${JSON.stringify(c.gold)} pred=${JSON.stringify(c.pred)} expected ${c.equal}, got ${JSON.stringify(r)} (${c.source})`);
    }
  }
  assert.equal(failures.length, 0, `${failures.length}/${cases.length} corpus cases fail:\n${failures.join('\n')}`);
});
