/** Public API: gold answers, type inference, pairs mode, version, benchmark gold styles. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BENCHMARKS } from '../../support/tmp';
import {
  GRADER_VERSION,
  answersEqual,
  goldAnswerOf,
  gradePair,
  gradeResponse,
  inferAnswerType,
} from '../../../src/core/grader';

test('GRADER_VERSION is a versioned id', () => {
  assert.match(GRADER_VERSION, /^w2s-grader\/\d+$/);
});

test('goldAnswerOf: bare answers, MATH solutions, GSM8K answers', () => {
  assert.equal(goldAnswerOf('42'), '42');
  assert.equal(goldAnswerOf('$\\frac{1}{2}$'), '\\frac{1}{2}');
  assert.equal(
    goldAnswerOf('We have $r=3$ so the answer is $\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}.$'),
    '\\left( 3, \\frac{\\pi}{2} \\right)',
  );
  assert.equal(goldAnswerOf('Janet sells 9 eggs.\nShe makes $18.\n#### 18'), '18');
});

test('inferAnswerType', () => {
  assert.equal(inferAnswerType('B'), 'choice');
  assert.equal(inferAnswerType('(C)'), 'choice');
  assert.equal(inferAnswerType('42'), 'number');
  assert.equal(inferAnswerType('-3.5'), 'number');
  assert.equal(inferAnswerType('1,234'), 'number');
  assert.equal(inferAnswerType('\\frac{1}{2}'), 'math');
  assert.equal(inferAnswerType('x=5'), 'math');
  assert.equal(inferAnswerType('1,-2'), 'math');
  assert.equal(inferAnswerType('\\text{Evelyn}'), 'text');
  assert.equal(inferAnswerType('Monday'), 'text');
});

test('gradeResponse verdicts: correct / incorrect / no-answer', () => {
  assert.equal(gradeResponse({ gold: '5', response: 'so \\boxed{5}' }).verdict, 'correct');
  assert.equal(gradeResponse({ gold: '5', response: 'so \\boxed{6}' }).verdict, 'incorrect');
  assert.equal(gradeResponse({ gold: '5', response: 'I give up.' }).verdict, 'no-answer');
  assert.equal(
    gradeResponse({ gold: 'Solution ... $\\boxed{\\frac{1}{2}}$', response: '\\boxed{0.5}' }).verdict,
    'correct',
  );
});

test('gradePair accepts a bare answer (with or without $…$) or a whole response', () => {
  assert.deepEqual(gradePair({ gold: '\\frac{1}{2}', pred: '$0.5$' }), {
    extracted: '0.5',
    verdict: 'correct',
    equal: true,
  });
  assert.equal(gradePair({ gold: '\\frac{1}{2}', pred: 'We compute and get \\boxed{\\frac{2}{4}}.' }).equal, true);
  assert.equal(gradePair({ gold: '3', pred: '' }).verdict, 'no-answer');
  assert.equal(gradePair({ gold: '3', pred: '4' }).verdict, 'incorrect');
});

test('answersEqual is gold → prediction and type-aware', () => {
  assert.equal(answersEqual('B', '(B)', 'choice'), true);
  assert.equal(answersEqual('1,234', '1234', 'number'), true);
  assert.equal(answersEqual('Evelyn', 'EVELYN', 'text'), true);
  assert.equal(answersEqual('x^2+2x+1', '(x+1)^2', 'math'), true);
  assert.equal(answersEqual('x^2+2x+1', '(x-1)^2', 'math'), false);
});

test('every benchmark gold answer equals itself, boxed in a response, whatever its style', () => {
  const dir = BENCHMARKS;
  const failures: string[] = [];
  let n = 0;
  for (const [file, field] of [
    ['math500.jsonl', 'answer'],
    ['olympiadbench.jsonl', 'answer'],
    ['minerva.jsonl', 'answer'],
    ['amc23.jsonl', 'answer'],
    ['aime24.jsonl', 'answer'],
    ['gsm8k.jsonl', 'answer'],
  ]) {
    const rows = readFileSync(`${dir}/${file}`, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .slice(0, 150);
    for (const l of rows) {
      const raw = (JSON.parse(l) as Record<string, unknown>)[field];
      const gold = goldAnswerOf(String(raw));
      const bare = gold.replace(/^\$|\$$/g, '');
      const r = gradeResponse({ gold: String(raw), response: `Thus the answer is $\\boxed{${bare}}$.` });
      n++;
      if (r.verdict !== 'correct') failures.push(`${file}: ${JSON.stringify(gold)} → ${JSON.stringify(r)}`);
    }
  }
  assert.ok(n > 500);
  assert.equal(failures.length, 0, failures.join('\n'));
});
