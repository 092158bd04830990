// The webview's markdown parser (webview/shared/markdown.ts) turns model output into plain data with a
// fixed set of tags: raw HTML stays text, links carry only http(s)/mailto URLs, math is found in every
// delimiter W2SR traces use, and highlight ranges survive markdown parsing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import katex from 'katex';
import { markdownToTree, TAGS, withMarkers, type MdNode } from '../../../webview/shared/markdown';
import { KATEX_OPTIONS, MATH_LIMITS, tooBigToRender } from '../../../webview/shared/math-limits';

const flat = (nodes: readonly MdNode[]): MdNode[] =>
  nodes.flatMap((n) => [n, ...('children' in n ? flat(n.children) : [])]);
const text = (nodes: readonly MdNode[]) =>
  flat(nodes)
    .map((n) => (n.kind === 'text' || n.kind === 'code' ? n.text : n.kind === 'math' ? `[${n.tex}]` : ''))
    .join('');

test('raw HTML in model output stays text, and every element is one of the allowed tags', () => {
  const src =
    '<script>window.pwned=1</script>\n\nhi <img src=x onerror="window.pwned=1"> <b onclick=x>bold</b>\n\n<iframe src="javascript:alert(1)"></iframe>';
  const tree = markdownToTree(src);
  const all = flat(tree);
  for (const n of all) if (n.kind === 'element') assert.ok((TAGS as readonly string[]).includes(n.tag), n.tag);
  assert.equal(all.filter((n) => n.kind === 'link').length, 0);
  const t = text(tree);
  for (const piece of [
    '<script>window.pwned=1</script>',
    '<img src=x onerror="window.pwned=1">',
    '<b onclick=x>',
    '<iframe src="javascript:alert(1)">',
  ])
    assert.ok(t.includes(piece), piece);
});

test('links: only http(s) and mailto become links (without markup); javascript:, data: and vbscript: stay text', () => {
  const links = flat(
    markdownToTree(
      '[a](https://example.com/x) [b](javascript:alert(1)) [c](JaVaScRiPt:alert(1)) [d](data:text/html,<script>x</script>) [e](vbscript:x) [f](mailto:a@b.c) <javascript:alert(1)>',
    ),
  ).filter((n) => n.kind === 'link');
  assert.deepEqual(
    links.map((n) => (n.kind === 'link' ? n.url : '')),
    ['https://example.com/x', 'mailto:a@b.c'],
  );
});

test('images are never loaded: the alt text stands in their place', () => {
  const tree = markdownToTree('![a cat](http://127.0.0.1:1/cat.png)');
  assert.equal(text(tree), '[image: a cat]');
});

test('math: $…$, \\(…\\), $$…$$ and \\[…\\], inline and display; dollars of prices are not math', () => {
  const maths = (s: string) =>
    flat(markdownToTree(s))
      .filter((n) => n.kind === 'math')
      .map((n) => (n.kind === 'math' ? `${n.display ? 'D' : 'I'}:${n.tex}` : ''));
  assert.deepEqual(maths('So $\\frac{1}{2}$ and \\(x^2\\).'), ['I:\\frac{1}{2}', 'I:x^2']);
  assert.deepEqual(maths('$$\n\\boxed{42}\n$$'), ['D:\n\\boxed{42}\n']);
  assert.deepEqual(maths('\\[ a+b \\]'), ['D: a+b ']);
  assert.deepEqual(maths('It costs $5 and $10 later.'), []);
  assert.deepEqual(maths('an escaped \\$ sign $a$'), ['I:a']);
  // \href inside math goes to KaTeX as a formula (where trust: false refuses it), never to markdown links
  assert.deepEqual(maths('$\\href{javascript:alert(1)}{x}$'), ['I:\\href{javascript:alert(1)}{x}']);
});

test('highlight ranges survive parsing: text, inline math and code carry their marks', () => {
  const src = 'The answer is $\\boxed{5}$ and the word wait here.';
  const boxed = src.indexOf('\\boxed{5}');
  const wait = src.indexOf('wait');
  const tree = markdownToTree(src, [
    { kind: 'extracted', start: boxed + 7, end: boxed + 8 },
    { kind: 'hit', start: wait, end: wait + 4 },
  ]);
  const all = flat(tree);
  const math = all.find((n) => n.kind === 'math');
  assert.ok(math && math.kind === 'math');
  assert.equal(math.tex, '\\boxed{5}', 'markers never reach KaTeX');
  assert.deepEqual(math.marks, ['extracted']);
  const hit = all.filter((n) => n.kind === 'text' && n.marks.includes('hit'));
  assert.deepEqual(
    hit.map((n) => (n.kind === 'text' ? n.text : '')),
    ['wait'],
  );
  assert.equal(text(tree).includes('\uE000'), false);
});

test('marker characters already in the text are dropped, not misread as highlights', () => {
  const tree = markdownToTree('a\uE000b\uE001c');
  assert.deepEqual(
    flat(tree).filter((n) => n.kind === 'text' && n.marks.length > 0),
    [],
  );
  assert.equal(text(tree), 'abc');
});

test('withMarkers clips ranges to the text and orders a close before an open at the same place', () => {
  assert.equal(
    withMarkers('abcd', [
      { kind: 'hit', start: 0, end: 2 },
      { kind: 'hit', start: 2, end: 99 },
    ]),
    '\uE000ab\uE001\uE000cd\uE001',
  );
  assert.equal(withMarkers('ab', [{ kind: 'hit', start: 5, end: 9 }]), 'ab');
});

test('pathological input (100,000 nested braces, brackets and quotes; a 1 MB formula) stays text, whole, without recursion errors', () => {
  const braces = `$${'{'.repeat(100_000)}x${'}'.repeat(100_000)}$`;
  const big = `$$${'x+'.repeat(500_000)}1$$`;
  for (const src of [braces, big, '['.repeat(100_000), `${'> '.repeat(100_000)}deep`]) {
    const tree = markdownToTree(`before\n\n${src}\n\nafter`);
    assert.ok(
      tree.some((n) => n.kind === 'plain'),
      'shown as written',
    );
    assert.equal(flat(tree).filter((n) => n.kind === 'math').length, 0, 'never handed to KaTeX');
    const t = text(tree);
    assert.ok(t.startsWith('before') && t.endsWith('after'), 'nothing around it is lost');
    assert.ok(t.includes(src.trim().slice(-1000)), 'the whole text is kept');
  }
  // nesting beyond markdown-it's cap in a short text: kept whole as text, not cut off
  assert.ok(text(markdownToTree(`${'> '.repeat(60)}deep`)).includes('deep'));
  // a formula under the chunk size still goes to the math renderer (which has its own limits)
  const mid = `$${'{'.repeat(3000)}x${'}'.repeat(3000)}$`;
  assert.equal(flat(markdownToTree(mid)).filter((n) => n.kind === 'math').length, 1);
  assert.ok(text(markdownToTree('\\('.repeat(50_000))).length > 0, 'unclosed openings');
});

test('long ordinary text is cut at blank lines (outside code fences) and parsed whole', () => {
  const para = (i: number) => `Paragraph ${i} with $x_${i}$ math.`;
  const fence = '```\ncode line\n\nstill code\n```';
  const src = [...Array.from({ length: 2000 }, (_, i) => para(i)), fence].join('\n\n');
  const tree = markdownToTree(src);
  assert.equal(flat(tree).filter((n) => n.kind === 'math').length, 2000);
  const codes = flat(tree).filter((n) => n.kind === 'code');
  assert.deepEqual(
    codes.map((n) => (n.kind === 'code' ? n.text : '')),
    ['code line\n\nstill code'],
  );
  assert.equal(tree.filter((n) => n.kind === 'plain').length, 0);
});

test('KaTeX options refuse trust and cap sizes; formulas too long or too deep are kept from KaTeX', () => {
  assert.equal(KATEX_OPTIONS.trust, false);
  assert.equal(KATEX_OPTIONS.throwOnError, false);
  assert.ok(KATEX_OPTIONS.maxSize > 0 && KATEX_OPTIONS.maxExpand > 0);
  assert.equal(tooBigToRender('\\frac{1}{2}'), undefined);
  assert.match(tooBigToRender('x'.repeat(MATH_LIMITS.maxChars + 1)) ?? '', /characters/);
  assert.match(
    tooBigToRender(`${'{'.repeat(MATH_LIMITS.maxDepth + 1)}x${'}'.repeat(MATH_LIMITS.maxDepth + 1)}`) ?? '',
    /nested/,
  );
  assert.equal(tooBigToRender(`${'{a}'.repeat(1000)}`), undefined, 'many groups side by side are fine');
  // what the options mean to KaTeX itself: \href under trust: false renders as an error, not a link
  const html = katex.renderToString('\\href{javascript:alert(1)}{x}', KATEX_OPTIONS);
  assert.equal(/href=|<a\b/i.test(html), false);
  assert.throws(
    () => katex.renderToString('\\def\\a{\\a\\a}\\a', { ...KATEX_OPTIONS, throwOnError: true }),
    /expansion|Too many/i,
  );
});

test("problem statements keep LaTeX's ``quotes'' and indented lines as text (no code spans), math still found", () => {
  const q = "Bobbi asks, ``Are we there yet?'' Her mother says, ``In $7200$ seconds.''\n\n    an indented line";
  assert.equal(
    flat(markdownToTree(q)).filter((n) => n.kind === 'code').length,
    2,
    'as markdown: a code span and a code block',
  );
  const tree = markdownToTree(q, [], { code: false });
  assert.equal(flat(tree).filter((n) => n.kind === 'code').length, 0);
  assert.ok(text(tree).includes("``Are we there yet?''"));
  assert.deepEqual(
    flat(tree)
      .filter((n) => n.kind === 'math')
      .map((n) => (n.kind === 'math' ? n.tex : '')),
    ['7200'],
  );
  assert.ok(text(tree).includes('an indented line'));
});
