import type { TokenCounts } from './definitions';

/**
 * A tokenizer-free estimate of BPE tokens, for traces whose server sent no usage. Modelled on the
 * Qwen2.5 / Llama-3 vocabularies: digits are one token each, a CJK character about one, a Latin word
 * one per five letters, each other symbol (LaTeX braces, backslashes, operators) about 0.8 since common
 * pairs such as `}{` or `\\(` merge; whitespace rides along with the next word. It is a rough
 * measure (about ±25% on English and LaTeX), which is why every count says where it came from.
 */
function isCjk(c: number): boolean {
  return (
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x3040 && c <= 0x30ff) ||
    (c >= 0xac00 && c <= 0xd7af) ||
    (c >= 0xf900 && c <= 0xfaff)
  );
}

function isLetter(c: number): boolean {
  // ASCII letters, and any other non-CJK character above Latin-1 punctuation counts as a letter of a word
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && c < 0x2000) ||
    (c >= 0x3100 && !isCjk(c) && c < 0xfe00)
  );
}

const SPACE = /\s/;

// ASCII classes, looked up instead of compared: 0 space, 1 letter, 2 digit, 3 symbol.
const ASCII = new Uint8Array(128).map((_, c) =>
  c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x0b || c === 0x0c
    ? 0
    : (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)
      ? 1
      : c >= 0x30 && c <= 0x39
        ? 2
        : 3,
);

// A character loop rather than a Unicode regex: some 40 times faster on V8, and this runs per trace.
export function estimateTokens(text: string | null): number {
  if (!text) return 0;
  let tokens = 0;
  let symbols = 0;
  let word = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const cls =
      c < 128
        ? ASCII[c]!
        : c >= 0xd800 && c <= 0xdbff
          ? 4
          : isLetter(c)
            ? 1
            : isCjk(c)
              ? 2
              : SPACE.test(text[i]!)
                ? 0
                : 3;
    if (cls === 1) {
      word++;
      continue;
    }
    if (word) tokens += Math.ceil(word / 5);
    word = 0;
    if (cls === 2) tokens++;
    else if (cls === 3) symbols++;
    else if (cls === 4) {
      tokens++; // a surrogate pair (emoji, rare CJK): one token, skip its second half
      i++;
    }
  }
  if (word) tokens += Math.ceil(word / 5);
  return Math.round(tokens + symbols * 0.8);
}

/**
 * Reasoning and answer tokens of a trace: the server's completion_tokens when it sent usage (split
 * between reasoning and answer in proportion to their estimates, since usage gives only the total),
 * else the estimate of each part.
 */
export function tokenCounts(
  reasoning: string | null,
  answer: string | null,
  completionTokens: number | null,
): TokenCounts {
  const r = estimateTokens(reasoning);
  const a = estimateTokens(answer);
  if (completionTokens !== null && completionTokens >= 0) {
    const reasoningShare = r + a > 0 ? Math.round((completionTokens * r) / (r + a)) : 0;
    return {
      reasoning: reasoningShare,
      answer: completionTokens - reasoningShare,
      total: completionTokens,
      source: 'usage',
    };
  }
  return { reasoning: r, answer: a, total: r + a, source: 'estimate' };
}
