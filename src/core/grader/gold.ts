/**
 * Reading gold answers: kept apart from grade.ts so that importers (and the extension host) can use them
 * without loading the CAS.
 */
import { findBoxes, stripMathDelimiters } from './latex';
import { normalizeMath } from './normalize';
import { parsePlainNumber } from './numbers';
import type { AnswerType } from './types';

/**
 * The gold answer of a bare answer or of a whole reference solution: the last `\boxed{}` of a
 * solution (MATH `solution`; alone, as MATH's own `last_boxed_only_string` reads it — a response's
 * nearby boxes are joined, a reference solution's earlier boxes are its working), the part after `####`
 * (GSM8K `answer`), else the trimmed text.
 */
export function goldAnswerOf(goldOrSolution: string): string {
  const s = String(goldOrSolution);
  const boxed = solutionAnswer(s);
  if (boxed) return boxed;
  const hash = s.lastIndexOf('####');
  if (hash >= 0) return s.slice(hash + 4).trim();
  return stripMathDelimiters(s.trim());
}

/** The answer of a reference solution: its last `\boxed{}` alone (MATH's `last_boxed_only_string`), or null. */
export function solutionAnswer(solution: string): string | null {
  return findBoxes(solution).at(-1)?.content.trim() || null;
}

/** A lone letter A–E is a choice, a plain number a number, prose text, anything else math. */
export function inferAnswerType(gold: string): AnswerType {
  const g = stripMathDelimiters(gold.trim());
  if (/^\(?[A-E]\)?$/.test(g)) return 'choice';
  if (/^[-+]?\\?\$?\s*(?:[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.\d+)?$/.test(g) || /^[-+]?\.\d+$/.test(g)) return 'number';
  // Normalising is the costly step and only matters for numbers dressed in units, currency or percent;
  // an answer with fractions, roots, relations or brackets is never a plain number.
  if (!/\\(?:[dt]?frac|sqrt|pi|infty|cdot|times|le|ge|in)\b|[_=<>()[\]]/.test(g) && g.length < 200) {
    try {
      const n = normalizeMath(g);
      if (parsePlainNumber(n) && /^[-+]?[\d.,]+$/.test(n)) return 'number';
    } catch {
      // a hostile answer (nested too deeply) is graded as math, where the grader reports it
    }
  }
  const words = g.replace(/\\(?:text|textbf|mathrm)\s*\{([^{}]*)\}/g, '$1');
  if (!/[\\^_{}=<>()[\]\d]/.test(words) && /[a-zA-Z]{3,}/.test(words)) return 'text';
  return 'math';
}
