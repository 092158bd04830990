/**
 * Issue 25: the normalisation rules of src/core/grader/normalize.ts, one test per rule, each named for the
 * rule it pins. Normalisation decides verdicts: a rule is pinned by the canonical spelling it produces
 * (what the string-equality fast path compares) and, where a user would see it, by the verdict of a pair
 * of answers. Sources of the rules: the module's comments, docs/grader-formats.md, shared/notes
 * (Math-Verify's normalisation: `\mathrm`, `\dfrac`, unit words, malformed `\frac12` / `\sqrt3`, "percent").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradePair } from '../../../src/core/grader';
import {
  compactKey,
  fixMalformedArgs,
  isUnitText,
  MAX_NESTING,
  normalizeMath,
  normalizeText,
  trimEndWhere,
} from '../../../src/core/grader/normalize';

/** Each raw answer normalises to the canonical spelling the rule names. */
function spells(rule: string, cases: [raw: string, canonical: string][]): void {
  for (const [raw, canonical] of cases) assert.equal(normalizeMath(raw), canonical, `${rule}: ${JSON.stringify(raw)}`);
}

/** The verdict of each gold/prediction pair (bare answers, the type inferred from the gold). */
function verdicts(cases: [gold: string, pred: string, equal: boolean][]): void {
  for (const [gold, pred, equal] of cases) {
    const r = gradePair({ gold, pred });
    assert.equal(r.equal, equal, `${JSON.stringify(gold)} vs ${JSON.stringify(pred)}: ${JSON.stringify(r)}`);
  }
}

test('unit words: a short run of known units (powers 2 and 3, "per", "/") is a unit; anything else is not', () => {
  for (const t of ['cm', 'CM', 'cm^2', 'cm^{3}', 'cm ^ { 2 }', 'm²', 'm³', 'cm.', 'sq units', 'meters/second']) {
    assert.equal(isUnitText(t), true, t);
  }
  for (const t of ['meters per second', 'km/h', 'm/s', 'cm cm cm cm', 'kmph', 'mph', '°', 'ohms', 'rupees']) {
    assert.equal(isUnitText(t), true, t);
  }
  // a power other than 2 or 3 is no unit power; more than four words is a sentence; empty is nothing
  for (const t of [
    'cm^4',
    'cm cm cm cm cm',
    '',
    '  ',
    '.',
    'x',
    'foo',
    'a b c d',
    '^2',
    'cm foo',
    'percent',
    '/',
    ' / ',
    'per',
  ]) {
    assert.equal(isUnitText(t), false, JSON.stringify(t));
  }
});

test('trimEndWhere drops only the trailing characters the predicate holds for, and gives it their index', () => {
  assert.equal(
    trimEndWhere('ab..', (c) => c === '.'),
    'ab',
  );
  assert.equal(
    trimEndWhere('..', (c) => c === '.'),
    '',
  );
  assert.equal(
    trimEndWhere('a.b', (c) => c === '.'),
    'a.b',
  );
  const seen: number[] = [];
  assert.equal(
    trimEndWhere('abc', (_c, i) => {
      seen.push(i);
      return i > 0;
    }),
    'a',
  );
  assert.deepEqual(seen, [2, 1, 0]);
});

test('malformed arguments: one-token arguments of \\frac, \\sqrt, \\binom get braces (Math-Verify)', () => {
  spells('malformed args', [
    ['\\frac12', '\\frac{1}{2}'],
    ['\\frac 1 2', '\\frac{1}{2}'],
    ['\\frac\\pi2', '\\frac{\\pi}{2}'],
    ['\\frac{\\frac12}{3}', '\\frac{\\frac{1}{2}}{3}'],
    ['\\frac12+\\frac34', '\\frac{1}{2}+\\frac{3}{4}'],
    ['\\sqrt2', '\\sqrt{2}'],
    ['\\sqrt\\alpha', '\\sqrt{\\alpha}'],
    ['\\sqrt[3]8', '\\sqrt[3]{8}'],
    ['\\sqrt [3]{8}', '\\sqrt[3]{8}'],
    ['\\binom52', '\\binom{5}{2}'],
    ['\\frac{a}b', '\\frac{a}{b}'],
    ['\\frac {1} {2}', '\\frac{1}{2}'],
    ['\\frac\\alpha\\beta', '\\frac{\\alpha}{\\beta}'],
    ['\\binom{5}2', '\\binom{5}{2}'],
    ['\\frac12\\frac34', '\\frac{1}{2}\\frac{3}{4}'],
  ]);
  // what cannot be read as arguments is left as written
  for (const s of ['\\frac{1}{2', '\\frac x', '\\frac.5', '\\fraction12', '\\sqrt[3 8', '\\frac{1}\\', '\\frac1']) {
    assert.equal(fixMalformedArgs(s), s, s);
  }
  // only one token: `\frac123` is \frac{1}{2}3
  assert.equal(fixMalformedArgs('\\frac123'), '\\frac{1}{2}3');
  assert.equal(fixMalformedArgs('\\frac{12}{3}4'), '\\frac{12}{3}4');
  assert.equal(fixMalformedArgs('x\\frac12 + \\frac{a}{b}'), 'x\\frac{1}{2} + \\frac{a}{b}');
  verdicts([
    ['\\frac{1}{2}', '\\frac12', true],
    ['\\sqrt{3}', '\\sqrt3', true],
    ['\\frac{1}{2}3', '\\frac123', true],
  ]);
});

test('nesting: more than MAX_NESTING nested \\frac or \\text groups is refused, not a stack overflow', () => {
  const deep = (n: number, open: string): string => open.repeat(n) + 'x' + '}'.repeat(n);
  assert.throws(() => fixMalformedArgs(deep(MAX_NESTING + 2, '\\frac{')), RangeError);
  assert.doesNotThrow(() => fixMalformedArgs(deep(MAX_NESTING - 1, '\\sqrt{')));
  assert.throws(() => normalizeText(deep(MAX_NESTING + 2, '\\text{')), RangeError);
  assert.equal(normalizeText(deep(MAX_NESTING - 1, '\\text{')), 'x');
  // the limit itself is allowed, one more is not
  assert.equal(normalizeText(deep(MAX_NESTING, '\\text{')), 'x');
  assert.throws(() => normalizeText(deep(MAX_NESTING + 1, '\\text{')), RangeError);
  assert.doesNotThrow(() => fixMalformedArgs(deep(MAX_NESTING, '\\sqrt{')));
  assert.throws(() => fixMalformedArgs(deep(MAX_NESTING + 1, '\\sqrt{')), RangeError);
});

test('unicode: math symbols become their LaTeX commands, with a space so a following letter stays apart', () => {
  spells('unicode', [
    ['x−1', 'x-1'],
    ['a–b', 'a-b'],
    ['a—b', 'a-b'],
    ['2×x', '2\\times x'],
    ['2·x', '2\\cdot x'],
    ['2⋅x', '2\\cdot x'],
    ['6÷x', '6\\div x'],
    ['a≤b', 'a\\leq b'],
    ['a⩽b', 'a\\leq b'],
    ['a≥b', 'a\\geq b'],
    ['a⩾b', 'a\\geq b'],
    ['a≠b', 'a\\neq b'],
    ['πr', '\\pi r'],
    ['∞', '\\infty'],
    ['√2', '\\sqrt{2}'],
    ['A∪B', 'A\\cup B'],
    ['A∩B', 'A\\cap B'],
    ['x²', 'x^2'],
    ['x³', 'x^3'],
    ['x≈y', 'x\\approx y'],
    ['1\u00a0+\u20092\u202f+\u30003', '1 + 2 + 3'],
  ]);
  verdicts([
    ['\\frac{\\pi}{2}', 'π/2', true],
    ['x \\leq 3', 'x≤3', true],
    ['(-\\infty, 2)', '(−∞, 2)', true],
    ['2 \\times 3', '2×3', true],
  ]);
});

test('unicode: the square root sign takes the next token as its argument (√x is \\sqrt{x})', () => {
  spells('√', [
    ['√x', '\\sqrt{x}'],
    ['2√x', '2\\sqrt{x}'],
    ['√{x+1}', '\\sqrt{x+1}'],
  ]);
  verdicts([
    ['\\sqrt{x}', '√x', true],
    ['2\\sqrt{x}', '2√x', true],
    ['\\sqrt{x}', '√y', false],
  ]);
});

test('full-width forms (Chinese and Japanese text) read as their ASCII forms', () => {
  spells('full width', [
    ['1，2', '1,2'],
    ['a：b', 'a:b'],
    ['1；2', '1;2'],
    ['（1）', '(1)'],
    ['x＝1', 'x=1'],
    ['1＋2', '1+2'],
    ['a－b', 'a-b'],
    ['１２', '12'],
    ['０９', '09'],
    ['7。', '7'],
  ]);
  verdicts([
    ['12', '１２', true],
    ['(1,2)', '（1，2）', true],
  ]);
});

test('a doubled backslash before a command is one, outside matrices; a matrix doubled throughout is halved', () => {
  spells('doubled backslash', [
    ['\\\\frac{1}{2}', '\\frac{1}{2}'],
    ['\\\\sqrt{2}', '\\sqrt{2}'],
    ['\\\\begin{pmatrix}1\\\\\\\\2\\\\end{pmatrix}', '\\begin{pmatrix}1\\\\2\\end{pmatrix}'],
    // a matrix written correctly keeps its row breaks
    ['\\begin{pmatrix}1\\\\2\\end{pmatrix}', '\\begin{pmatrix}1\\\\2\\end{pmatrix}'],
    ['\\begin{cases}x\\\\y\\end{cases}', '\\begin{cases}x\\\\y\\end{cases}'],
    // a row break before a command inside an array is not a doubled backslash
    ['\\begin{array}{c}1\\\\x\\end{array}', '\\begin{array}{c}1\\\\x\\end{array}'],
    ['\\begin{align}1\\\\x\\end{align}', '\\begin{align}1\\\\x\\end{align}'],
  ]);
  verdicts([['\\frac{1}{2}', '\\\\frac{1}{2}', true]]);
});

test('thousands separators: \\! is removed with its spaces; LaTeX spaces and {,} between digit groups join them', () => {
  spells('thousands', [
    ['32,\\! 349', '32,349'],
    ['32\\!349', '32349'],
    ['14 {, }916', '14,916'],
    ['1{,}000', '1,000'],
    ['1\\,000', '1000'],
    ['1\\;000', '1000'],
    ['1\\:000', '1000'],
    ['1\\ 000', '1000'],
    // not a group of three: a space, not a separator
    ['1\\,0000', '1 0000'],
    ['1\\,00', '1 00'],
  ]);
  verdicts([
    ['1000', '1\\,000', true],
    ['32349', '32,\\! 349', true],
    ['14916', '14 {, }916', true],
  ]);
});

test('fraction variants and sizing commands: \\dfrac, \\tfrac, \\cfrac are \\frac; \\left, \\right, \\big… go', () => {
  spells('frac and sizing', [
    ['\\dfrac{1}{2}', '\\frac{1}{2}'],
    ['\\tfrac{1}{2}', '\\frac{1}{2}'],
    ['\\cfrac{1}{2}', '\\frac{1}{2}'],
    ['\\left.x\\right|', 'x|'],
    ['\\left( x \\right)', '( x )'],
    ['\\bigl(x\\bigr)', '(x)'],
    ['\\Bigl(x\\Bigr)', '(x)'],
    ['\\biggl(x\\biggr)', '(x)'],
    ['\\Biggl(x\\Biggr)', '(x)'],
    ['\\big(x\\big)', '(x)'],
    ['\\Big(x\\Big)', '(x)'],
    ['\\bigg(x\\bigg)', '(x)'],
    ['\\Bigg(x\\Bigg)', '(x)'],
    ['\\displaystyle x', 'x'],
    ['\\textstyle x', 'x'],
    ['\\scriptstyle x', 'x'],
    ['\\sum\\limits_1', '\\sum _1'],
    ['\\sum\\nolimits_1', '\\sum _1'],
    ['x\\mathstrut', 'x'],
    ['x\\quad y', 'x y'],
    ['x\\qquad y', 'x y'],
    ['x\\,y', 'x y'],
    ['x\\;y', 'x y'],
    ['x\\:y', 'x y'],
    ['x\\ y', 'x y'],
    ['a~b', 'a b'],
    ['x~=3', 'x\\approx 3'],
  ]);
  // a command that only starts like one of these is kept
  spells('longer commands kept', [
    ['\\leftarrow', '\\leftarrow'],
    ['\\bigcup', '\\bigcup'],
    ['\\quadratic', '\\quadratic'],
  ]);
});

test('dots: \\ldots, \\dots, \\cdots (and a comma before them) are a space', () => {
  spells('dots', [
    ['1,\\ldots,5', '1 ,5'],
    ['1, \\dots', '1'],
    ['1\\cdots', '1'],
    ['a\\dotsb', 'a\\dotsb'],
  ]);
});

test('degrees: inside a trigonometric argument they are radians; elsewhere the sign is dropped (never 90° = π/2)', () => {
  spells('trig degrees', [
    ['\\sin 30^\\circ', '\\sin (\\frac{30\\pi}{180})'],
    ['\\sin 3.5^\\circ', '\\sin (\\frac{3.5\\pi}{180})'],
    ['\\sin 30\\degree', '\\sin (\\frac{30\\pi}{180})'],
    ['\\cos 60°', '\\cos (\\frac{60\\pi}{180})'],
    ['\\cot 45^{\\circ}', '\\cot (\\frac{45\\pi}{180})'],
    ['\\tan^2 45^\\circ', '\\tan^2 (\\frac{45\\pi}{180})'],
    ['\\cos^{2} 60°', '\\cos^2 (\\frac{60\\pi}{180})'],
    ['\\sin^{-1} 30^\\circ', '\\sin^{-1} (\\frac{30\\pi}{180})'],
    ['\\sin(90^\\circ - x)', '\\sin((\\frac{90\\pi}{180}) - x)'],
    ['\\sin{30^\\circ}', '\\sin{(\\frac{30\\pi}{180})}'],
    ['\\sin[30^\\circ]', '\\sin[(\\frac{30\\pi}{180})]'],
    ['\\sec 60^\\circ+\\csc 30^\\circ', '\\sec (\\frac{60\\pi}{180})+\\csc (\\frac{30\\pi}{180})'],
    // outside the argument, or an unclosed argument: the sign is dropped
    ['\\sin x + 30^\\circ', '\\sin x + 30'],
    ['\\sin(30^\\circ', '\\sin(30'],
    ['90^{\\circ}', '90'],
    ['90^\\circ', '90'],
    ['90°', '90'],
    ['90\\degree', '90'],
    ['\\angle 90\\circ', '\\angle 90'],
  ]);
  // `\sinh` is no trigonometric function of degrees
  assert.equal(normalizeMath('\\sinh 30^\\circ'), '\\sinh 30');
  verdicts([
    ['\\frac{1}{2}', '\\sin 30^\\circ', true],
    ['\\frac{1}{2}', '\\cos(60°)', true],
    ['1', '\\tan 45^{\\circ}', true],
    ['\\cos x', '\\sin(90^\\circ - x)', true],
    ['90', '90^\\circ', true],
    ['\\frac{\\pi}{2}', '90^\\circ', false],
  ]);
});

test('percent: "percent", "percentage", "pct" and a spaced % are one spelling, \\%', () => {
  spells('percent', [
    ['50 percent', '50\\%'],
    ['50 percentage', '50\\%'],
    ['50 pct', '50\\%'],
    ['50\\text{ percent}', '50\\%'],
    ['50\\text{percentage}', '50\\%'],
    ['50\\text{ pct }', '50\\%'],
    ['50 %', '50\\%'],
    ['50%', '50\\%'],
    ['50 \\%', '50\\%'],
  ]);
  verdicts([
    ['50\\%', '50 percent', true],
    ['0.5', '50 pct', true],
    ['25', '25 percent', true],
  ]);
});

test('\\text{} and its kin are unwrapped; a unit after a quantity, and a final word after one, are dropped', () => {
  spells('text', [
    ['\\text{Paris}', 'Paris'],
    ['\\textbf{x}', 'x'],
    ['\\textit{x}', 'x'],
    ['\\textrm{x}', 'x'],
    ['\\textup{x}', 'x'],
    ['\\textnormal{x}', 'x'],
    ['\\mathrm{x}', 'x'],
    ['\\mathbf{x}', 'x'],
    ['\\mathit{x}', 'x'],
    ['\\mathsf{x}', 'x'],
    ['\\mathtt{x}', 'x'],
    ['\\mbox{x}', 'x'],
    ['\\operatorname{x}', 'x'],
    ['\\boldsymbol{x}', 'x'],
    ['\\bm{x}', 'x'],
    ['\\mathnormal{x}', 'x'],
    ['\\text {x}', 'x'],
    ['\\text{\\textbf{x}}', 'x'],
    ['\\text{x}~\\text{y}', 'x y'],
    ['\\text{a~b}', 'a b'],
    // a unit after a quantity (a digit, a closing bracket, \pi, \infty), with its power
    ['5\\text{ cm}^2', '5'],
    ['5\\text{ cm}^{2}.', '5'],
    ['5 \\text{ m}^3', '5'],
    ['5\\text{cm}', '5'],
    ['(2)\\text{ cm}', '(2)'],
    ['[2]\\text{ cm}', '[2]'],
    ['{2}\\text{ cm}', '{2}'],
    ['\\pi\\text{ cm}', '\\pi'],
    ['\\infty\\text{ s}', '\\infty'],
    ['5\\text{ m},', '5'],
    ['5\\text{ cm} + 1', '5 + 1'],
    // a final word after a quantity, whatever it says (Math-Verify drops a final \text{})
    ['17\\text{ any text}', '17'],
    ['17\\text{ apples}.', '17'],
    ['17\\text{ apples};', '17'],
    // but not a number, not "and"/"or", not a word that is followed by more, not after a variable
    ['5\\text{ 12}', '5 12'],
    ['5\\text{ hello} world', '5 hello world'],
    ['x\\text{ cm}', 'x cm'],
    ['5\\text{ m}^4', '5 ^4'],
    ['3\\text{ and }4', '3, 4'],
    // a final "and"/"or" is a separator whatever its case, never a unit word
    ['3\\text{ AND }', '3 AND'],
    // after a closing brace too; the unit's power may be spaced or braced
    ['\\frac{1}{2}\\text{ cm}', '\\frac{1}{2}'],
    ['5\\text{ m} ^ 3', '5'],
    ['5\\text{ m}^{ 2 }', '5'],
    // "after a quantity" is what ends the text before it: not a digit or \pi further back
    ['2x\\text{ cm}', '2x cm'],
    ['\\pi x\\text{ cm}', '\\pi x cm'],
    // a final word that only contains "and"/"or" is a word like any other
    ['17\\text{ grand}', '17'],
    ['17\\text{ oranges}', '17'],
    // the unit's power is the one right after it, not one further on
    ['5\\text{ cm} + x^2', '5 + x^2'],
    // an unclosed group is left as written
    ['\\text{abc', '\\text{abc'],
    ['5\\text{ cm', '5\\text{ cm'],
  ]);
  verdicts([
    ['5', '5\\text{ cm}^2', true],
    ['17', '17\\text{ apples}', true],
    ['\\pi', '\\pi\\text{ units}', true],
    ['(1,2)', '(1,2)\\text{ cm}', true],
    ['Paris', '\\text{Paris}', true],
  ]);
});

test('currency and comparison spellings: \\$ and \\dollar go; \\lt \\gt \\le \\ge \\ne <= >= != \\leqslant are one spelling', () => {
  spells('currency and relations', [
    ['\\$5', '5'],
    ['$5', '5'],
    ['5\\dollar', '5'],
    ['\\dollars', '\\dollars'],
    ['x \\lt 3', 'x < 3'],
    ['x\\gt 3', 'x> 3'],
    ['x\\le 3', 'x\\leq 3'],
    ['x\\ge 3', 'x\\geq 3'],
    ['x\\ne 3', 'x\\neq 3'],
    ['x<=3', 'x\\leq3'],
    ['x>=3', 'x\\geq3'],
    ['x!=3', 'x\\neq3'],
    ['x\\leqslant 3', 'x\\leq 3'],
    ['x\\geqslant 3', 'x\\geq 3'],
    ['x \\leq 3', 'x \\leq 3'],
    ['x\\neg', 'x\\neg'],
    ['\\left', ''],
    ['x\\ltimes y', 'x\\ltimes y'],
    ['x\\gtrsim y', 'x\\gtrsim y'],
  ]);
  verdicts([
    ['x < 3', 'x \\lt 3', true],
    ['x \\leq 3', 'x <= 3', true],
    ['x \\neq 3', 'x != 3', true],
    ['x \\geq 3', 'x \\geqslant 3', true],
    ['5', '\\$5', true],
  ]);
});

test('infinity and the empty set: \\infinity, \\infin are \\infty; \\varnothing and \\{\\} are \\emptyset', () => {
  spells('infinity and empty set', [
    ['\\infinity', '\\infty'],
    ['\\infin', '\\infty'],
    ['\\varnothing', '\\emptyset'],
    ['\\{\\}', '\\emptyset'],
    ['\\{ \\}', '\\emptyset'],
    ['\\emptyset', '\\emptyset'],
  ]);
  verdicts([
    ['\\emptyset', '\\varnothing', true],
    ['(0, \\infty)', '(0, \\infinity)', true],
  ]);
});

test('"and" / "or" between answers are list separators (Math-Verify and_or), not inside words or commands', () => {
  spells('and/or', [
    ['3 and 4', '3, 4'],
    ['3, or 4', '3, 4'],
    ['(11,7)or(7,11)', '(11,7),(7,11)'],
    ['band', 'band'],
    ['order', 'order'],
    ['\\land', '\\land'],
    ['x\\lor y', 'x\\lor y'],
  ]);
  verdicts([
    ['3, 4', '3 and 4', true],
    ['\\{1, 2\\}', '1 or 2', true],
  ]);
});

test('units after a number: a known unit of two letters or more goes, spaced or glued; one letter is a variable', () => {
  spells('units', [
    ['10weeks', '10'],
    ['10 cm^2', '10'],
    ['3cm^{2}', '3'],
    ['2cm', '2'],
    ['-3 cm', '-3'],
    ['1,000 cm', '1,000'],
    ['1.5 sq units', '1.5'],
    ['10 meters per second', '10'],
    ['5 m/s', '5'],
    ['10 km/h', '10'],
    ['10 ft²', '10'],
    ['10 ft³', '10'],
    ['10 ft.', '10'],
    ['10 kmh', '10'],
    ['5 liters', '5'],
    ['3 gallons', '3'],
    ['10 points', '10'],
    ['5 cm s', '5'],
    ['3 \\times 10^4 kg', '3 \\times 10^4'],
    ['3\\cdot 10^-2 km', '3\\cdot 10^-2'],
    ['3\\times10^{5} km', '3\\times10^5'],
    // kept: one letter (a variable, `3 n`; glued, `2m` is twice m), no known unit, or no number first
    ['2m', '2m'],
    ['3 n', '3 n'],
    ['2 K', '2 K'],
    ['5 m^{3}', '5 m^3'],
    ['20ms', '20ms'],
    ['x cm', 'x cm'],
    ['5 hello', '5 hello'],
    ['1.5e3 cm', '1.5e3 cm'],
    ['5 sq m cm mm km', '5 sq m cm mm km'],
    ['5 cm^4', '5 cm^4'],
  ]);
  verdicts([
    ['10', '10 weeks', true],
    ['10', '10weeks', true],
    ['2m', '2', false],
    ['50', '50 cm^2', true],
  ]);
});

test('single-character groups in sub- and superscripts lose their braces: ^{2} is ^2, _{8} is _8', () => {
  spells('groups', [
    ['x^{2}', 'x^2'],
    ['x^{ 2 }', 'x^2'],
    ['x_{8}', 'x_8'],
    ['x^{a}', 'x^a'],
    ['x_{ab}', 'x_{ab}'],
    ['x^{-1}', 'x^{-1}'],
  ]);
  verdicts([['52_8', '52_{8}', true]]);
});

test('trailing punctuation, a trailing backslash or \\\\ line break, and an "x \\in" prefix go; spaces collapse', () => {
  spells('trailing', [
    ['5.', '5'],
    ['5,', '5'],
    ['5;', '5'],
    ['5:', '5'],
    ['5 . ', '5'],
    ['5\\\\', '5'],
    ['x \\in (0,1)', '(0,1)'],
    ['x \\in  [0, 1]', '[0, 1]'],
    // only a one-letter variable, and only when a space follows \in
    ['xy \\in (0,1)', 'xy \\in (0,1)'],
    ['x\\in[0,1]', 'x\\in[0,1]'],
    ['a  +   b', 'a + b'],
    ['  7  ', '7'],
  ]);
  verdicts([
    ['(0,1)', 'x \\in (0,1)', true],
    ['5', '5.', true],
  ]);
});

test('normalisation is idempotent and its cache gives the same answer as a fresh normalisation', () => {
  const xs = ['\\frac12', '50 percent', '\\sin 30^\\circ', '5\\text{ cm}^2', '１２', '3 and 4', 'x \\in (0,1)'];
  for (const x of xs) {
    const once = normalizeMath(x);
    assert.equal(normalizeMath(x), once, `cached ${x}`);
    assert.equal(normalizeMath(once), once, `idempotent ${x}`);
  }
  // more distinct answers than the cache holds: an evicted answer is normalised again, the same way
  for (let i = 0; i < 200; i++)
    assert.equal(normalizeMath(`\\frac${i % 10}${(i + 3) % 10} + ${i}`), `\\frac{${i % 10}}{${(i + 3) % 10}} + ${i}`);
  for (const x of xs) assert.equal(normalizeMath(x), normalizeMath(normalizeMath(x)));
  // a long answer (over 2,000 characters) is normalised too, uncached
  const long = '\\frac12+'.repeat(300) + '1';
  assert.equal(normalizeMath(long), '\\frac{1}{2}+'.repeat(300) + '1');
});

test('compactKey: spaces, empty groups and the multiplication signs \\cdot, \\times do not tell answers apart', () => {
  assert.equal(compactKey('a \\cdot b \\times c {} d'), 'a*b*cd');
  assert.equal(compactKey('2 \\times 3'), compactKey('2\\cdot3'));
  assert.equal(compactKey(' x{}\n'), 'x');
  assert.notEqual(compactKey('{x}'), compactKey('x'));
});

test('free text: lower case, no LaTeX wrappers, quotes, articles, outer punctuation or extra spaces', () => {
  for (const [raw, text] of [
    ['The Answer.', 'answer'],
    ['"Paris"!', 'paris'],
    ['...Paris', 'paris'],
    ['an apple', 'apple'],
    ['a  cat   sat', 'cat sat'],
    ['\\textbf{Yes}', 'yes'],
    ['$x$', 'x'],
    ['it`s', 'its'],
    ["it's", 'its'],
    ['a*b_c', 'abc'],
    ['“Hi”', 'hi'],
    ['the, end?', 'end'],
    ['\\alpha{x}', 'x'],
    ['Theory', 'theory'],
    ['anthem', 'anthem'],
    ['Paris; France:', 'paris; france'],
    ['!?Yes', 'yes'],
  ] as const) {
    assert.equal(normalizeText(raw), text, raw);
  }
  verdicts([
    ['Paris', 'the paris.', true],
    ['Paris', '\\text{PARIS}!', true],
    ['Paris', 'London', false],
  ]);
});
