// List rows show LaTeX as readable text (webview/shared/readable-tex.ts) and signals as chips in words
// with zero values hidden (webview/shared/signal-chips.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { readableLine, readableTex, readableText } from '../../../webview/shared/readable-tex';
import { signalChips } from '../../../webview/shared/signal-chips';
import { readableExcerpt, splitAtFirstHit } from '../../../webview/traces/excerpt';
import { REAL_TRACES } from '../../support/tmp';

test('LaTeX answers read as text: fractions, \\text, roots, powers, symbols; unknown commands keep their names', () => {
  assert.equal(readableTex('\\frac{1}{9}'), '1/9');
  assert.equal(readableTex('4:30 \\text{ p.m.}'), '4:30 p.m.');
  assert.equal(readableTex('\\dfrac{x+1}{2}'), '(x+1)/2');
  assert.equal(readableTex('3\\sqrt{2}'), '3√2');
  assert.equal(readableTex('\\sqrt{x+1}'), '√(x+1)');
  assert.equal(readableTex('x^2 + y^{10}'), 'x² + y¹⁰');
  assert.equal(readableTex('e^{i\\pi}'), 'e^(iπ)');
  assert.equal(readableTex('\\left( 3, \\frac{\\pi}{2} \\right)'), '( 3, π/2 )');
  assert.equal(readableTex('a_{n+1} \\le 2 \\cdot a_n'), 'a_(n+1) ≤ 2 · a_n');
  assert.equal(readableTex('\\boxed{42}'), '42');
  assert.equal(readableTex('\\weird{x}'), 'weirdx');
  assert.equal(readableTex('50\\%'), '50%');
});

test('a line keeps its words and makes each formula readable', () => {
  assert.equal(
    readableLine('What is $\\frac{1}{9}$ of \\(x^2\\)? Then \\[y = \\sqrt{4}\\] ok'),
    'What is 1/9 of x²? Then y = √4 ok',
  );
  assert.equal(readableLine('It costs 5 dollars'), 'It costs 5 dollars');
});

test("readable text keeps every letter and digit of the shipped traces' questions outside LaTeX commands", () => {
  const questions = new Set(
    fs
      .readFileSync(REAL_TRACES, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { question: string }).question),
  );
  for (const q of questions) {
    // the words outside commands: what a reader of the row must still find
    const words = q.replace(/\\[A-Za-z]+/g, ' ').match(/[A-Za-z0-9]+/g) ?? [];
    // a power reads as a superscript: ³ is the 3 that was written
    const r = readableLine(q).replace(/[⁰¹²³⁴⁵⁶⁷⁸⁹]/g, (c) => String('⁰¹²³⁴⁵⁶⁷⁸⁹'.indexOf(c)));
    let at = 0;
    for (const w of words) {
      for (const ch of w) {
        const k = r.indexOf(ch, at);
        assert.ok(k >= 0, `"${ch}" of "${w}" lost from ${JSON.stringify(q)} → ${JSON.stringify(r)}`);
        at = k + 1;
      }
    }
  }
});

test('signal chips: words, value, a tooltip that says what it measures; zero values and sizes hidden; present first', () => {
  const meta = (n: string) =>
    ({
      reflection: { kind: 'style' as const, description: 'reflection markers, counted' },
      'mixed-language': { kind: 'failure' as const, description: 'letters of another script' },
      truncated: { kind: 'failure' as const, description: 'cut off by the token limit' },
      verification: { kind: 'style' as const, description: 'self-verification markers' },
      'reasoning-tokens': { kind: 'size' as const, description: 'tokens of reasoning' },
    })[n];
  const chips = signalChips(
    { reflection: 0, verification: 2, 'mixed-language': 1, truncated: 1, 'reasoning-tokens': 900 },
    ['truncated', 'verification'],
    meta,
  );
  assert.deepEqual(
    chips.map((c) => c.text),
    ['verification 2', 'truncated', 'mixed language 1'],
  );
  assert.equal(chips[0]!.tooltip, 'verification: self-verification markers — value 2');
  assert.equal(
    chips[2]!.tooltip,
    'mixed language: letters of another script — value 1 (below the threshold that marks the trace)',
  );
  assert.deepEqual(
    chips.map((c) => c.kind),
    ['style', 'failure', 'failure'],
  );
});

test('a search excerpt is cut at its first hit: the hit leads the second half, nothing is lost', () => {
  const text = '…a long stretch of reasoning before the word wait appears and then more text after it…';
  const at = text.indexOf('wait');
  const s = splitAtFirstHit(text, [
    [at, at + 4],
    [text.indexOf('more'), text.indexOf('more') + 4],
  ]);
  assert.equal(s.before + s.after, text);
  assert.ok(s.after.startsWith(' wait'));
  assert.deepEqual(s.afterHits, [
    [1, 5],
    [s.after.indexOf('more'), s.after.indexOf('more') + 4],
  ]);
  assert.deepEqual(splitAtFirstHit('no hits', []), { before: '', beforeHits: [], after: 'no hits', afterHits: [] });
});

test('the excerpt reads as text around its hits: formulas made readable, hits kept as written and moved with the text, one line', () => {
  const text = 'so $\\frac{1}{2}$ and\nwait, \\(x^2\\) again wait';
  const hits: [number, number][] = [
    [text.indexOf('wait'), text.indexOf('wait') + 4],
    [text.lastIndexOf('wait'), text.lastIndexOf('wait') + 4],
  ];
  const r = readableExcerpt(text, hits, readableText);
  assert.equal(r.text, 'so 1/2 and wait, x² again wait');
  assert.deepEqual(
    r.hits.map(([s, e]) => r.text.slice(s, e)),
    ['wait', 'wait'],
  );
  const split = splitAtFirstHit(r.text, r.hits);
  assert.equal(
    split.before,
    'so 1/2 and',
    'the space before the hit goes with the second half (it would move to the left end of the right-to-left first half)',
  );
  assert.ok(split.after.startsWith(' wait'));
  assert.deepEqual(
    split.afterHits.map(([s, e]) => split.after.slice(s, e)),
    ['wait', 'wait'],
  );
});
