// Rendering never loses what a model or a dataset wrote (issue: "\[…\]" mid-line lost its backslashes
// and was not rendered; text after a multi-line display block's closing "\]" was dropped). Property: every
// letter and digit of the source appears, in order, in what the reader is shown — text, code, math (its
// source goes to KaTeX, which keeps it in the MathML annotation, or is shown as source), a link's URL (its
// tooltip), a list's numbers as written — over every problem of the built-in sets, every shipped trace, and generated fuzz.
// Markdown syntax (`*`, `#`, `|`, escapes' backslashes) may go: it is how the text is shown, not the text.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { seededRandom } from '../../../src/core/seeded-random';
import { markdownToTree, readableUrl, type MdNode } from '../../../webview/shared/markdown';
import { BENCHMARKS, REAL_TRACES } from '../../support/tmp';

/** What a reader sees of the tree, in order. */
function shown(nodes: readonly MdNode[]): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text' || n.kind === 'code') out += (n.kind === 'code' && n.info ? `${n.info}\n` : '') + n.text;
    else if (n.kind === 'math') out += n.tex;
    else if (n.kind === 'link') out += shown(n.children) + readableUrl(n.url);
    else if (n.kind === 'element' && n.tag === 'li' && n.start !== undefined) out += `${n.start}. ${shown(n.children)}`;
    else out += shown(n.children);
  }
  return out;
}

const WORD = /[\p{L}\p{N}]/u;

/** The first character of `source` (a letter or digit) missing from `rendered` in order, with where it is; null when none. */
export function firstLost(source: string, rendered: string): string | null {
  let j = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (!WORD.test(c)) continue;
    const k = rendered.indexOf(c, j);
    if (k < 0)
      return `"${c}" at ${i}: …${JSON.stringify(source.slice(Math.max(0, i - 40), i + 40))}… (shown: …${JSON.stringify(rendered.slice(Math.max(0, j - 40), j + 40))}…)`;
    j = k + 1;
  }
  return null;
}

function check(label: string, sources: readonly string[], options: { code?: boolean } = {}): void {
  const lost: string[] = [];
  for (const [i, s] of sources.entries()) {
    const miss = firstLost(s, shown(markdownToTree(s, [], options)));
    if (miss) lost.push(`${label} #${i}: ${miss}`);
  }
  assert.deepEqual(lost.slice(0, 5), [], `${lost.length} of ${sources.length} lose text`);
}

const jsonl = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('rendering loses no text', () => {
  it('every problem of the built-in sets (as the problem webview parses them: code off)', () => {
    const files = fs.readdirSync(BENCHMARKS).filter((f) => f.endsWith('.jsonl'));
    assert.equal(files.length, 6);
    for (const f of files) {
      const questions = jsonl(path.join(BENCHMARKS, f)).map((r) => String(r.problem ?? r.question));
      check(f, questions, { code: false });
      check(`${f} (code on)`, questions);
    }
  });

  it('every shipped trace (the trace detail: code on)', () => {
    const responses = jsonl(REAL_TRACES).map((r) => String(r.response));
    assert.equal(responses.length, 400);
    check('qwen25 trace', responses);
  });

  it('generated fuzz of delimiters, markdown syntax and words', () => {
    const pieces = [
      '\\[',
      '\\]',
      '\\(',
      '\\)',
      '$',
      '$$',
      '\\begin{align*}',
      '\\end{align*}',
      '\\begin{cases}',
      '\\end{cases}',
      '\\\\',
      '&',
      '\n',
      '\n\n',
      ' ',
      'word',
      'x1',
      'THIS',
      'Ω',
      '数学',
      '*',
      '_',
      '`',
      '```',
      '#',
      '>',
      '- ',
      '1. ',
      '3) ',
      '[',
      ']',
      '(',
      ')',
      '!',
      '|',
      '---',
      '~',
      '<b>',
      '&amp;',
      '\\frac{1}{2}',
      '\\boxed{7}',
      '{',
      '}',
      ':',
    ];
    const rand = seededRandom(21);
    const sources: string[] = [];
    for (let i = 0; i < 3000; i++) {
      let s = '';
      const n = 1 + Math.floor(rand() * 40);
      for (let k = 0; k < n; k++) s += pieces[Math.floor(rand() * pieces.length)]!;
      sources.push(s);
    }
    check('fuzz', sources);
    check('fuzz (code off)', sources, { code: false });
  });

  it('the cases of the issue: mid-line \\[…\\] is display math, text after \\] is kept, environments are math', () => {
    const maths = (s: string) => {
      const out: string[] = [];
      const walk = (ns: readonly MdNode[]) =>
        ns.forEach((n) =>
          n.kind === 'math' ? out.push(`${n.display ? 'D' : 'I'}:${n.tex}`) : 'children' in n && walk(n.children),
        );
      walk(markdownToTree(s));
      return out;
    };
    assert.deepEqual(maths('Let \\[p = \\sum_{k} k\\] be the sum.'), ['D:p = \\sum_{k} k']);
    assert.deepEqual(maths('\\[\nx = 1\n\\]THIS TEXT follows'), ['D:\nx = 1\n']);
    assert.match(shown(markdownToTree('\\[\nx = 1\n\\]THIS TEXT follows')), /THIS TEXT follows$/);
    assert.deepEqual(maths('so \\begin{align*} a &= b \\\\ c &= d \\end{align*} and'), [
      'D:\\begin{align*} a &= b \\\\ c &= d \\end{align*}',
    ]);
    assert.deepEqual(maths('$$a$$ b'), ['D:a']);
    // MATH500: every problem with \[ gets its display math (61 of 86 did not)
    const math500 = jsonl(path.join(BENCHMARKS, 'math500.jsonl')).map((r) => String(r.problem));
    const withDisplay = math500.filter((q) => q.includes('\\['));
    assert.ok(withDisplay.length > 80);
    const missing = withDisplay.filter(
      (q) => maths(q).filter((m) => m.startsWith('D:')).length < q.split('\\[').length - 1,
    );
    assert.deepEqual(
      missing.slice(0, 3),
      [],
      `${missing.length} of ${withDisplay.length} MATH500 problems with \\[ lack a display formula`,
    );
  });
});
