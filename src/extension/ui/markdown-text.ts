/**
 * Store text (run and set names, model ids, server errors, file paths) placed in a markdown tooltip is
 * text, never markup: every ASCII punctuation character is backslash-escaped (CommonMark §2.4 allows
 * exactly those), so no emphasis, link, image, autolink, heading, list or HTML can come out of it, and
 * line breaks become spaces so no block can start. No vscode import: unit tests render it.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** Store text in a hover or tooltip line: escaped, and cut at `max` characters so the line stays short. */
export function shortMarkdownText(text: string, max = 80): string {
  return escapeMarkdown(text.length > max ? `${text.slice(0, max)}…` : text);
}

/** A grade's verdict as one mark in a hover line. */
export const VERDICT_MARK = { correct: '✓', incorrect: '✗', 'no-answer': '∅', error: '⚠' } as const;

/** Markdown from trusted structure and escaped text: `md\`**${name}**\`` escapes `name`. */
export function md(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? escapeMarkdown(String(values[i])) : ''), '');
}

/**
 * Notification messages turn `[label](target)` into links, `command:` targets included: text from a
 * server or the store shown there has that syntax broken (a space between `]` and `(`).
 */
export function noLinks(text: string): string {
  return text.replace(/\]\s*\(/g, '] (');
}
