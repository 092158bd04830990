/** Multiple-choice letters: extraction from a response and normalisation of a gold letter. */
import { lastBoxed } from './latex';

const LETTERS = 'A-J';

/** The letter of a short choice string: "B", "(B)", "\textbf{(B)} 12", "B: 12", "Option B". */
export function choiceLetterOf(s: string): string | null {
  const t = s
    .replace(/\\(?:text|textbf|mathrm|mathbf|textit)\s*\{([^{}]*)\}/g, '$1')
    .replace(/\\[,;:! ]|~|\$|\*\*/g, ' ')
    .replace(/^\s*(?:option|choice|answer)\s*[:：]?\s*/i, '')
    .trim();
  const m = new RegExp(`^\\(?\\s*([${LETTERS}])\\s*\\)?(?![a-zA-Z0-9])`).exec(t);
  return m ? m[1] : null;
}

/** The chosen letter in a response: boxed → "answer is / Answer:" → last "(X)" → a lone letter line. */
export function extractChoice(text: string): string | null {
  const box = lastBoxed(text);
  if (box) {
    const l = choiceLetterOf(box.content);
    if (l) return l;
  }
  const ans = new RegExp(
    `[Aa]nswer(?:\\s+is)?\\s*(?:[:：]|\\bis\\b)?\\s*(?:option\\s+|choice\\s+)?\\**\\s*\\$?\\\\?(?:text|textbf)?\\{?\\(?([${LETTERS}])\\)?(?![a-zA-Z0-9])`,
    'g',
  );
  let last: string | null = null;
  for (const m of text.matchAll(ans)) last = m[1];
  if (last) return last;
  const paren = new RegExp(`\\(([${LETTERS}])\\)`, 'g');
  for (const m of text.matchAll(paren)) last = m[1];
  if (last) return last;
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const tail = lines[lines.length - 1];
  if (tail) {
    const m = new RegExp(`^[^a-zA-Z0-9]*([${LETTERS}])[^a-zA-Z0-9]*$`).exec(tail);
    if (m) return m[1];
  }
  return null;
}
