// The filter expression of `w2s traces --filter` and the Traces view's search box: what each term
// becomes, and errors that name the token and its column.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FilterSyntaxError,
  formatFilterExpression,
  parseFilterExpression,
} from '../../../src/core/curation/filter-expr';

test('each kind of term becomes its field; lists merge without repeats; search words are joined', () => {
  assert.deepEqual(
    parseFilterExpression(
      'run:"a b",c run:c -verdict:correct,error label:accepted,star len:>2k latency:1s..30s level:"Level 3" sig:reflection>=3 -signal:truncated id:7 wait "on second"',
    ),
    {
      runs: ['a b', 'c'],
      verdicts: ['incorrect', 'no-answer', 'ungraded'],
      labels: ['accept', 'star'],
      length: { min: 2001 },
      latencyMs: { min: 1000, max: 30000 },
      levels: ['3'],
      signals: [
        { signal: 'reflection', op: '>=', value: 3 },
        { signal: 'truncated', present: false },
      ],
      traceIds: [7],
      text: 'wait "on second"',
    },
  );
  assert.deepEqual(parseFilterExpression('verdict:wrong,none finish:stop,none'), {
    verdicts: ['incorrect', 'ungraded'],
    finishReasons: ['stop', 'none'],
  });
  assert.deepEqual(parseFilterExpression('   '), {});
});

test('errors name the token and its column', () => {
  const error = (expr: string) => {
    try {
      parseFilterExpression(expr);
    } catch (e) {
      assert.ok(e instanceof FilterSyntaxError, String(e));
      return { message: e.message, column: e.column, token: e.token };
    }
    assert.fail(`${expr} parsed`);
  };
  assert.deepEqual(error('run:x verdcit:wrong'), {
    message:
      'unknown key "verdcit" in verdcit:wrong (column 7). Did you mean "verdict"? Keys: run, model, set, verdict, label, finish, len, length, latency, subject, level, signal, sig, problem, id. To search for the text, quote it: "verdcit:wrong".',
    column: 7,
    token: 'verdcit:wrong',
  });
  assert.equal(error('  run:').message, 'run: (column 3): a value is missing after "run:".');
  assert.equal(
    error('-run:x').message,
    '-run:x (column 1): only verdict and signal can be negated (or search words: -word).',
  );
  assert.equal(error('len:1..2 len:3').column, 10);
  assert.equal(error('len:5s').message, 'len:5s (column 1): seconds only apply to latency.');
  assert.equal(
    error('-signal:reflection>3').message,
    '-signal:reflection>3 (column 1): a comparison cannot be negated; turn it around (signal:reflection<3 instead of -signal:reflection>=3).',
  );
  // a search syntax error points into the expression, not into the joined search text
  assert.equal(error('run:x word OR').column, 12);
});

test('a formatted filter parses back to the same filter', () => {
  for (const expr of [
    'run:"a b",c -verdict:correct',
    'label:reject len:1000..2000 latency:<=30000',
    'signal:reflection>=3 -signal:truncated problem:1,2 id:5 wait',
  ]) {
    const f = parseFilterExpression(expr);
    assert.deepEqual(parseFilterExpression(formatFilterExpression(f)), f, expr);
  }
});
