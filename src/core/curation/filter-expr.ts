import { W2sError } from '../errors';
import { SIGNALS, isSignalName, signalDef } from '../signals/definitions';
import {
  LABEL_VALUES,
  VERDICTS,
  type Comparison,
  type LabelValue,
  type NumberRange,
  type SignalCondition,
  type TraceFilter,
  type Verdict,
} from './filter';
import { parseSearch, SearchSyntaxError } from './search';

/**
 * The filter as text, for `w2s traces --filter`, `w2s export --filter`, `w2s label … --filter` and saved
 * views shown in a terminal. It parses to the same `TraceFilter` the Traces view builds:
 *
 *   verdict:incorrect run:teacher-a signal:repetition len:>2000 "let me check"
 *
 * Terms are separated by spaces and all must hold (AND). `key:a,b` means a or b. Values with spaces or
 * commas are quoted: `run:"teacher a"` (`""` inside quotes is a quote). Anything that is not `key:value`
 * is full-text search (see search.ts: words, "phrases", OR, -word, prefix*).
 */
export const FILTER_SYNTAX = `Filter expression (all terms must hold; key:a,b means a or b; quote values with spaces):
  run:NAME  model:NAME  set:NAME           runs, models, problem sets
  verdict:correct|incorrect|no-answer|error|ungraded    (-verdict:correct = any other verdict)
  label:accept|reject|star|none            none = not accepted, rejected or starred
  finish:stop|length|none                  the server's finish reason
  len:>2000  len:<=500  len:1000..2000  len:2k..4k     completion tokens (usage, else estimated)
  latency:>30s  latency:<500               milliseconds, or seconds with s
  subject:Algebra  level:5                 from the problems' metadata, where the set has them
  signal:NAME  -signal:NAME  signal:NAME>=3   a signal present, absent, or its value compared;
                                           signal:a,b = both. Signals: ${SIGNALS.map((s) => s.name).join(', ')}
  problem:KEY  id:123                      problem keys, trace ids
  words "a phrase" prefix* a OR b -word    full-text search over reasoning and answer
An expression that starts with "-" goes after an equals sign: --filter='-signal:no-box verdict:correct'.`;

export const FILTER_KEYS = [
  'run',
  'model',
  'set',
  'verdict',
  'label',
  'finish',
  'len',
  'length',
  'latency',
  'subject',
  'level',
  'signal',
  'sig',
  'problem',
  'id',
] as const;
type Key = (typeof FILTER_KEYS)[number];

export class FilterSyntaxError extends W2sError {
  constructor(
    message: string,
    readonly column: number,
    readonly token: string,
  ) {
    super(message, 'BAD_FILTER');
  }
}

interface Token {
  raw: string;
  column: number;
}

function tokenize(expr: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    if (/\s/.test(expr[i]!)) {
      i++;
      continue;
    }
    const start = i;
    while (i < expr.length && !/\s/.test(expr[i]!)) {
      if (expr[i] === '"') {
        let j = i + 1;
        for (;;) {
          const q = expr.indexOf('"', j);
          if (q < 0)
            throw new FilterSyntaxError(
              `the quote at column ${i + 1} is never closed: ${expr.slice(start)}`,
              i + 1,
              expr.slice(start),
            );
          if (expr[q + 1] === '"') {
            j = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
      } else i++;
    }
    out.push({ raw: expr.slice(start, i), column: start + 1 });
  }
  return out;
}

/** Splits `a,"b,c",d` on commas outside quotes, unquoting. */
function values(s: string, t: Token): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let any = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') {
      if (quoted && s[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
      any = true;
    } else if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
      any = false;
    } else {
      cur += c;
      any = true;
    }
  }
  if (any || cur) out.push(cur);
  if (out.length === 0 || out.some((v) => v === ''))
    throw new FilterSyntaxError(`${t.raw} (column ${t.column}): a value is missing.`, t.column, t.raw);
  return out;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}

function didYouMean(word: string, candidates: readonly string[]): string {
  const best = candidates.map((c) => [c, distance(word.toLowerCase(), c)] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= 2 ? ` Did you mean "${best[0]}"?` : '';
}

function oneOf<T extends string>(v: string, allowed: readonly T[], t: Token, aliases: Record<string, T> = {}): T {
  const x = v.toLowerCase();
  if ((allowed as readonly string[]).includes(x)) return x as T;
  if (aliases[x]) return aliases[x]!;
  throw new FilterSyntaxError(
    `${t.raw} (column ${t.column}): "${v}" is not one of ${allowed.join(', ')}.${didYouMean(x, [...allowed, ...Object.keys(aliases)])}`,
    t.column,
    t.raw,
  );
}

const NUMBER = /^(\d+(?:\.\d+)?)(k|s|ms)?$/i;

function number(s: string, t: Token, unit: 'tokens' | 'ms'): number {
  const m = NUMBER.exec(s.trim());
  if (!m)
    throw new FilterSyntaxError(
      `${t.raw} (column ${t.column}): "${s}" is not a number${unit === 'ms' ? ' (milliseconds, or seconds with s: 30s)' : ' (e.g. 2000 or 2k)'}.`,
      t.column,
      t.raw,
    );
  const x = Number(m[1]);
  const suffix = m[2]?.toLowerCase();
  if (suffix === 'k') return Math.round(x * 1000);
  if (suffix === 's') {
    if (unit !== 'ms')
      throw new FilterSyntaxError(`${t.raw} (column ${t.column}): seconds only apply to latency.`, t.column, t.raw);
    return Math.round(x * 1000);
  }
  if (suffix === 'ms' && unit !== 'ms')
    throw new FilterSyntaxError(`${t.raw} (column ${t.column}): milliseconds only apply to latency.`, t.column, t.raw);
  return x;
}

/** `>N`, `>=N`, `<N`, `<=N`, `=N`, `N`, `N..M` (bounds inclusive; > and < on whole numbers). */
function range(s: string, t: Token, unit: 'tokens' | 'ms'): NumberRange {
  const between = /^(.+?)\.\.(.+)$/.exec(s);
  if (between) {
    const min = number(between[1]!, t, unit);
    const max = number(between[2]!, t, unit);
    if (min > max)
      throw new FilterSyntaxError(`${t.raw} (column ${t.column}): ${min} is above ${max}.`, t.column, t.raw);
    return { min, max };
  }
  const m = /^(>=|<=|>|<|=)?(.+)$/.exec(s)!;
  const x = number(m[2]!, t, unit);
  switch (m[1]) {
    case '>':
      return { min: Math.floor(x) + 1 };
    case '>=':
      return { min: x };
    case '<':
      return { max: Math.ceil(x) - 1 };
    case '<=':
      return { max: x };
    default:
      return { min: x, max: x };
  }
}

function signalCondition(v: string, t: Token, negated: boolean): SignalCondition {
  const m = /^([a-z-]+?)(>=|<=|>|<|=)(.+)$/i.exec(v);
  const name = (m ? m[1]! : v).toLowerCase();
  if (!isSignalName(name)) {
    throw new FilterSyntaxError(
      `${t.raw} (column ${t.column}): unknown signal "${name}".${didYouMean(
        name,
        SIGNALS.map((s) => s.name),
      )} Signals: ${SIGNALS.map((s) => s.name).join(', ')}.`,
      t.column,
      t.raw,
    );
  }
  if (m) {
    if (negated)
      throw new FilterSyntaxError(
        `${t.raw} (column ${t.column}): a comparison cannot be negated; turn it around (signal:${name}<3 instead of -signal:${name}>=3).`,
        t.column,
        t.raw,
      );
    const value = Number(m[3]);
    if (!Number.isFinite(value))
      throw new FilterSyntaxError(`${t.raw} (column ${t.column}): "${m[3]}" is not a number.`, t.column, t.raw);
    return { signal: name, op: m[2] as Comparison, value };
  }
  if (signalDef(name).bit === null)
    return negated ? { signal: name, op: '<', value: 1 } : { signal: name, op: '>=', value: 1 };
  return negated ? { signal: name, present: false } : { signal: name };
}

const LABEL_ALIASES: Record<string, LabelValue> = {
  accepted: 'accept',
  rejected: 'reject',
  starred: 'star',
  unlabeled: 'none',
  unlabelled: 'none',
};

/** A filter being built term by term. */
type Draft = { -readonly [K in keyof TraceFilter]: TraceFilter[K] };

/** A `key:value` term, its key checked; undefined for a search word. */
interface KeyTerm {
  readonly key: Key;
  readonly rest: string;
  readonly negated: boolean;
}

/** Parses a filter expression; errors name the token and its column (from 1). */
export function parseFilterExpression(expr: string): TraceFilter {
  const f: Draft = {};
  const words: Token[] = [];
  for (const t of tokenize(expr)) {
    const term = keyTerm(t);
    if (term) applyTerm(f, term, t);
    else words.push(t);
  }
  if (words.length) f.text = searchText(words);
  return f;
}

/** Reads `[-]key:value`, checking the key, that a value follows and that only what can be negated is. */
function keyTerm(t: Token): KeyTerm | undefined {
  const m = /^(-?)([a-zA-Z][a-zA-Z-]*):(.*)$/s.exec(t.raw);
  if (!m) return undefined;
  const negated = m[1] === '-';
  const key = m[2]!.toLowerCase();
  const rest = m[3]!;
  if (!isKey(key)) {
    throw new FilterSyntaxError(
      `unknown key "${m[2]}" in ${t.raw} (column ${t.column}).${didYouMean(key, FILTER_KEYS)} Keys: ${[...new Set(FILTER_KEYS)].join(', ')}. To search for the text, quote it: "${t.raw.replace(/"/g, '""')}".`,
      t.column,
      t.raw,
    );
  }
  if (rest === '')
    throw new FilterSyntaxError(`${t.raw} (column ${t.column}): a value is missing after "${key}:".`, t.column, t.raw);
  if (negated && key !== 'verdict' && key !== 'signal' && key !== 'sig') {
    throw new FilterSyntaxError(
      `${t.raw} (column ${t.column}): only verdict and signal can be negated (or search words: -word).`,
      t.column,
      t.raw,
    );
  }
  return { key, rest, negated };
}

const isKey = (k: string): k is Key => (FILTER_KEYS as readonly string[]).includes(k);

/** Adds a list's values to what the field holds (a value given twice is kept once). */
function union<T>(had: readonly T[] | undefined, more: readonly T[]): T[] {
  return [...new Set([...(had ?? []), ...more])];
}

/** One `key:value` term into the filter. */
function applyTerm(f: Draft, { key, rest, negated }: KeyTerm, t: Token): void {
  switch (key) {
    case 'run':
      f.runs = union(f.runs, values(rest, t));
      break;
    case 'model':
      f.models = union(f.models, values(rest, t));
      break;
    case 'set':
      f.sets = union(f.sets, values(rest, t));
      break;
    case 'finish':
      f.finishReasons = union(f.finishReasons, values(rest, t));
      break;
    case 'subject':
      f.subjects = union(f.subjects, values(rest, t));
      break;
    case 'level':
      f.levels = union(
        f.levels,
        values(rest, t).map((v) => v.replace(/^level\s*/i, '')),
      );
      break;
    case 'problem':
      f.problems = union(f.problems, values(rest, t));
      break;
    case 'verdict': {
      const vs = values(rest, t).map((v) =>
        oneOf<Verdict>(v, VERDICTS, t, {
          wrong: 'incorrect',
          right: 'correct',
          'no-box': 'no-answer',
          none: 'ungraded',
        }),
      );
      f.verdicts = union(f.verdicts, negated ? VERDICTS.filter((v) => !vs.includes(v)) : vs);
      break;
    }
    case 'label':
      f.labels = union(
        f.labels,
        values(rest, t).map((v) => oneOf(v, LABEL_VALUES, t, LABEL_ALIASES)),
      );
      break;
    case 'len':
    case 'length':
      if (f.length)
        throw new FilterSyntaxError(
          `${t.raw} (column ${t.column}): give one length range (len:1000..2000).`,
          t.column,
          t.raw,
        );
      f.length = range(rest, t, 'tokens');
      break;
    case 'latency':
      if (f.latencyMs)
        throw new FilterSyntaxError(
          `${t.raw} (column ${t.column}): give one latency range (latency:1s..30s).`,
          t.column,
          t.raw,
        );
      f.latencyMs = range(rest, t, 'ms');
      break;
    case 'signal':
    case 'sig':
      f.signals = [...(f.signals ?? []), ...values(rest, t).map((v) => signalCondition(v, t, negated))];
      break;
    case 'id':
      f.traceIds = [
        ...(f.traceIds ?? []),
        ...values(rest, t).map((v) => {
          if (!/^\d+$/.test(v))
            throw new FilterSyntaxError(`${t.raw} (column ${t.column}): "${v}" is not a trace id.`, t.column, t.raw);
          return Number(v);
        }),
      ];
      break;
  }
}

/** The search words joined, checked in the search syntax; an error's column points into the expression. */
function searchText(words: readonly Token[]): string {
  const joined = words.map((x) => x.raw).join(' ');
  try {
    parseSearch(joined);
  } catch (e) {
    if (!(e instanceof SearchSyntaxError)) throw e;
    // map the column inside the joined text back to the expression
    let at = 0;
    let column = words[0]!.column;
    for (const x of words) {
      if (e.column - 1 < at + x.raw.length + 1) {
        column = x.column + Math.max(0, e.column - 1 - at);
        break;
      }
      at += x.raw.length + 1;
    }
    const message = e.message.replace(/^search: /, '').replace(/column \d+/, `column ${column}`);
    throw new FilterSyntaxError(message, column, joined);
  }
  return joined;
}

function quote(v: string): string {
  return /[\s,":]|^-|^$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function formatRange(r: NumberRange): string {
  if (r.min !== undefined && r.max !== undefined) return r.min === r.max ? String(r.min) : `${r.min}..${r.max}`;
  if (r.min !== undefined) return `>=${r.min}`;
  return `<=${r.max}`;
}

function formatSignal(c: SignalCondition): string {
  if (c.op !== undefined) return `signal:${c.signal}${c.op}${c.value}`;
  return `${c.present === false ? '-' : ''}signal:${c.signal}`;
}

/** The filter as an expression that parses back to the same filter. */
export function formatFilterExpression(f: TraceFilter): string {
  const parts: string[] = [];
  const list = (key: string, xs: readonly string[] | undefined) => {
    if (xs?.length) parts.push(`${key}:${xs.map(quote).join(',')}`);
  };
  list('run', f.runs);
  list('model', f.models);
  list('set', f.sets);
  list('verdict', f.verdicts);
  list('label', f.labels);
  list('finish', f.finishReasons);
  if (f.length) parts.push(`len:${formatRange(f.length)}`);
  if (f.latencyMs) parts.push(`latency:${formatRange(f.latencyMs)}`);
  list('subject', f.subjects);
  list('level', f.levels);
  for (const c of f.signals ?? []) parts.push(formatSignal(c));
  list('problem', f.problems);
  if (f.traceIds?.length) parts.push(`id:${f.traceIds.join(',')}`);
  if (f.text) parts.push(f.text);
  return parts.join(' ');
}
