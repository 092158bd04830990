/**
 * Runs every case of corpus.jsonl: gold/prediction pairs written by hand, each tagged with its category
 * and its provenance — decided by hand (with the reason) or a documented behaviour of Math-Verify 0.8.0
 * (or of lighteval's extractive match, its predecessor), citing the test or source it comes from. A case
 * where Math-Verify would say otherwise carries `math_verify` and names its entry in MATH_VERIFY_DIFFS.md.
 */
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
  provenance: string;
  math_verify?: boolean;
  diff?: string;
}

const cases: Case[] = readFileSync(path.join(__dirname, 'corpus.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Case);
const diffsDoc = readFileSync(path.join(__dirname, 'MATH_VERIFY_DIFFS.md'), 'utf8');

test('corpus is large and covers every category, both ways', () => {
  assert.ok(cases.length >= 631, `only ${cases.length} cases (381 before issue 10, which asks for 250 more)`);
  const cats = new Set(cases.map((c) => c.category));
  for (const c of [
    // before grader 2
    'string',
    'plain-number',
    'fraction',
    'malformed-latex',
    'latex-normalisation',
    'units',
    'degrees',
    'percent',
    'currency',
    'thousands',
    'scientific',
    'pi',
    'radicals',
    'complex',
    'expression',
    'set',
    'tuple',
    'interval',
    'relation',
    'matrix',
    'text',
    'choice',
    'number',
    'extraction',
    // issue 10: relations, numbers as people write them, several answers, symbolic, answers without a box
    'inequality',
    'decimal-comma',
    'rounded-decimal',
    'trailing-junk',
    'list-order',
    'several-boxes',
    'plus-minus',
    'tuples',
    'symbolic',
    'no-box-en',
    'no-box-zh',
    'no-box-fr',
    'choice-letter',
    // issues 9 and 14: numbers beyond floating point, Math-Verify's tolerance, repeated items
    'big-number',
    'tolerance',
    'repeated-items',
    // issue 23: answer formats of RL-era templates and the long tail of forms people write
    'answer-tag',
    'template-tokens',
    'answer-line',
    'signed-number',
    'choice-lowercase',
    'mixed-number',
    'trig-degrees',
    'function-form',
    'units-glued',
    'matrix-escaped',
    'percent-number',
    'rl-output',
  ]) {
    assert.ok(cats.has(c), `missing category ${c}`);
    assert.ok(
      cases.some((x) => x.category === c && x.equal),
      `category ${c} has no equal case`,
    );
    // both ways, except where every case is the same answer written another way
    if (!['string', 'malformed-latex'].includes(c))
      assert.ok(
        cases.some((x) => x.category === c && !x.equal),
        `category ${c} has no unequal case`,
      );
  }
  assert.ok(cases.some((c) => c.equal) && cases.some((c) => !c.equal));
});

test('every case names its provenance: decided by hand with a reason, or a cited behaviour of another grader', () => {
  const bad = cases.filter(
    (c) =>
      !/^hand: .{12,}/.test(c.provenance) &&
      !/^math-verify: (?:tests\/test_\w+\.py(?:::\w+)?|grader\.py|parser\.py|latex2sympy2_extended)\b.{8,}/.test(
        c.provenance,
      ) &&
      !/^lighteval: tests\/unit\/metrics\/test_extractive_match\.py::\w+/.test(c.provenance) &&
      // a documented chat or RL template, named with where it is documented (a paper, a model card, a file)
      !/^template: .{12,}(?:arXiv \d{4}\.\d{4,5}|model card|dataset card|\.json|\.md|\.py|gist|notebook|format)/.test(
        c.provenance,
      ) &&
      // a real reply of an RL-era model published in a repository (file at a commit), with its label's source
      !/^output: [\w.-]+\/[\w.-]+ \S+@[0-9a-f]{7,}, a real .{12,}/.test(c.provenance) &&
      // a real model response of the fixture, with what was done to it
      !/^trace: test\/fixtures\/qwen25-math-cot-sample\.jsonl line \d+ \(real Qwen2\.5-Math response\), .{12,}/.test(
        c.provenance,
      ),
  );
  assert.deepEqual(
    bad.map((c) => JSON.stringify(c)),
    [],
  );
  // a label must never be "what our grader said": no case may claim our own output as its source
  assert.ok(!cases.some((c) => /w2s-grader|our grader|gradePair/i.test(c.provenance)));
});

test('a case built from a real response holds that response (whole, or with its box unwrapped)', () => {
  const fixture = readFileSync(
    path.join(__dirname, '..', '..', 'fixtures', 'qwen25-math-cot-sample.jsonl'),
    'utf8',
  ).split('\n');
  const traced = cases.filter((c) => c.provenance.startsWith('trace: '));
  assert.ok(traced.length >= 20, `only ${traced.length} cases from real responses`);
  for (const c of traced) {
    const line = Number(/ line (\d+) /.exec(c.provenance)![1]);
    const { response, gold } = JSON.parse(fixture[line - 1]) as { response: string; gold: string };
    const unboxed = response.replace(/\\boxed\{((?:[^{}]|\{[^{}]*\})*)\}/g, '$1');
    assert.ok(
      c.pred.includes(response) || c.pred.includes(unboxed),
      `line ${line} is not in ${JSON.stringify(c.pred.slice(0, 80))}`,
    );
    assert.ok(c.gold === gold || !c.equal, `line ${line}: an equal case keeps the fixture's gold`);
  }
});

test('a case where Math-Verify differs names its entry in MATH_VERIFY_DIFFS.md', () => {
  for (const c of cases) {
    if (c.math_verify === undefined) {
      assert.equal(c.diff, undefined, JSON.stringify(c));
      continue;
    }
    assert.notEqual(c.math_verify, c.equal, `math_verify repeats the expected verdict: ${JSON.stringify(c)}`);
    assert.ok(
      c.diff && new RegExp(`^### ${c.diff}\\b`, 'm').test(diffsDoc),
      `no "### ${c.diff}" in MATH_VERIFY_DIFFS.md for ${JSON.stringify(c)}`,
    );
  }
});

test('every corpus case grades as expected', (t) => {
  const failures: string[] = [];
  const byCategory = new Map<string, { n: number; mv: number }>();
  for (const c of cases) {
    const r = gradePair({ gold: c.gold, pred: c.pred, type: c.type ?? 'math' });
    if (r.equal !== c.equal) {
      failures.push(
        `[${c.category}] gold=${JSON.stringify(c.gold)} pred=${JSON.stringify(c.pred)} expected ${c.equal}, got ${JSON.stringify(r)} (${c.provenance})`,
      );
    }
    const s = byCategory.get(c.category) ?? { n: 0, mv: 0 };
    s.n++;
    if (c.math_verify === undefined) s.mv++;
    byCategory.set(c.category, s);
  }
  for (const [cat, s] of [...byCategory].sort()) t.diagnostic(`${cat}: ${s.n} cases, Math-Verify agrees on ${s.mv}`);
  assert.equal(failures.length, 0, `${failures.length}/${cases.length} corpus cases fail:\n${failures.join('\n')}`);
});
