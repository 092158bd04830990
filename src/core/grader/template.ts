/**
 * What chat templates and RL prompt formats leave in a response, read away before extraction (policies in
 * docs/grader-formats.md): special tokens of the common chat templates (ChatML/Qwen `<|im_end|>`, Llama 3
 * `<|eot_id|>`, DeepSeek `<｜end▁of▁sentence｜>`, Mistral/Llama 2 `</s>`, Gemma `<end_of_turn>`, Phi-3
 * `<|end|>`, gpt-oss harmony channels), and the answer tags of RL templates (DeepSeek-R1-Zero's
 * `<answer>…</answer>`, Sky-T1's `<|begin_of_solution|>…<|end_of_solution|>`, `<SOLUTION>…</SOLUTION>`).
 * Every function is linear in the response and costs a few `indexOf` calls when there is nothing to do.
 */

/** `<|name|>` tokens (ASCII bars, or the full-width bars of DeepSeek's tokenizer), names of letters, digits, `_`, `▁`, `.`, `-`. */
const BAR_TOKEN = /<[|｜](?!(?:begin|end)_of_(?:thought|solution)[|｜])[A-Za-z0-9_▁.\-]{1,40}[|｜]>/g;
/** Tokens that end the assistant's turn: what follows is no longer the answer. */
const END_OF_TURN =
  /<[|｜](?:im_end|eot_id|eom_id|end_of_text|endoftext|end|return|end▁of▁sentence)[|｜]>|<\/s>|<end_of_turn>|<eos>/g;
/** Role headers a response may start with when decoded with its template: `<|im_start|>assistant`, Llama 3, Gemma, harmony. */
const ROLE_HEADER =
  /<\|im_start\|>\s*(?:assistant|user|system)?|<\|start_header_id\|>\s*(?:assistant|user|system)?\s*<\|end_header_id\|>|<start_of_turn>\s*(?:model|user)?|<\|start\|>\s*assistant|<[|｜]Assistant[|｜]>|<s>|\[\/?INST\]/g;

const HARMONY_FINAL = /<\|channel\|>\s*final\s*(?:<\|constrain\|>[^<]*)?<\|message\|>/g;

/** What may follow `<` in a marker this module or the reasoning rule reads (lower-cased). */
const AFTER_LT = [
  'think',
  '/think',
  '|',
  '｜',
  'answer',
  '/answer',
  'reasoning',
  '/reasoning',
  'start_working_out',
  'end_working_out',
  'solution',
  '/solution',
  's>',
  '/s>',
  'eos>',
  'start_of_turn',
  'end_of_turn',
];

/**
 * Whether a response holds any tag, template token or reasoning marker at all. One `indexOf` pass over
 * its `<` signs: most responses hold none (or only inequalities), and then nothing else is scanned.
 */
export function holdsMarkers(s: string): boolean {
  for (let i = s.indexOf('<'); i >= 0; i = s.indexOf('<', i + 1)) {
    const next = s.slice(i + 1, i + 18).toLowerCase();
    if (AFTER_LT.some((m) => next.startsWith(m))) return true;
  }
  return s.includes('INST]');
}

/** Whether a text may hold any template token (cheap test: most responses hold none). */
function mayHoldTokens(s: string): boolean {
  return (
    s.includes('<|') ||
    s.includes('<｜') ||
    s.includes('</s>') ||
    s.includes('<s>') ||
    s.includes('_of_turn>') ||
    s.includes('<eos>') ||
    s.includes('INST]')
  );
}

/**
 * A response without chat-template debris, or null when it is a harmony (gpt-oss) reply that never reached
 * its `final` channel (reasoning only, like an unclosed `<think>`). The answer is the text up to the first
 * end-of-turn token that has text before it (a model that runs past its end token writes the next turn).
 */
export function stripTemplateTokens(response: string): string | null {
  let s = response;
  if (!mayHoldTokens(s)) return s;
  if (s.includes('<|channel|>')) {
    let last = -1;
    for (const m of s.matchAll(HARMONY_FINAL)) last = m.index + m[0].length;
    if (last < 0) return null;
    s = s.slice(last);
  }
  s = s.replace(ROLE_HEADER, ' ');
  // keep the first stretch that says something
  let from = 0;
  for (const m of s.matchAll(END_OF_TURN)) {
    if (s.slice(from, m.index).trim()) {
      s = s.slice(0, m.index);
      break;
    }
    from = m.index + m[0].length;
  }
  s = s.slice(from);
  return s.replace(BAR_TOKEN, ' ');
}

/**
 * A response cut before the next turn it invents in a plain-text template: DeepSeek-R1-Zero's prompt is
 * "User: {question}. Assistant:", and a model that does not stop goes on with "User: …" and
 * "Assistant: …" lines of its own. Only when a line starting `User:` is followed by a line starting
 * `Assistant:`, so a response that merely mentions a user is read whole.
 */
export function cutInventedTurn(response: string): string {
  const user = response.indexOf('\nUser:');
  if (user < 0) return response;
  return response.includes('\nAssistant:', user) ? response.slice(0, user) : response;
}

/** Tags whose content is the answer, by template. */
const ANSWER_TAGS: { open: RegExp; close: string }[] = [
  // DeepSeek-R1-Zero (arXiv 2501.12948, table 1), and the GRPO templates built on it
  { open: /<answer>/gi, close: '</answer>' },
  // Sky-T1 / Bespoke-Stratos / OpenThoughts system prompt
  { open: /<\|begin_of_solution\|>/g, close: '<|end_of_solution|>' },
  // Unsloth's GRPO notebooks (`<start_working_out>` … `<SOLUTION>…</SOLUTION>`)
  { open: /<solution>/gi, close: '</solution>' },
];

/**
 * The content of the last answer tag of a response (`<answer> 84 </answer>`), or null when it has none.
 * An answer tag left open at the end is read to the end: generation often stops on `</answer>` as a stop
 * string, which the server leaves out.
 */
export function answerTagContent(text: string): string | null {
  if (!text.includes('<')) return null;
  let best: { at: number; content: string } | null = null;
  for (const tag of ANSWER_TAGS) {
    let open = -1;
    let openLen = 0;
    for (const m of text.matchAll(tag.open)) {
      open = m.index;
      openLen = m[0].length;
    }
    if (open < 0 || (best && best.at > open)) continue;
    const from = open + openLen;
    const lower = text.slice(from).toLowerCase();
    const close = lower.indexOf(tag.close.toLowerCase());
    best = { at: open, content: close < 0 ? text.slice(from) : text.slice(from, from + close) };
  }
  return best && best.content.trim() ? best.content : null;
}
