/**
 * Multiple-choice options: finding them in a question, and the seeded shuffle GPQA-style sets need
 * (upstream GPQA always lists the correct answer first, so an unshuffled import would make "A" right
 * every time).
 */

const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

export interface SplitQuestion {
  readonly stem: string;
  readonly options: string[];
}

/**
 * Finds options A, B, C, D (optionally E…) written as "(A) …", "A) …", "A. …" or "A: …", each at a line
 * start or inline after whitespace, in order. Returns null unless at least A–D are all present.
 */
export function splitOptions(question: string): SplitQuestion | null {
  const marker = (letter: string) => new RegExp(`(^|\\s)\\(?${letter}[).:]\\s+`, 'g');
  const positions: { start: number; contentStart: number }[] = [];
  let from = 0;
  for (const letter of LETTERS) {
    const re = marker(letter);
    re.lastIndex = from;
    let m: RegExpExecArray | null;
    let found: { start: number; contentStart: number } | null = null;
    while ((m = re.exec(question))) {
      found = { start: m.index + m[1]!.length, contentStart: m.index + m[0].length };
      break;
    }
    if (!found) break;
    positions.push(found);
    from = found.contentStart;
  }
  if (positions.length < 4) return null;
  const options = positions.map((p, i) =>
    question.slice(p.contentStart, positions[i + 1]?.start ?? question.length).trim(),
  );
  if (options.some((o) => o === '')) return null;
  return { stem: question.slice(0, positions[0]!.start).trim(), options };
}

export function formatQuestion(stem: string, options: readonly string[]): string {
  return `${stem}\n\n${options.map((o, i) => `(${LETTERS[i]}) ${o}`).join('\n')}`;
}

export function letterOf(index: number): string {
  return LETTERS[index]!;
}

export function indexOfLetter(letter: string): number {
  return LETTERS.indexOf(letter.toUpperCase());
}

/** Deterministic permutation from (seed, key): the same file and seed always give the same options. */
export function seededPermutation(length: number, seed: string, key: string): number[] {
  const rand = mulberry32(fnv1a(`${seed}\u0000${key}`));
  const order = Array.from({ length }, (_, i) => i);
  for (let i = length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mulberry32(a: number): () => number {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
