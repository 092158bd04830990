/**
 * Keeps reasoning apart from the answer whichever way a server sends it:
 * - a separate field (`reasoning_content`: vLLM reasoning parsers and DeepSeek; `reasoning`: OpenRouter,
 *   newer vLLM), accumulated from the stream deltas by the caller;
 * - `<think>…</think>` inside the content;
 * - only `</think>` in the content, when the chat template already put `<think>` into the prompt
 *   (DeepSeek-R1 distills, QwQ);
 * - not at all: reasoning is null and the whole text is the answer.
 */
export interface SplitText {
  readonly reasoning: string | null;
  readonly answer: string | null;
}

const OPEN = '<think>';
const CLOSE = '</think>';

export function splitReasoning(content: string | null, reasoningField: string | null): SplitText {
  const text = content ?? '';
  const field = reasoningField && reasoningField.length > 0 ? reasoningField : null;
  const close = text.indexOf(CLOSE);
  if (close >= 0) {
    const before = stripOpen(text.slice(0, close));
    const after = text.slice(close + CLOSE.length).replace(/^\s+/, '');
    const reasoning = field ? `${field}${before ? `\n${before}` : ''}` : before;
    return { reasoning, answer: after.length ? after : null };
  }
  const open = text.indexOf(OPEN);
  if (open >= 0 && text.slice(0, open).trim() === '') {
    // An opened but never closed block: the generation stopped (usually `length`) while still thinking.
    const inside = text.slice(open + OPEN.length).replace(/^\s+/, '');
    return { reasoning: field ? `${field}\n${inside}` : inside, answer: null };
  }
  if (field) return { reasoning: field, answer: text.length ? text : null };
  return { reasoning: null, answer: text.length ? text : null };
}

function stripOpen(s: string): string {
  const t = s.replace(/^\s+/, '');
  return (t.startsWith(OPEN) ? t.slice(OPEN.length) : t).trim();
}
