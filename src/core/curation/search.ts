import { W2sError } from '../errors';

/**
 * The full-text search syntax (the `text` of a filter, and the free words of `w2s traces --filter`):
 *
 *   wait verify          both words, anywhere in the reasoning or the answer (case and accents ignored)
 *   "let me check"       the phrase, words in this order
 *   verif*               a word starting with "verif"
 *   wait OR hmm          either (OR binds tighter than the implicit AND: `a b OR c` is a AND (b OR c))
 *   -alternatively       not containing the word (or -"a phrase")
 *   等等                  a term with Chinese, Japanese or Korean characters matches as a substring
 *                        (the FTS5 tokenizer keeps a run of such characters as one token)
 *
 * Words are matched by SQLite FTS5 (`traces_fts`, tokenizer unicode61): punctuation separates words,
 * so `\boxed` finds "boxed" and `let's` the phrase "let s". Every term is quoted before it reaches FTS5,
 * so no input can be an FTS5 syntax error or reach a column filter.
 */

export interface SearchTerm {
  readonly text: string;
  readonly phrase: boolean;
  readonly prefix: boolean;
  /** Matched as a substring (CJK) instead of through the full-text index. */
  readonly substring: boolean;
}

export interface SearchQuery {
  /** Terms that must match: an AND of groups, each group an OR of terms. */
  readonly groups: readonly (readonly SearchTerm[])[];
  /** Terms that must not match. */
  readonly excluded: readonly SearchTerm[];
}

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/;
const WORD_CHAR = /[\p{L}\p{N}]/u;

export class SearchSyntaxError extends W2sError {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message, 'BAD_SEARCH');
  }
}

interface RawToken {
  text: string;
  quoted: boolean;
  negated: boolean;
  column: number;
}

function tokenize(input: string, offset: number): RawToken[] {
  const out: RawToken[] = [];
  let i = 0;
  while (i < input.length) {
    if (/\s/.test(input[i]!)) {
      i++;
      continue;
    }
    const start = i;
    let negated = false;
    if (input[i] === '-' && i + 1 < input.length && !/\s/.test(input[i + 1]!)) {
      negated = true;
      i++;
    }
    if (input[i] === '"') {
      const close = input.indexOf('"', i + 1);
      if (close < 0)
        throw new SearchSyntaxError(
          `search: the quote at column ${offset + i + 1} is never closed (${JSON.stringify(input.slice(start))}).`,
          offset + i + 1,
        );
      out.push({ text: input.slice(i + 1, close), quoted: true, negated, column: offset + start + 1 });
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < input.length && !/\s/.test(input[j]!)) j++;
    out.push({ text: input.slice(i, j), quoted: false, negated, column: offset + start + 1 });
    i = j;
  }
  return out;
}

function term(t: RawToken): SearchTerm {
  const prefix = !t.quoted && t.text.length > 1 && t.text.endsWith('*');
  const text = prefix ? t.text.slice(0, -1) : t.text;
  if (!WORD_CHAR.test(text)) {
    throw new SearchSyntaxError(
      `search: ${JSON.stringify(t.quoted ? `"${t.text}"` : t.text)} at column ${t.column} has no letters or digits to search for (punctuation only separates words).`,
      t.column,
    );
  }
  return { text, phrase: t.quoted, prefix, substring: CJK.test(text) };
}

/** Parses the search syntax; errors name the term and its column (counted from 1, plus `offset`). */
export function parseSearch(input: string, offset = 0): SearchQuery {
  const tokens = tokenize(input, offset);
  const groups: SearchTerm[][] = [];
  const excluded: SearchTerm[] = [];
  let joinNext = false;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (!t.quoted && !t.negated && t.text === 'OR') {
      const prev = tokens[k - 1];
      const next = tokens[k + 1];
      if (!prev || prev.negated || !next || next.negated || (!next.quoted && next.text === 'OR') || joinNext) {
        throw new SearchSyntaxError(
          `search: OR at column ${t.column} must stand between two words or phrases (not first, last, doubled or next to a -term).`,
          t.column,
        );
      }
      joinNext = true;
      continue;
    }
    if (t.negated) {
      excluded.push(term(t));
      continue;
    }
    if (joinNext) groups[groups.length - 1]!.push(term(t));
    else groups.push([term(t)]);
    joinNext = false;
  }
  return { groups, excluded };
}

export function isEmptySearch(q: SearchQuery): boolean {
  return q.groups.length === 0 && q.excluded.length === 0;
}

/** One term as an FTS5 string: always quoted (`""` escapes a quote), `*` after the quotes for a prefix. */
export function ftsTerm(t: SearchTerm): string {
  return `"${t.text.replace(/"/g, '""')}"${t.prefix ? ' *' : ''}`;
}

/** The FTS5 expression of some groups (AND of ORs), or null when none goes through the index. */
export function ftsExpression(groups: readonly (readonly SearchTerm[])[]): string | null {
  const parts = groups.map((g) => (g.length === 1 ? ftsTerm(g[0]!) : `(${g.map(ftsTerm).join(' OR ')})`));
  return parts.length ? parts.join(' AND ') : null;
}

/** Splits a query into what FTS5 answers and what is matched as a substring (groups holding a CJK term). */
export function splitSearch(q: SearchQuery): {
  fts: string | null;
  excludedFts: string | null;
  substringGroups: string[][];
  excludedSubstrings: string[];
} {
  const ftsGroups = q.groups.filter((g) => !g.some((t) => t.substring));
  const subGroups = q.groups.filter((g) => g.some((t) => t.substring)).map((g) => g.map((t) => t.text.toLowerCase()));
  const exFts = q.excluded.filter((t) => !t.substring);
  return {
    fts: ftsExpression(ftsGroups),
    excludedFts: exFts.length ? exFts.map(ftsTerm).join(' OR ') : null,
    substringGroups: subGroups,
    excludedSubstrings: q.excluded.filter((t) => t.substring).map((t) => t.text.toLowerCase()),
  };
}

/** The search back as text (for the filter expression and saved views). */
export function formatSearch(q: SearchQuery): string {
  const one = (t: SearchTerm) =>
    t.phrase || /\s|^-|^OR$|:/.test(t.text) ? `"${t.text}"` : `${t.text}${t.prefix ? '*' : ''}`;
  return [...q.groups.map((g) => g.map(one).join(' OR ')), ...q.excluded.map((t) => `-${one(t)}`)].join(' ');
}
