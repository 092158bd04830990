/**
 * The rules of src/core/grader/scan.ts, each named in its test: where a math segment or a number of a
 * response begins and ends (Math-Verify 0.8.0's `make_latex_env_pattern` and `lazy_expr_regex` in
 * math_verify/parser.py, as scan.ts's comments cite them). Extraction picks its answer from these pieces, so
 * a piece cut one character wrong is a wrong answer graded: each case pins the piece a user would see.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCjk, mathSegments, numberTokens, SegmentScanner, toPlain } from '../../../src/core/grader/scan';

const contents = (s: string): string[] => mathSegments(s).map((x) => x.content);
const raws = (s: string): string[] => numberTokens(s).map((t) => t.raw);

describe('math segments (Math-Verify LaTeX environments)', () => {
  it('each delimiter pair is a segment, with its exact start and end', () => {
    const s = 'so $x+1$ and $$2$$ then \\(3\\) and \\[4\\]';
    assert.deepEqual(mathSegments(s), [
      { start: 3, end: 8, content: 'x+1', percent: false },
      { start: 13, end: 18, content: '2', percent: false },
      { start: 24, end: 29, content: '3', percent: false },
      { start: 34, end: 39, content: '4', percent: false },
    ]);
  });

  it('segments do not overlap: reading resumes after the closing delimiter', () => {
    assert.deepEqual(contents('$a$b$c$'), ['a', 'c']);
    assert.deepEqual(contents('$a$ $b$ $c$'), ['a', 'b', 'c']);
    assert.deepEqual(contents('$$a$$ $$b$$'), ['a', 'b']);
    assert.deepEqual(contents('\\(a\\) \\(b\\)'), ['a', 'b']);
    assert.deepEqual(contents('\\[a\\] \\[b\\]'), ['a', 'b']);
  });

  it('an escaped dollar (\\$) neither opens nor closes a segment', () => {
    assert.deepEqual(contents('costs \\$5 and \\$6 more'), []);
    assert.deepEqual(contents('$a\\$b$'), ['a\\$b']);
    assert.deepEqual(contents('$$a\\$$b$$'), ['a\\$$b']);
    assert.deepEqual(contents('\\$$5$'), ['5']);
  });

  it('inline $…$ stays on one line; a dollar right after a digit opens nothing ("5$")', () => {
    assert.deepEqual(contents('$a\nb$'), []);
    assert.deepEqual(contents('$a$\n$b$'), ['a', 'b']);
    assert.deepEqual(contents('costs 5$ and 6$ more'), []);
    assert.deepEqual(contents('x$5$'), ['5']);
    assert.deepEqual(contents('$$'), []);
    assert.deepEqual(contents('$$$'), []);
  });

  it('display $$…$$ may span lines and needs something inside', () => {
    assert.deepEqual(contents('$$a\nb$$'), ['a\nb']);
    // `$$$$` has nothing between two display delimiters: no segment
    assert.deepEqual(contents('$$$$'), []);
    // an unclosed display falls back to the inline reading of its second dollar
    assert.deepEqual(mathSegments('$$x$'), [{ start: 1, end: 4, content: 'x', percent: false }]);
  });

  it('\\(…\\) stays on one line, \\[…\\] may span lines; both need a closing delimiter', () => {
    assert.deepEqual(contents('\\(a\nb\\)'), []);
    assert.deepEqual(contents('\\(a\\)\n'), ['a']);
    assert.deepEqual(contents('\\[a\nb\\]'), ['a\nb']);
    assert.deepEqual(contents('\\(a and \\[b'), []);
    assert.deepEqual(contents('\\(\\)'), []);
    assert.deepEqual(contents('\\[\\]'), []);
  });

  it('a bracket segment " [ … ] " (latexInlineBracket): space before and after, one line, no nested [', () => {
    assert.deepEqual(mathSegments('so [x+1] ok'), [{ start: 3, end: 8, content: 'x+1', percent: false }]);
    assert.deepEqual(contents('[x] ok'), [], 'not at the very start');
    assert.deepEqual(contents('a[x] ok'), [], 'not glued to a word');
    assert.deepEqual(contents('so [x]y'), [], 'not followed by a letter');
    assert.deepEqual(contents('so [x]'), [], 'not at the very end');
    assert.deepEqual(contents('so [a\nb] ok'), [], 'not across a line');
    assert.deepEqual(contents('so [a [b] c] ok'), ['b'], 'the inner bracket only');
    assert.deepEqual(contents('so [] ok'), [], 'not empty');
    assert.deepEqual(contents('so [x]\tok'), ['x']);
    assert.deepEqual(contents('so\n[x] ok'), ['x']);
  });

  it('a bare \\frac of two numbers is a segment; with a sign, decimals; not with letters', () => {
    assert.deepEqual(mathSegments('is \\frac{1}{2} ok'), [
      { start: 3, end: 14, content: '\\frac{1}{2}', percent: false },
    ]);
    assert.deepEqual(contents('is -\\frac{-3}{4.5} ok'), ['-\\frac{-3}{4.5}']);
    assert.deepEqual(contents('is \\frac{1,5}{2} ok'), ['\\frac{1,5}{2}']);
    assert.deepEqual(contents('is \\frac{a}{2} ok'), []);
    assert.deepEqual(contents('is \\frac{1}{b} ok'), []);
    assert.deepEqual(contents('is - \\frac{1}{2}'), ['\\frac{1}{2}']);
    // inside a delimited segment the \frac belongs to that segment
    assert.deepEqual(contents('$\\frac{1}{2}$'), ['\\frac{1}{2}']);
  });

  it('a percent sign or word right after the closing delimiter marks the segment as a percent and ends after it', () => {
    assert.deepEqual(mathSegments('$50$%.'), [{ start: 0, end: 5, content: '50', percent: true }]);
    assert.deepEqual(mathSegments('$50$ \\% x'), [{ start: 0, end: 7, content: '50', percent: true }]);
    for (const word of ['percent', 'Percent', 'percentage', 'Percentage', 'pct', 'Pct']) {
      const s = `$5$ ${word}.`;
      assert.deepEqual(mathSegments(s), [{ start: 0, end: 4 + word.length, content: '5', percent: true }], s);
    }
    assert.deepEqual(mathSegments('$5$ percentile'), [{ start: 0, end: 3, content: '5', percent: false }]);
    assert.deepEqual(mathSegments('$5$ pcts'), [{ start: 0, end: 3, content: '5', percent: false }]);
    assert.deepEqual(mathSegments('\\(5\\)%'), [{ start: 0, end: 6, content: '5', percent: true }]);
    assert.deepEqual(mathSegments('x% $5$'), [{ start: 3, end: 6, content: '5', percent: false }]);
  });
});

describe('SegmentScanner.within (the lazy `.{0,50}?` before an environment after an anchor)', () => {
  it('the first segment opening within [from, from + window], inclusive', () => {
    const s = 'abc$5$ $6$';
    assert.equal(new SegmentScanner(s).within(0, 3)?.content, '5');
    assert.equal(new SegmentScanner(s).within(0, 2), null);
    assert.equal(new SegmentScanner(s).within(4, 3)?.content, '6');
    assert.equal(new SegmentScanner('abc').within(0, 50), null);
    assert.equal(new SegmentScanner('ab $5$').within(0, 50)?.content, '5', 'the window is cut at the end of the text');
  });

  it('answers correctly for any order of calls (its next-occurrence cache is searched afresh when behind)', () => {
    const sc = new SegmentScanner('$a$ then $b$ then \\(c\\) then \\(d\\)');
    assert.equal(sc.within(4, 50)?.content, 'b');
    assert.equal(sc.within(0, 50)?.content, 'a');
    assert.equal(sc.within(13, 50)?.content, 'c');
    assert.equal(sc.within(22, 50)?.content, 'd');
    assert.equal(sc.within(0, 1)?.content, 'a');
    assert.equal(sc.at(9)?.content, 'b');
    assert.equal(sc.at(8), null);
  });

  it('a closing delimiter found for an earlier opener is not reused for a later one', () => {
    const sc = new SegmentScanner('$a$ $b\n$ x');
    assert.equal(sc.at(0)?.content, 'a');
    assert.equal(sc.at(4), null, 'the next $ is on the next line');
    const sq = new SegmentScanner('so [a] x [b\n] y');
    assert.equal(sq.at(3)?.content, 'a');
    assert.equal(sq.at(9), null);
  });
});

describe('number tokens (Math-Verify number formats and anchoring)', () => {
  it('a number as written, with its exact start and end', () => {
    assert.deepEqual(numberTokens('I have 12 apples'), [
      { start: 7, end: 9, raw: '12', value: '12', expr: false, percent: false },
    ]);
    assert.deepEqual(raws('3.14 and 3,14 and .5 and -3 and 007'), ['3.14', '3,14', '.5', '-3', '007']);
    assert.deepEqual(
      numberTokens('3,14').map((t) => t.value),
      ['3.14'],
      'a decimal comma is a decimal point',
    );
  });

  it('a number starts after the start, a space, `=`, `**`, a currency sign or a CJK character; never glued to a word', () => {
    assert.deepEqual(raws('x12 a=5, **7**, $8 €9 £1 ¥2 ₹3 ₽4 ₪5 ₩6 ₫7 ฿8 \\$9'), [
      '5',
      '7',
      '8',
      '9',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
    assert.deepEqual(raws('答案是42'), ['42']);
    assert.deepEqual(raws('x:5 x/5 x-5 x*5'), []);
    assert.deepEqual(raws('\t5\n6'), ['5', '6']);
    assert.deepEqual(raws('a*5'), [], 'a single `*` is not bold');
    assert.deepEqual(raws('x$5'), [], 'the currency sign itself follows a space or the start');
    assert.deepEqual(raws('x\\$5'), [], 'an escaped dollar glued to a word');
    assert.deepEqual(raws('$$5'), [], 'two currency signs');
  });

  it('thousands groups are one number; a group followed by more digits is not a thousands group', () => {
    assert.deepEqual(
      numberTokens('paid 1,234,567.5 and 1 000 and -2,000').map((t) => [t.raw, t.value]),
      [
        ['1,234,567.5', '1234567.5'],
        ['1 000', '1000'],
        ['-2,000', '-2000'],
      ],
    );
    assert.deepEqual(raws('1,2345'), ['1']);
    assert.deepEqual(raws('12,3456'), ['12']);
    assert.deepEqual(raws('1 2345'), ['1', '2345'], 'the digits after the space are a number of their own');
    assert.deepEqual(raws('0,123'), ['0,123'], 'a leading zero is no thousands group: a decimal comma');
  });

  it('a percent sign or word after a number marks it a percent and ends after it', () => {
    assert.deepEqual(numberTokens('rose 50% today'), [
      { start: 5, end: 8, raw: '50', value: '50', expr: false, percent: true },
    ]);
    assert.deepEqual(
      numberTokens('50 percent, 5\\%, 7 pct, 8 Percentage, 9 percentile').map((t) => [
        t.raw,
        t.percent,
        t.end - t.start,
      ]),
      [
        ['50', true, 10],
        ['5', true, 3],
        ['7', true, 5],
        ['8', true, 12],
        ['9', false, 1],
      ],
    );
  });

  it('an explicit plus sign is read with the number after a word, `:`, `=`, `**`, a line break or the start', () => {
    assert.deepEqual(numberTokens('the answer is +7'), [
      { start: 14, end: 16, raw: '7', value: '7', expr: false, percent: false },
    ]);
    assert.deepEqual(raws('+7'), ['7']);
    assert.deepEqual(raws('x: +7'), ['7']);
    assert.deepEqual(raws('x = +7'), ['7']);
    assert.deepEqual(raws('x\n+7'), ['7']);
    assert.deepEqual(raws('**+7'), ['7']);
    assert.deepEqual(raws('is +50%').length, 1);
    assert.deepEqual(numberTokens('is +50%')[0].percent, true);
    assert.deepEqual(numberTokens('is +1,000')[0].value, '1000');
    // not after a digit or a lone variable: there it continues a formula
    assert.deepEqual(raws('x^2 +7'), []);
    assert.deepEqual(raws('a +7'), []);
    // not when the number goes on as arithmetic ("+7+1")
    assert.deepEqual(raws('is +7+1'), []);
    assert.deepEqual(raws('is +7*2'), []);
    assert.deepEqual(raws('x+7'), [], 'glued to a word');
    assert.deepEqual(raws('is +x'), []);
  });

  it('plain arithmetic is one token: at least one operator between digits, ending on a digit or `)`', () => {
    assert.deepEqual(numberTokens('so 2/3.'), [
      { start: 3, end: 6, raw: '2/3', value: '2/3', expr: true, percent: false },
    ]);
    assert.deepEqual(
      numberTokens('35 + 70 = 105').map((t) => [t.raw, t.expr]),
      [
        ['35 + 70', true],
        ['105', false],
      ],
    );
    assert.deepEqual(raws('(1/2)*(4/3) x'), ['(1/2)*(4/3)']);
    assert.deepEqual(raws('2 - 3'), ['2 - 3']);
    assert.deepEqual(raws('8 × 8, 9 ÷ 3, 2^10'), ['8 × 8', '9 ÷ 3', '2^10']);
    assert.deepEqual(raws('2*3, 2+ 4'), ['2*3', '2+ 4']);
    assert.deepEqual(raws('(2+3)'), ['(2+3)']);
  });

  it('arithmetic ends before what cannot follow it: then only its first number is read', () => {
    assert.deepEqual(raws('2/3x'), ['2']);
    assert.deepEqual(raws('2/3: yes'), ['2/3']);
    assert.deepEqual(raws('2/3$'), ['2/3']);
    assert.deepEqual(raws('2/3)'), ['2/3']);
    assert.deepEqual(raws('2/3*'), ['2/3']);
    assert.deepEqual(raws('2/3, 4'), ['2/3', '4']);
    assert.deepEqual(raws('2/3。'), ['2/3']);
    assert.deepEqual(raws('2+3 +'), ['2+3']);
    assert.deepEqual(raws('2+'), ['2']);
    assert.deepEqual(raws('(2+3'), [], 'an unclosed parenthesis: no arithmetic, and `2` is glued to it');
  });

  it('a minus after a digit and a space is an operator; a leading or parenthesised minus is a sign', () => {
    assert.deepEqual(raws('-3 -4'), ['-3 -4'], 'after a digit and a space it is an operator');
    assert.deepEqual(raws('(-3)'), []);
    assert.deepEqual(raws('(-3)*2'), ['(-3)*2']);
    assert.deepEqual(raws('5 -3'), ['5 -3']);
    assert.deepEqual(raws('-3'), ['-3']);
  });

  it('an arithmetic run is read up to 200 characters from its start (MAX_EXPR)', () => {
    const long = Array.from({ length: 60 }, (_, k) => String(k % 10)).join('+'); // 119 characters
    assert.deepEqual(raws(long), [long]);
    const tooLong = Array.from({ length: 120 }, () => '1').join('+'); // 239 characters
    assert.deepEqual(raws(tooLong), ['1'], 'a run longer than 200 characters is no arithmetic: its first number only');
  });
});

describe('toPlain (Math-Verify reading of separators)', () => {
  it('thousands separators removed, a decimal comma made a point', () => {
    assert.equal(toPlain('1,000.5'), '1000.5');
    assert.equal(toPlain('1 000'), '1000');
    assert.equal(toPlain('-12,345,678'), '-12345678');
    assert.equal(toPlain('2,74'), '2.74');
    assert.equal(toPlain('0,500'), '0.500');
    assert.equal(toPlain('1000,5'), '1000.5');
    assert.equal(toPlain('7'), '7');
    assert.equal(toPlain('x1,000'), 'x1.000', 'not a whole number: only the comma rule');
    assert.equal(toPlain('1,000x'), '1.000x');
  });
});

describe('isCjk (a number may follow Chinese, Japanese or Korean text without a space)', () => {
  it('CJK punctuation and ideographs, full-width forms, Hangul; not Latin', () => {
    for (const c of ['\u3000', '。', '中', '\u9fff', '\uff00', '：', '\uffef', '\uac00', '한', '\ud7af'])
      assert.equal(isCjk(c), true, c.codePointAt(0)!.toString(16));
    for (const c of ['a', '5', '\u2fff', '\ua000', '\ufeff', '\ufff0', '\uabff', '\ud7b0'])
      assert.equal(isCjk(c), false, c.codePointAt(0)!.toString(16));
  });
});

describe('edges of the scan rules (each a place where reading one character differently changes the answer)', () => {
  it('a number at the very start after `**`, a currency sign or an escaped dollar', () => {
    assert.deepEqual(numberTokens('**7**'), [{ start: 2, end: 3, raw: '7', value: '7', expr: false, percent: false }]);
    assert.deepEqual(raws('$8'), ['8']);
    assert.deepEqual(raws('\\$9'), ['9']);
  });

  it('a signed number: a tab before the sign, a percent after, never cut inside a thousands group', () => {
    assert.deepEqual(raws('is\t+7'), ['7']);
    assert.deepEqual(numberTokens('is +50%'), [
      { start: 3, end: 7, raw: '50', value: '50', expr: false, percent: true },
    ]);
    assert.deepEqual(raws('is +1,2345'), [], '"+1,234" followed by a digit is not read');
  });

  it('thousands groups: a leading group of one to three digits only; only the last group is cut before a digit', () => {
    assert.deepEqual(
      numberTokens('123,456').map((t) => t.value),
      ['123456'],
    );
    assert.deepEqual(
      numberTokens('1234,567').map((t) => t.value),
      ['1234.567'],
      'four digits first: a decimal comma',
    );
    assert.deepEqual(raws('12,345,6789'), ['12,345']);
    assert.deepEqual(
      raws('123,4567'),
      ['123'],
      'a three-digit leading group is a thousands group, cut before the digit',
    );
    assert.equal(toPlain('123,456'), '123456');
    assert.equal(toPlain('1234,567'), '1234.567');
  });

  it('a percent sign may follow the number after spaces', () => {
    assert.deepEqual(numberTokens('5 %'), [{ start: 0, end: 3, raw: '5', value: '5', expr: false, percent: true }]);
    assert.deepEqual(
      mathSegments('$5$ is 5%'),
      [{ start: 0, end: 3, content: '5', percent: false }],
      'only right after',
    );
  });

  it('arithmetic may open with a sign, a point or brackets; brackets must close; a lone minus between brackets is no arithmetic', () => {
    assert.deepEqual(raws('-.5+1'), ['-.5+1']);
    assert.deepEqual(raws('((1+2)*3)'), ['((1+2)*3)']);
    assert.deepEqual(raws('-(2+3)'), ['-(2+3)']);
    assert.deepEqual(raws('2+(3'), ['2']);
    assert.deepEqual(raws('(1)-(2)'), [], 'no operator but a minus, and that not between two digits');
  });

  it('a bare \\frac with several digits or a negative denominator; within() sees one that opens with a minus or a bracket', () => {
    assert.deepEqual(contents('\\frac{12}{34}'), ['\\frac{12}{34}']);
    assert.deepEqual(contents('\\frac{1}{-2}'), ['\\frac{1}{-2}']);
    assert.equal(new SegmentScanner('is -\\frac{1}{2}').within(0, 5)?.content, '-\\frac{1}{2}');
    assert.equal(new SegmentScanner('so [x] ok').within(0, 5)?.content, 'x');
  });
});

describe('which character opens which segment (survivors of the first Stryker run, lines 1-139)', () => {
  it('an escaped dollar opens no inline segment, even when a dollar follows', () => {
    assert.deepEqual(contents('a \\$5$ b'), []);
  });

  it('a bare \\frac may have decimals of several digits, above and below', () => {
    assert.deepEqual(contents('is \\frac{1.25}{2.75} ok'), ['\\frac{1.25}{2.75}']);
  });

  it('only a backslash opens \\[ or \\( ; a minus before [ or ( opens nothing', () => {
    assert.deepEqual(contents('so -[a\\] b'), []);
    assert.deepEqual(contents('so -(a\\) b'), []);
    assert.deepEqual(contents('\\frac{1}{2} and \\(x\\)'), ['\\frac{1}{2}', 'x'], 'a command is no \\( opener');
    assert.deepEqual(contents('so -x] y'), [], 'only [ opens a bracket segment');
  });

  it('a closing delimiter or a line break before the opener does not count', () => {
    assert.deepEqual(contents('\\]\\[x\\]'), ['x']);
    assert.deepEqual(contents('\\)\\(x\\)'), ['x']);
    assert.deepEqual(contents('a\n\\(x\\)'), ['x']);
  });
});

describe('where a number may start (survivors of the Stryker run of lines 140-194)', () => {
  it('a backslash is no currency sign; a single `*` before a word is no bold', () => {
    assert.deepEqual(raws('so \\5'), []);
    assert.deepEqual(raws('*a5'), []);
  });

  it('a plus sign after leading spaces is at the start; after `x*` or `*x` it continues a formula', () => {
    assert.deepEqual(numberTokens(' +7'), [{ start: 1, end: 3, raw: '7', value: '7', expr: false, percent: false }]);
    assert.deepEqual(raws('x* +7'), []);
    assert.deepEqual(raws('*x +7'), []);
  });

  it('decimals of several digits after a thousands group or a leading point', () => {
    assert.deepEqual(
      numberTokens('1,000.25').map((t) => [t.raw, t.value]),
      [['1,000.25', '1000.25']],
    );
    assert.deepEqual(raws('.25'), ['.25']);
  });

  it('a percent sign later in the text belongs to its own number only', () => {
    assert.deepEqual(
      numberTokens('5 and 6%').map((t) => [t.raw, t.percent, t.end]),
      [
        ['5', false, 1],
        ['6', true, 8],
      ],
    );
  });

  it('tabs and carriage returns may sit inside arithmetic', () => {
    assert.deepEqual(raws('2\t+\t3'), ['2\t+\t3']);
    assert.deepEqual(raws('2\r+3'), ['2\r+3']);
  });
});

describe('numbers and arithmetic (survivors of the Stryker run of lines 195-291)', () => {
  it('a plus sign, like a minus sign, signs only a number that opens with a digit (Math-Verify: the leading-point format has no sign)', () => {
    assert.deepEqual(raws('is -.5'), []);
    assert.deepEqual(raws('is +.5'), []);
  });

  it('arithmetic starts at its first digit, or at a sign, point or bracket right before a digit, point, bracket or minus; never at a space', () => {
    assert.deepEqual(numberTokens(' 2+3'), [
      { start: 1, end: 4, raw: '2+3', value: '2+3', expr: true, percent: false },
    ]);
    assert.deepEqual(raws('( 2+3)'), ['2+3'], 'a bracket before a space opens nothing: read from the 2');
    assert.deepEqual(raws('so - 2+3'), ['2+3'], 'a minus before a space is no sign');
  });

  it('a minus between two digits is an operator, with or without spaces', () => {
    assert.deepEqual(raws('2-3'), ['2-3']);
    assert.deepEqual(raws('2 - 3'), ['2 - 3']);
  });

  it('every operator needs a digit after it before the arithmetic ends: a bracket closing right after an operator ends nothing', () => {
    assert.deepEqual(raws('(2+)'), []);
    assert.deepEqual(raws('-(3+)'), [], 'a leading minus is a sign, not the operator');
    assert.deepEqual(raws('(-3+)'), [], 'a minus after `(` is a sign, not the operator');
  });

  it('only a minus can be a sign: another operator after a bracket and a space is an operator', () => {
    assert.deepEqual(raws('(2) *3'), ['(2) *3']);
    assert.deepEqual(raws('(2) -3'), ['-3'], 'the minus after `) ` is the sign of -3');
  });

  it('a `)` that closes nothing ends the arithmetic, even when a bracket opens after it', () => {
    assert.deepEqual(raws('2+3)(4'), ['2+3']);
  });

  it('a percent word is read after a number of any length, after spaces (within 16 characters of the number)', () => {
    const cases: [string, string][] = [
      ['is 1234567 percentage', '1234567'],
      ['is +1234567 percentage', '1234567'],
      ['is 7      percentage', '7'], // six spaces and the word: 16 characters
      ['is +7      percentage', '7'],
    ];
    for (const [s, raw] of cases) {
      const [t] = numberTokens(s);
      assert.deepEqual([t.raw, t.percent, t.end], [raw, true, s.length], s);
    }
  });

  it('MAX_EXPR at its edge: a run of exactly 200 characters is read whole, one of 201 is not', () => {
    const run = (ones: number): string => Array.from({ length: ones }, () => '1').join('+');
    const exact = `1${run(100)}`; // "11+1+…+1": 200 characters
    assert.equal(exact.length, 200);
    assert.deepEqual(raws(exact), [exact]);
    const over = run(101); // 201 characters
    assert.equal(over.length, 201);
    assert.deepEqual(raws(over), ['1']);
  });
});
