/**
 * The rules of src/core/grader/structure.ts, each named in its test: which shape an answer has (matrix,
 * union, list, set, tuple or interval, relation, scalar), where it splits, which left side of an `=` may be
 * dropped, and which set a one-variable inequality stands for. The equivalence rules compare answers shape
 * by shape, so a wrong shape is a wrong verdict; the sources are latex2sympy2_extended 1.10.2 and
 * Math-Verify 0.8.0 as the comments of structure.ts cite them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradePair } from '../../../src/core/grader';
import { flipOp, isAssignmentTarget, relationToSet, shapeOf, splitTop } from '../../../src/core/grader/structure';

describe('splitTop: separators at the top level only', () => {
  it('splits at a separator outside brackets, braces and environments, trimming the parts', () => {
    assert.deepEqual(splitTop('a, (b, c), [d, e], {f, g}', [',']), {
      parts: ['a', '(b, c)', '[d, e]', '{f, g}'],
      found: [',', ',', ','],
    });
    assert.deepEqual(splitTop('\\begin{pmatrix}1, 2\\end{pmatrix}, 3', [',']).parts, [
      '\\begin{pmatrix}1, 2\\end{pmatrix}',
      '3',
    ]);
    assert.deepEqual(splitTop('\\{1, 2\\}, 3', [',']).parts, ['\\{1, 2\\}', '3'], 'escaped braces nest too');
    assert.deepEqual(splitTop('a', [',']), { parts: ['a'], found: [] });
    assert.deepEqual(splitTop('a,', [',']), { parts: ['a', ''], found: [','] });
  });

  it('a multi-character separator is found whole and skipped whole; the first listed that matches wins', () => {
    assert.deepEqual(splitTop('x <= 3', ['<=', '<']), { parts: ['x', '3'], found: ['<='] });
    assert.deepEqual(splitTop('a+b-c', ['+', '-']), { parts: ['a', 'b', 'c'], found: ['+', '-'] });
  });

  it('a command separator (\\leq) matches only as a whole command, never the start of a longer one', () => {
    assert.deepEqual(splitTop('x \\leq 3', ['\\leq']), { parts: ['x', '3'], found: ['\\leq'] });
    assert.deepEqual(splitTop('x \\leqslant 3', ['\\leq']), { parts: ['x \\leqslant 3'], found: [] });
    assert.deepEqual(splitTop('(x \\leq 3) \\cup y', ['\\leq', '\\cup']), {
      parts: ['(x \\leq 3)', 'y'],
      found: ['\\cup'],
    });
    assert.deepEqual(splitTop('x\\leq3', ['\\leq']).parts, ['x', '3']);
  });

  it('a command is skipped whole: letters inside it are never a separator', () => {
    assert.deepEqual(splitTop('\\sin x', ['i']).parts, ['\\sin x']);
    assert.deepEqual(splitTop('\\alpha,\\beta', [',']).parts, ['\\alpha', '\\beta']);
    assert.deepEqual(splitTop('\\\\,a', [',']).parts, ['\\\\', 'a']);
  });
});

describe('shapeOf: the shape an answer is compared by', () => {
  it('a matrix environment (also wrapped in brackets) is rows of cells', () => {
    assert.deepEqual(shapeOf('\\begin{pmatrix}1 & 2\\\\ 3 & 4\\end{pmatrix}'), {
      kind: 'matrix',
      rows: [
        ['1', '2'],
        ['3', '4'],
      ],
    });
    assert.deepEqual(shapeOf('[\\begin{array}{cc}1 & 2\\\\3 & 4\\\\\\end{array}]'), {
      kind: 'matrix',
      rows: [
        ['1', '2'],
        ['3', '4'],
      ],
    });
    assert.deepEqual(shapeOf('( \\begin{bmatrix}5\\end{bmatrix} )'), { kind: 'matrix', rows: [['5']] });
    assert.deepEqual(shapeOf(' \\begin{Vmatrix}a\\end{Vmatrix} '), { kind: 'matrix', rows: [['a']] });
    // two environments side by side are not one matrix
    assert.notEqual(shapeOf('\\begin{pmatrix}1\\end{pmatrix}+\\begin{pmatrix}2\\end{pmatrix}').kind, 'matrix');
    // different environment names do not close each other
    assert.notEqual(shapeOf('\\begin{pmatrix}1\\end{bmatrix}').kind, 'matrix');
  });

  it('a number with thousands commas is one scalar, its commas removed (not a list)', () => {
    assert.deepEqual(shapeOf('1,234,567.5'), { kind: 'scalar', s: '1234567.5' });
    assert.deepEqual(shapeOf('-1,000'), { kind: 'scalar', s: '-1000' });
    assert.equal(shapeOf('1,23').kind, 'list');
    assert.equal(shapeOf('01,000').kind, 'list');
  });

  it('`a \\approx b` reads as b when a is a symbol, else as a (latex2sympy2_extended drops the approximation)', () => {
    assert.deepEqual(shapeOf('x \\approx 3.14'), { kind: 'scalar', s: '3.14' });
    assert.deepEqual(shapeOf('\\pi \\approx 3.14'), { kind: 'scalar', s: '\\pi' });
    assert.deepEqual(shapeOf('\\frac{1}{3} \\approx 0.33'), { kind: 'scalar', s: '\\frac{1}{3}' });
    assert.deepEqual(
      shapeOf('x \\approx 1 \\approx 1.0'),
      { kind: 'scalar', s: '1' },
      'the rest read again: 1 is no symbol',
    );
    assert.deepEqual(shapeOf('\\approx 3'), { kind: 'scalar', s: '\\approx 3' }, 'no left side: left as written');
    assert.deepEqual(shapeOf('x \\approx'), { kind: 'scalar', s: 'x \\approx' }, 'no right side: left as written');
  });

  it('a top-level \\cup is a union of its parts', () => {
    assert.deepEqual(shapeOf('(0,1) \\cup (2,3)'), { kind: 'union', parts: ['(0,1)', '(2,3)'] });
  });

  it('semicolons separate solutions, commas the values of one solution', () => {
    assert.deepEqual(shapeOf('p=5,q=2;p=7,q=2'), { kind: 'list', items: ['(p=5,q=2)', '(p=7,q=2)'] });
    assert.deepEqual(shapeOf('1; 2'), { kind: 'list', items: ['1', '2'] });
    assert.equal(shapeOf('1;').kind, 'scalar', 'an empty solution is no list');
  });

  it('top-level commas make a list; `n = 1, 2, 3` assigns the whole list', () => {
    assert.deepEqual(shapeOf('1, 2, 3'), { kind: 'list', items: ['1', '2', '3'] });
    assert.deepEqual(shapeOf('n = 1, 2, 3'), { kind: 'list', items: ['1', '2', '3'] });
    assert.deepEqual(
      shapeOf('x = 1, y = 2'),
      { kind: 'list', items: ['x = 1', 'y = 2'] },
      'each item its own relation',
    );
    assert.deepEqual(shapeOf('2x = 1, 2'), { kind: 'list', items: ['2x = 1', '2'] }, '2x is no symbol');
    assert.deepEqual(shapeOf('x < 1, 2'), { kind: 'list', items: ['x < 1', '2'] }, 'only `=` assigns');
    assert.deepEqual(shapeOf('x = y = 1, 2'), { kind: 'list', items: ['x = y = 1', '2'] }, 'one `=` only');
    assert.equal(shapeOf('1,').kind, 'scalar', 'an empty item is no list');
  });

  it('a \\pm (or \\mp) stands for both values: a set of two', () => {
    assert.deepEqual(shapeOf('1 \\pm \\sqrt{2}'), { kind: 'set', items: ['1+(\\sqrt{2})', '1-(\\sqrt{2})'] });
    assert.deepEqual(shapeOf('\\pm 3'), { kind: 'set', items: ['3', '-(3)'] });
    assert.deepEqual(shapeOf('2 \\mp 1'), { kind: 'set', items: ['2+(1)', '2-(1)'] });
    assert.equal(shapeOf('1 \\pm').kind, 'scalar', 'nothing after the sign');
    assert.equal(shapeOf('1 \\pm 2 \\pm 3').kind, 'scalar', 'two signs: four values, not read');
    assert.deepEqual(
      shapeOf('x = \\pm 2'),
      { kind: 'relation', ops: ['='], sides: ['x', '\\pm 2'] },
      'a relation first',
    );
    assert.equal(shapeOf('x \\leq \\pm 2').kind, 'relation');
  });

  it('escaped braces are a set; plain braces around a list are a set, around one thing nothing', () => {
    assert.deepEqual(shapeOf('\\{1, 2\\}'), { kind: 'set', items: ['1', '2'] });
    assert.deepEqual(shapeOf('\\{ \\}'), { kind: 'set', items: [] });
    assert.deepEqual(shapeOf('\\{1; 2\\}'), { kind: 'set', items: ['1', '2'] });
    assert.deepEqual(shapeOf('\\{x = 1, 2\\}'), { kind: 'set', items: ['1', '2'] });
    assert.deepEqual(shapeOf('{1, 3}'), { kind: 'set', items: ['1', '3'] });
    assert.deepEqual(shapeOf('{1; 3}'), { kind: 'set', items: ['1', '3'] });
    assert.deepEqual(shapeOf('{7}'), { kind: 'scalar', s: '7' });
    assert.deepEqual(shapeOf('{(1,2)}'), { kind: 'tuple', open: '(', close: ')', items: ['1', '2'] });
    // braces that close early are not around the whole
    assert.notEqual(shapeOf('\\{1\\} \\{2\\}').kind, 'set');
    assert.deepEqual(shapeOf('{a}{b}'), { kind: 'scalar', s: '{a}{b}' });
  });

  it('brackets around two or more items are a tuple or interval, keeping which bracket opens and closes', () => {
    assert.deepEqual(shapeOf('(1, 2)'), { kind: 'tuple', open: '(', close: ')', items: ['1', '2'] });
    assert.deepEqual(shapeOf('[0, 1)'), { kind: 'tuple', open: '[', close: ')', items: ['0', '1'] });
    assert.deepEqual(shapeOf('(0, 1]'), { kind: 'tuple', open: '(', close: ']', items: ['0', '1'] });
    assert.deepEqual(shapeOf('[1; 2]'), { kind: 'tuple', open: '[', close: ']', items: ['1', '2'] });
    assert.deepEqual(shapeOf('(5)'), { kind: 'scalar', s: '(5)' });
    assert.deepEqual(shapeOf('(1)(2)'), { kind: 'scalar', s: '(1)(2)' }, 'brackets that close early');
    assert.equal(shapeOf('(1, 2) + 3').kind, 'scalar', 'brackets not around the whole');
  });

  it('relations split at =, <, >, \\leq, \\geq, \\neq; a relation with an empty side is a scalar', () => {
    assert.deepEqual(shapeOf('x \\leq 3'), { kind: 'relation', ops: ['\\leq'], sides: ['x', '3'] });
    assert.deepEqual(shapeOf('1 < x \\geq 2 \\neq 4 > 0'), {
      kind: 'relation',
      ops: ['<', '\\geq', '\\neq', '>'],
      sides: ['1', 'x', '2', '4', '0'],
    });
    assert.deepEqual(shapeOf('= 3'), { kind: 'scalar', s: '= 3' });
    assert.deepEqual(shapeOf('  7 '), { kind: 'scalar', s: '7' });
  });
});

describe('isAssignmentTarget: a left side of `=` made of symbols only (is_expr_of_only_symbols)', () => {
  it('symbols, primes, subscripts, function forms, products, ratios, absolute values, tuples of symbols', () => {
    for (const t of [
      'x',
      " y' ",
      "f''",
      'y_1',
      'm_{\\max}',
      'f(x)',
      'g_1(t)',
      '\\alpha',
      '\\theta(t)',
      'AB',
      '|AB|',
      'A:B',
      '\\frac{NO}{BO}',
      '(p,q)',
      '(p, f(x))',
      'a_{n+1}',
      '\\angle ABC',
      '\\triangle ABC',
      '\\mathrm{Area}',
      '\\text{speed}',
      '\\max',
      'x+y',
    ])
      assert.equal(isAssignmentTarget(t), true, t);
  });

  it('never one with a number or an operator other than a sum of symbols, nor a constant, nor empty or long', () => {
    for (const t of [
      '',
      '  ',
      '2x',
      '7',
      'a^2+b',
      '\\pi',
      '\\infty',
      '\\e',
      '(p,2)',
      '(1)',
      'x=y',
      '\\sqrt{x}',
      '\\frac{1}{x}',
      'x-y',
      'x*y',
      'a'.repeat(41),
      '\\pi(x)x',
      '{}',
      '()',
    ])
      assert.equal(isAssignmentTarget(t), false, JSON.stringify(t));
    assert.equal(isAssignmentTarget('a'.repeat(40)), true, 'forty characters still are a target');
  });

  it('decides a verdict: `x = 5` and `f(x) = 5` equal 5', () => {
    assert.equal(gradePair({ gold: '5', pred: 'x = 5', type: 'math' }).equal, true);
    assert.equal(gradePair({ gold: '5', pred: 'f(x) = 5', type: 'math' }).equal, true);
  });
});

describe('flipOp: the operator read from the other side', () => {
  it('< and > swap, \\leq and \\geq swap, = and \\neq stay, anything else stays', () => {
    assert.deepEqual(['<', '>', '\\leq', '\\geq', '=', '\\neq', '\\approx'].map(flipOp), [
      '>',
      '<',
      '\\geq',
      '\\leq',
      '=',
      '\\neq',
      '\\approx',
    ]);
  });
});

describe('relationToSet: a one-variable relation as the set it describes', () => {
  const I = (open: '(' | '[', a: string, b: string, close: ')' | ']') => ({ open, close, items: [a, b] });
  const rel = (ops: string[], sides: string[]) => relationToSet({ ops, sides });

  it('one bound: x > a, x ≥ a, x < b, x ≤ b; the variable on either side', () => {
    assert.deepEqual(rel(['>'], ['x', '3']), [I('(', '3', '\\infty', ')')]);
    assert.deepEqual(rel(['\\geq'], ['x', '3']), [I('[', '3', '\\infty', ')')]);
    assert.deepEqual(rel(['<'], ['x', '3']), [I('(', '-\\infty', '3', ')')]);
    assert.deepEqual(rel(['\\leq'], ['x', '3']), [I('(', '-\\infty', '3', ']')]);
    assert.deepEqual(rel(['<'], ['3', 'x']), [I('(', '3', '\\infty', ')')]);
    assert.deepEqual(rel(['\\geq'], ['3', 'x_1']), [I('(', '-\\infty', '3', ']')]);
    assert.deepEqual(rel(['>'], ['f(x)', '0']), [I('(', '0', '\\infty', ')')]);
    assert.deepEqual(rel(['>'], [' y_{12} ', '0']), [I('(', '0', '\\infty', ')')]);
  });

  it('no set for `=`, `\\neq`, an expression, or |x| on one side', () => {
    assert.equal(rel(['='], ['x', '3']), null);
    assert.equal(rel(['\\neq'], ['x', '3']), null);
    assert.deepEqual(
      rel(['<'], ['x', 'y']),
      [I('(', '-\\infty', 'y', ')')],
      'both sides are variables: the left one is the variable',
    );
    assert.equal(rel(['<'], ['2x', '3']), null);
    assert.equal(rel(['<'], ['xy', '3']), null);
    assert.equal(rel(['<'], ['|x|', '3']), null);
    assert.equal(rel(['<'], ['3', '|x|']), null);
    assert.equal(rel(['<'], ['f(2)', '3']), null);
  });

  it('two bounds: a < x ≤ b (also written b ≥ x > a) as an interval with its ends', () => {
    assert.deepEqual(rel(['<', '\\leq'], ['-1', 'x', '2']), [I('(', '-1', '2', ']')]);
    assert.deepEqual(rel(['\\leq', '<'], ['-1', 'x', '2']), [I('[', '-1', '2', ')')]);
    assert.deepEqual(rel(['\\geq', '>'], ['2', 'x', '-1']), [I('(', '-1', '2', ']')]);
    assert.deepEqual(rel(['>', '\\geq'], ['2', 'x', '-1']), [I('[', '-1', '2', ')')]);
    assert.deepEqual(rel(['<', '<'], ['0', 'f(x)', '1']), [I('(', '0', '1', ')')]);
    assert.equal(rel(['<', '>'], ['0', 'x', '1']), null, 'mixed directions');
    assert.equal(rel(['<', '='], ['0', 'x', '1']), null);
    assert.equal(rel(['=', '<'], ['0', 'x', '1']), null);
    assert.equal(rel(['<', '<'], ['0', '2x', '1']), null, 'not a variable in the middle');
    assert.equal(rel(['<', '<', '<'], ['0', 'x', '1', '2']), null, 'three bounds');
    assert.equal(rel([], ['x']), null);
  });

  it('a ≤ |z| ≤ b is [-b, -a] ∪ [a, b], each end keeping its openness', () => {
    assert.deepEqual(rel(['\\leq', '\\leq'], ['1', '|z|', '\\frac{3}{2}']), [
      I('[', '-(\\frac{3}{2})', '-(1)', ']'),
      I('[', '1', '\\frac{3}{2}', ']'),
    ]);
    assert.deepEqual(rel(['<', '\\leq'], ['1', '| z |', '2']), [I('[', '-(2)', '-(1)', ')'), I('(', '1', '2', ']')]);
    assert.deepEqual(rel(['\\leq', '<'], ['1', '|z|', '2']), [I('(', '-(2)', '-(1)', ']'), I('[', '1', '2', ')')]);
  });

  it('decides a verdict: `x > 3` equals the interval (3, ∞)', () => {
    assert.equal(gradePair({ gold: '(3, \\infty)', pred: 'x > 3', type: 'math' }).equal, true);
    assert.equal(gradePair({ gold: '[3, \\infty)', pred: 'x > 3', type: 'math' }).equal, false);
  });
});

describe('edges of the structure rules', () => {
  it('a two-item list `n = 1, 2` is assigned too; a one-item set is a set of one', () => {
    assert.deepEqual(shapeOf('n = 1, 2'), { kind: 'list', items: ['1', '2'] });
    assert.deepEqual(shapeOf('\\{x\\}'), { kind: 'set', items: ['x'] });
  });

  it('a plain matrix environment (no delimiter letter) is a matrix', () => {
    assert.deepEqual(shapeOf('\\begin{matrix}1 & 2\\end{matrix}'), { kind: 'matrix', rows: [['1', '2']] });
  });

  it('symbol products with subscripts, \\dfrac, \\tfrac, \\operatorname, \\mathbf are targets; an unknown command is not', () => {
    for (const t of [
      'AB_1',
      'AB_{12}',
      'AB_{1}C',
      '\\dfrac{a}{b}',
      '\\tfrac{a}{b}',
      '\\operatorname{area}',
      '\\mathbf{v}',
    ])
      assert.equal(isAssignmentTarget(t), true, t);
    assert.equal(isAssignmentTarget('\\alphabet AB'), false, 'a Greek letter name only as a whole command');
  });

  it('|x| on the left of a relation with a variable on the right is no one-variable set', () => {
    assert.equal(relationToSet({ ops: ['<'], sides: ['|x|', 'y'] }), null);
  });
});

describe('shape and target edges (survivors of the Stryker run of lines 114-261)', () => {
  it('a matrix row of spaces only is no row', () => {
    assert.deepEqual(shapeOf('\\begin{pmatrix}1\\\\ \\end{pmatrix}'), { kind: 'matrix', rows: [['1']] });
  });

  it('a set or tuple needs its own opening and closing around the whole: a function call or mismatched ends are no tuple or set', () => {
    for (const t of ['(1, 2\\}', '(1, 3}', 'f(1, 2)', '(1, 2}', '(1, 2)(3, 4)', '{1, 2)'])
      assert.equal(shapeOf(t).kind, 'scalar', t);
  });

  it('targets: any one command (\\xi, \\epsilon), subscripts of several characters, functions of several symbols, Greek products', () => {
    for (const t of ['\\xi', '\\epsilon', 'y_12', 'y_\\pi', 'f(x, y)', '\\alpha\\beta'])
      assert.equal(isAssignmentTarget(t), true, t);
    for (const t of ['AB(p,q)', '(p,q)x']) assert.equal(isAssignmentTarget(t), false, t);
  });

  it('a variable of a relation is the whole side: not 2f(x), f(x)^2, 2|x| or |x|^2; spaces around it do not matter', () => {
    const rel = (ops: string[], sides: string[]) => relationToSet({ ops, sides });
    assert.equal(rel(['>'], ['2f(x)', '0']), null);
    assert.equal(rel(['>'], ['f(x)^2', '0']), null);
    assert.deepEqual(rel(['>'], [' f(x) ', '0']), [{ open: '(', close: ')', items: ['0', '\\infty'] }]);
    assert.equal(rel(['<', '<'], ['1', '|x|^2', '4']), null);
    assert.equal(rel(['<', '<'], ['1', '2|x|', '4']), null);
    assert.deepEqual(rel(['\\leq', '\\leq'], ['1', ' |z| ', '2']), [
      { open: '[', close: ']', items: ['-(2)', '-(1)'] },
      { open: '[', close: ']', items: ['1', '2'] },
    ]);
  });
});

describe('splits, sets, matrices and thousands (survivors of the Stryker run of lines 1-113)', () => {
  it('a command separator inside an environment is not at the top level', () => {
    assert.deepEqual(splitTop('\\begin{cases}a \\cup b\\end{cases} \\cup c', ['\\cup']), {
      parts: ['\\begin{cases}a \\cup b\\end{cases}', 'c'],
      found: ['\\cup'],
    });
  });

  it('a command separator at the very end still splits: nothing after it means no longer command', () => {
    assert.deepEqual(splitTop('x \\leq', ['\\leq']), { parts: ['x', ''], found: ['\\leq'] });
  });

  it('a backslash before a non-letter (`\\\\`) is no command: a command later on does not swallow what lies between', () => {
    assert.deepEqual(splitTop('\\\\,a,\\beta', [',']).parts, ['\\\\', 'a', '\\beta']);
  });

  it('\\{ … \\} is a set only when its closing \\} ends the answer (escaped braces match each other)', () => {
    assert.deepEqual(shapeOf('\\{1, 2\\}'), { kind: 'set', items: ['1', '2'] });
    assert.deepEqual(shapeOf('\\{\\}'), { kind: 'set', items: [] });
    assert.equal(shapeOf('\\{1\\} + \\{2\\}').kind, 'scalar');
  });

  it('a set of one relation keeps it: only a list of two or more items is assigned by its first `n = …`', () => {
    assert.deepEqual(shapeOf('\\{x = 1\\}'), { kind: 'set', items: ['x = 1'] });
  });

  it('`n = 1, 2, …` assigns the list only when every later item is bare', () => {
    assert.deepEqual(shapeOf('n = 1, 2, m = 3'), { kind: 'list', items: ['n = 1', '2', 'm = 3'] });
  });

  it('a matrix environment is the whole answer: a factor before it or a power after it makes no matrix', () => {
    for (const t of [
      '2\\begin{pmatrix}1 & 2\\end{pmatrix}',
      '\\begin{pmatrix}1 & 2\\end{pmatrix}^T',
      '2(\\begin{pmatrix}1\\end{pmatrix})',
      '(\\begin{pmatrix}1\\end{pmatrix})^2',
    ])
      assert.notEqual(shapeOf(t).kind, 'matrix', t);
  });

  it('a plain `matrix` environment in brackets is a matrix too', () => {
    assert.deepEqual(shapeOf('[\\begin{matrix}1 & 2\\end{matrix}]'), { kind: 'matrix', rows: [['1', '2']] });
  });

  it('a thousands number is a scalar only as the whole answer, led by one to three digits, with any decimals', () => {
    assert.deepEqual(shapeOf('1,000.25'), { kind: 'scalar', s: '1000.25' });
    assert.equal(shapeOf('1,234, 5').kind, 'list', 'more after the number: no single scalar');
    assert.equal(shapeOf('2x,000').kind, 'list', 'a letter in the leading group');
  });
});
