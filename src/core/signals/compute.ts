import { findBoxes } from '../grader/latex';
import { SIGNALS, SIGNALS_VERSION, type SignalName, type SignalValues, type TraceSignals } from './definitions';
import { foreignLetters, problemScript, repetitionTail, textAfterFinalBox } from './failure';
import { backtrackingMarkers, reflectionMarkers, statedAnswers, verificationMarkers } from './style';
import { tokenCounts } from './tokens';

export interface SignalInput {
  readonly question: string;
  readonly reasoning: string | null;
  readonly answer: string | null;
  readonly finishReason: string | null;
  readonly completionTokens: number | null;
}

/**
 * Every signal of one trace. Style markers and answers are read over the whole trace (reasoning and
 * answer); the box signals over the answer the grader reads (a trace cut off in its reasoning has none).
 */
export function computeSignals(t: SignalInput): TraceSignals {
  const answer = t.answer ?? '';
  const whole = t.reasoning ? `${t.reasoning}\n${answer}` : answer;
  const tokens = tokenCounts(t.reasoning, t.answer, t.completionTokens);
  const mixing = foreignLetters(whole, problemScript(t.question));
  const lower = whole.toLowerCase();
  const stated = statedAnswers(whole);
  const values: SignalValues = {
    reflection: reflectionMarkers(lower),
    verification: verificationMarkers(lower),
    backtracking: backtrackingMarkers(lower),
    answers: stated.distinct,
    repetition: repetitionTail(whole),
    'mixed-language': mixing.letters,
    'after-box': textAfterFinalBox(answer),
    'multi-boxed': stated.boxed,
    truncated: t.finishReason === 'length' ? 1 : 0,
    'no-box': findBoxes(answer).length === 0 ? 1 : 0,
    'reasoning-tokens': tokens.reasoning,
    'answer-tokens': tokens.answer,
  };
  let flags = 0;
  const present: SignalName[] = [];
  for (const s of SIGNALS) {
    if (s.bit === null) continue;
    const on = s.name === 'mixed-language' ? mixing.present : values[s.name] >= s.presentAt;
    if (on) {
      flags |= 1 << s.bit;
      present.push(s.name);
    }
  }
  return { version: SIGNALS_VERSION, values, present, flags, tokens };
}
