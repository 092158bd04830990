/**
 * The signals: per-trace measures of reasoning style, failure and size, computed once in core
 * (`computeSignals`), stored in `trace_signals` with `SIGNALS_VERSION`, and used as facets, sortable
 * columns, filter conditions (`signal:NAME`, `signal:NAME>=3`) and per-run rates.
 *
 * Each stored value is a number (a count, a length, 0/1); a signal is *present* on a trace when its
 * value reaches `presentAt`. Presence is also stored as one bit of `trace_signals.flags`, so a facet
 * count is a bit test and never re-derives a threshold in SQL.
 */

/** Raise when a detector changes: traces whose signals have another version are recomputed on request. */
export const SIGNALS_VERSION = 1;

export const SIGNAL_NAMES = [
  'reflection',
  'verification',
  'backtracking',
  'answers',
  'repetition',
  'mixed-language',
  'after-box',
  'multi-boxed',
  'truncated',
  'no-box',
  'reasoning-tokens',
  'answer-tokens',
] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];

export type SignalKind = 'style' | 'failure' | 'size';

export interface SignalDef {
  readonly name: SignalName;
  readonly kind: SignalKind;
  /** Column of `trace_signals` holding the value. */
  readonly column: string;
  /** Bit of `trace_signals.flags` set when present; size signals have none (they are not facets). */
  readonly bit: number | null;
  /** Present when the value is at least this. */
  readonly presentAt: number;
  /** One line for tooltips and `--help`. */
  readonly description: string;
  /** A short tag for list rows and the CLI table. */
  readonly short: string;
}

export const SIGNALS: readonly SignalDef[] = [
  {
    name: 'reflection',
    kind: 'style',
    column: 'reflection',
    bit: 0,
    presentAt: 1,
    short: 'refl',
    description: 'reflection markers ("wait", "hmm", "alternatively", "on second thought"; 等等, 换个思路…), counted',
  },
  {
    name: 'verification',
    kind: 'style',
    column: 'verification',
    bit: 1,
    presentAt: 1,
    short: 'verif',
    description: 'self-verification markers ("let me check", "verify", "double-check"; 验证, 检查…), counted',
  },
  {
    name: 'backtracking',
    kind: 'style',
    column: 'backtracking',
    bit: 2,
    presentAt: 1,
    short: 'back',
    description: 'explicit corrections ("I made a mistake", "that\'s not right", "let me redo"; 不对, 算错…), counted',
  },
  {
    name: 'answers',
    kind: 'style',
    column: 'answers',
    bit: 3,
    presentAt: 2,
    short: 'ans',
    description:
      'distinct intermediate answers (boxed or "the answer is …"); present from 2: the trace changed its answer',
  },
  {
    name: 'repetition',
    kind: 'failure',
    column: 'repetition',
    bit: 4,
    presentAt: 1,
    short: 'loop',
    description: 'a repetition loop at the tail (value: characters in the repeated tail)',
  },
  {
    name: 'mixed-language',
    kind: 'failure',
    column: 'mixed_language',
    bit: 5,
    presentAt: 3,
    short: 'mix',
    description:
      "letters of a script other than the problem's (value: how many; present from 3 non-Latin or 12 Latin letters in words)",
  },
  {
    name: 'after-box',
    kind: 'failure',
    column: 'after_box',
    bit: 6,
    presentAt: 40,
    short: 'after',
    description: 'text after the final \\boxed{} of the answer (value: non-blank characters; present from 40)',
  },
  {
    name: 'multi-boxed',
    kind: 'failure',
    column: 'boxed',
    bit: 7,
    presentAt: 2,
    short: 'boxes',
    description: 'different \\boxed{} answers in one trace (value: how many distinct; present from 2)',
  },
  {
    name: 'truncated',
    kind: 'failure',
    column: 'truncated',
    bit: 8,
    presentAt: 1,
    short: 'trunc',
    description: 'cut off by the token limit (finish_reason "length")',
  },
  {
    name: 'no-box',
    kind: 'failure',
    column: 'no_box',
    bit: 9,
    presentAt: 1,
    short: 'nobox',
    description: 'no \\boxed{} in the answer the grader reads',
  },
  {
    name: 'reasoning-tokens',
    kind: 'size',
    column: 'reasoning_tokens',
    bit: null,
    presentAt: 1,
    short: 'rtok',
    description: "tokens of reasoning (the server's usage split by text length, else an estimate)",
  },
  {
    name: 'answer-tokens',
    kind: 'size',
    column: 'answer_tokens',
    bit: null,
    presentAt: 1,
    short: 'atok',
    description: "tokens of the answer (the server's usage split by text length, else an estimate)",
  },
];

const BY_NAME = new Map(SIGNALS.map((s) => [s.name, s]));

export function signalDef(name: SignalName): SignalDef {
  return BY_NAME.get(name)!;
}

export function isSignalName(s: string): s is SignalName {
  return BY_NAME.has(s as SignalName);
}

/** The signals that are facets (have a presence bit), in display order. */
export const FACET_SIGNALS: readonly SignalDef[] = SIGNALS.filter((s) => s.bit !== null);

/** Values of every signal of one trace, as stored. */
export type SignalValues = Record<SignalName, number>;

export interface TokenCounts {
  readonly reasoning: number;
  readonly answer: number;
  readonly total: number;
  /** `usage`: the server's completion_tokens (split between reasoning and answer by text length); `estimate`: counted from the text. */
  readonly source: 'usage' | 'estimate';
}

export interface TraceSignals {
  readonly version: number;
  readonly values: SignalValues;
  /** Names of the signals present, in SIGNALS order. */
  readonly present: SignalName[];
  readonly flags: number;
  readonly tokens: TokenCounts;
}

export function presentFromFlags(flags: number): SignalName[] {
  return FACET_SIGNALS.filter((s) => (flags & (1 << s.bit!)) !== 0).map((s) => s.name);
}
