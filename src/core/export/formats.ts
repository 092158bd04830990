import { W2sError } from '../errors';

/**
 * The three SFT layouts and their LLaMA-Factory `dataset_info.json` entries, as LLaMA-Factory's
 * data/README.md (hiyouga/LLaMA-Factory) describes them and its parser (src/llamafactory/data/parser.py)
 * reads them. Note that once an entry has `columns`, the parser sets every column it does not name to
 * None, so each entry names all the columns its records use.
 */
export const EXPORT_FORMATS = ['openai', 'sharegpt', 'alpaca'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function checkFormat(s: string): ExportFormat {
  if ((EXPORT_FORMATS as readonly string[]).includes(s)) return s as ExportFormat;
  throw new W2sError(`Unknown format "${s}" (formats: ${EXPORT_FORMATS.join(', ')}).`, 'BAD_FORMAT');
}

export interface SftExample {
  readonly system: string | null;
  readonly user: string;
  readonly assistant: string;
}

/** One record of a format. */
export function formatRecord(format: ExportFormat, e: SftExample): Record<string, unknown> {
  switch (format) {
    case 'openai':
      // OpenAI chat fine-tuning layout; LLaMA-Factory: "a special case of the sharegpt format"
      return {
        messages: [
          ...(e.system ? [{ role: 'system', content: e.system }] : []),
          { role: 'user', content: e.user },
          { role: 'assistant', content: e.assistant },
        ],
      };
    case 'sharegpt':
      return {
        conversations: [
          { from: 'human', value: e.user },
          { from: 'gpt', value: e.assistant },
        ],
        ...(e.system ? { system: e.system } : {}),
      };
    case 'alpaca':
      return { instruction: e.user, input: '', output: e.assistant, ...(e.system ? { system: e.system } : {}) };
  }
}

const q = JSON.stringify;

/**
 * One record as a JSON line, byte for byte what `JSON.stringify(formatRecord(format, e))` gives (a test
 * holds it to that) but without building the object first: this runs once per exported trace.
 */
export function formatLine(format: ExportFormat, e: SftExample): string {
  switch (format) {
    case 'openai':
      return `{"messages":[${e.system ? `{"role":"system","content":${q(e.system)}},` : ''}{"role":"user","content":${q(e.user)}},{"role":"assistant","content":${q(e.assistant)}}]}`;
    case 'sharegpt':
      return `{"conversations":[{"from":"human","value":${q(e.user)}},{"from":"gpt","value":${q(e.assistant)}}]${e.system ? `,"system":${q(e.system)}` : ''}}`;
    case 'alpaca':
      return `{"instruction":${q(e.user)},"input":"","output":${q(e.assistant)}${e.system ? `,"system":${q(e.system)}` : ''}}`;
  }
}

/** The `dataset_info.json` entry for a file of this format (file_name relative to the file's folder). */
export function datasetInfoEntry(format: ExportFormat, fileName: string): Record<string, unknown> {
  switch (format) {
    case 'openai':
      return {
        file_name: fileName,
        formatting: 'sharegpt',
        columns: { messages: 'messages' },
        tags: {
          role_tag: 'role',
          content_tag: 'content',
          user_tag: 'user',
          assistant_tag: 'assistant',
          system_tag: 'system',
        },
      };
    case 'sharegpt':
      return { file_name: fileName, formatting: 'sharegpt', columns: { messages: 'conversations', system: 'system' } };
    case 'alpaca':
      return {
        file_name: fileName,
        columns: { prompt: 'instruction', query: 'input', response: 'output', system: 'system' },
      };
  }
}

/** How the reasoning is kept in the assistant turn. */
export type ReasoningMode = 'think' | 'plain';

/**
 * The assistant's text: `<think>\n…\n</think>\n\n` then the answer (the layout of DeepSeek-R1 / QwQ
 * chat templates), or the reasoning as plain chain of thought before the answer. A trace without
 * separate reasoning (a base model's CoT is all in the answer) is its answer either way.
 */
export function assistantText(reasoning: string | null, answer: string | null, mode: ReasoningMode): string {
  const a = answer ?? '';
  if (!reasoning) return a;
  return mode === 'think' ? `<think>\n${reasoning}\n</think>\n\n${a}` : `${reasoning}\n\n${a}`;
}
