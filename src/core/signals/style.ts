import { findBoxes, stripMathDelimiters } from '../grader/latex';

/**
 * Style signals: markers of reflection, self-verification and backtracking, and the number of distinct
 * answers a trace states on its way. Markers are counted occurrences (case-insensitive); each list has
 * the English forms reasoning models write and their Chinese forms (Qwen and DeepSeek models switch to
 * Chinese mid-trace). "wait" counts only as an interjection ("Wait,", "But wait") so that a word
 * problem about waiting does not look reflective. The patterns run on lower-cased text without the
 * `i` and `u` flags: with them V8 is some 30 times slower, and a store holds 100,000 traces.
 */

const REFLECTION =
  /\bwait\s*[,.!:;—–-]|\bbut wait\b|\bhmm+\b|\balternatively\b|\bon second thought\b|\bhold on\b|\blet me (?:think (?:again|about this again)|rethink)\b|\banother (?:approach|way to (?:think|see|look))\b|等等|等一下|稍等|换个思路|换一种思路|换一种方法|另一种方法|另一种思路|再想想|再想一想/g;

const VERIFICATION =
  /\blet(?:'s|’s| me| us) (?:double[- ]?)?check\b|\bdouble[- ]check(?:ing|ed)?\b|\bverif(?:y|ies|ied|ying|ication)\b|\bsanity[- ]check\b|\blet(?:'s|’s| me| us) confirm\b|\bto confirm\b|\bcheck(?:ing)? (?:our|the|this|my) (?:answer|result|solution|work|calculation)\b|\bplug(?:ging)? (?:it|this|these|them|that) back\b|\bsubstitut(?:e|ing) back\b|验证|检查|核对|检验|验算/g;

const BACKTRACKING =
  /\bi made (?:a|an) (?:mistake|error)\b|\bmy (?:mistake|error)\b|\b(?:that|this|it)(?:'s|’s| is| was) (?:not (?:right|correct)|wrong|incorrect)\b|\b(?:that|this) (?:isn't|isn’t|wasn't|wasn’t|doesn't|doesn’t) (?:seem )?right\b|\blet(?:'s|’s| me| us) (?:redo|re-?calculate|re-?compute|re-?evaluate|reconsider|re-?examine|start over|try again|correct (?:this|that|the|my))\b|\bstart(?:ing)? over\b|\boops\b|\bi was wrong\b|\bcorrection:|不对|错了|算错|搞错|重新计算|重新考虑|纠正|更正|我犯了/g;

function count(re: RegExp, text: string): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(text) !== null) n++;
  return n;
}

/** Reflection markers in a trace, given lower-cased. */
export function reflectionMarkers(lower: string): number {
  return count(REFLECTION, lower);
}

/** Self-verification markers in a trace, given lower-cased. */
export function verificationMarkers(lower: string): number {
  return count(VERIFICATION, lower);
}

/** Backtracking markers in a trace, given lower-cased. */
export function backtrackingMarkers(lower: string): number {
  return count(BACKTRACKING, lower);
}

/**
 * The key under which two stated answers count as the same: delimiters, spacing commands, `\left`/`\right`
 * and trailing punctuation removed, `\dfrac`/`\tfrac` read as `\frac`, one-character groups unbraced
 * (`^{2}` ≡ `^2`). Lighter than the grader's normalisation on purpose (a trace states dozens of
 * answers): `\frac12` and `0.5` stay two answers here, which only ever over-counts a change of mind.
 */
export function answerKey(raw: string): string {
  return stripMathDelimiters(raw)
    .replace(/\\(?:left|right)(?![a-zA-Z])|\\[,;:! ]|\\(?:q?quad|displaystyle)(?![a-zA-Z])/g, '')
    .replace(/\\[dt]frac(?![a-zA-Z])/g, '\\frac')
    .replace(/([\^_])\{(\w)\}/g, '$1$2')
    .replace(/\s+/g, '')
    .replace(/[.,;:]+$/, '');
}

// "the answer is 12." / "final answer: $x=3$" / 答案是 12 — up to the end of the sentence or line.
const STATED =
  /\b(?:the )?(?:final )?answer(?: is|:)\s*:?\s*([^\n]{1,80}?)(?=\s*(?:\.\s|\.$|\n|$))|答案(?:是|为|：|:)\s*([^\n。，,；;]{1,60})/gi;

// "the answer is correct / as follows / not …": a sentence about the answer, not an answer.
const NOT_AN_ANSWER =
  /^(?:correct|incorrect|right|wrong|not\b|consistent|valid|reasonable|as follows|below|above|given|the same|indeed|therefore|then)/i;

/**
 * Distinct answers a trace states: every `\boxed{}` plus "the answer is …" phrases (without a box in
 * them), and apart from them the distinct contents of its boxes alone.
 */
export function statedAnswers(text: string): { distinct: number; boxed: number } {
  const keys = new Set<string>();
  for (const b of findBoxes(text)) {
    const k = answerKey(b.content);
    if (k) keys.add(k);
  }
  const boxed = keys.size;
  STATED.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = STATED.exec(text)) !== null) {
    const raw = (m[1] ?? m[2] ?? '').trim();
    if (!raw || /\\(?:boxed|fbox)/.test(raw) || NOT_AN_ANSWER.test(raw)) continue;
    const k = answerKey(raw);
    if (k) keys.add(k);
  }
  return { distinct: keys.size, boxed };
}
