import { W2sError } from '../errors';
import type { Store } from '../store/open';

export type ApiStyle = 'chat' | 'completions';

/** A prompt template: `{problem}` in `user` (and optionally `system`) is replaced by the question. */
export interface PromptTemplate {
  readonly name: string;
  readonly api: ApiStyle;
  readonly system?: string | null;
  readonly user: string;
}

export type ChatMessage = { readonly role: 'system' | 'user'; readonly content: string };

/** What is sent: chat messages or a raw completion prompt; `stored` is the exact text kept with the trace. */
export type RenderedPrompt =
  | { readonly api: 'chat'; readonly messages: ChatMessage[]; readonly stored: string }
  | { readonly api: 'completions'; readonly prompt: string; readonly stored: string };

const STEP_BY_STEP = 'Please reason step by step, and put your final answer within \\boxed{}.';

/** The W2SR templates, verbatim from the paper's code (shared/notes/w2sr-recipe.md). */
export const BUILTIN_TEMPLATES: readonly PromptTemplate[] = [
  { name: 'qwen-base', api: 'chat', system: 'You are a helpful assistant.', user: `{problem}\n${STEP_BY_STEP}` },
  { name: 'qwen-instruct', api: 'chat', system: STEP_BY_STEP, user: '{problem}' },
  {
    name: 'simple',
    api: 'completions',
    system: null,
    user: "Question:\n{problem}\nAnswer:\nLet's think step by step. ",
  },
];

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkTemplate(t: PromptTemplate): void {
  if (!NAME.test(t.name)) {
    throw new W2sError(
      `"${t.name}" is not a valid template name: letters, digits, ".", "_" or "-" (up to 64).`,
      'BAD_TEMPLATE',
    );
  }
  if (t.api !== 'chat' && t.api !== 'completions') {
    throw new W2sError(
      `Template "${t.name}": api must be "chat" or "completions", not "${String(t.api)}".`,
      'BAD_TEMPLATE',
    );
  }
  if (!t.user.includes('{problem}') && !(t.system ?? '').includes('{problem}')) {
    throw new W2sError(
      `Template "${t.name}" has no {problem} placeholder: add {problem} where the question goes.`,
      'BAD_TEMPLATE',
    );
  }
  if (t.api === 'completions' && t.system) {
    throw new W2sError(
      `Template "${t.name}": a completions template has no system prompt; put it in the text itself.`,
      'BAD_TEMPLATE',
    );
  }
}

/** Replaces every `{problem}` (split/join: the question may contain `$` patterns that replace() would expand). */
function fill(text: string, problem: string): string {
  return text.split('{problem}').join(problem);
}

export function renderPrompt(t: PromptTemplate, problem: string): RenderedPrompt {
  if (t.api === 'completions') {
    const prompt = fill(t.user, problem);
    return { api: 'completions', prompt, stored: prompt };
  }
  const messages: ChatMessage[] = [];
  if (t.system) messages.push({ role: 'system', content: fill(t.system, problem) });
  messages.push({ role: 'user', content: fill(t.user, problem) });
  // Chat prompts are stored as the JSON messages array: the exact request, not a guess at the chat template.
  return { api: 'chat', messages, stored: JSON.stringify(messages) };
}

/** Built-in templates, then the workspace's own (which may not shadow a built-in name). */
export function listTemplates(store: Store | undefined): PromptTemplate[] {
  const user = store
    ? (store.db.prepare('SELECT name, api, system, user FROM templates ORDER BY name').all() as PromptTemplate[])
    : [];
  return [...BUILTIN_TEMPLATES, ...user.filter((u) => !BUILTIN_TEMPLATES.some((b) => b.name === u.name))];
}

export function requireTemplate(store: Store | undefined, name: string): PromptTemplate {
  const t = listTemplates(store).find((x) => x.name === name);
  if (!t) {
    throw new W2sError(
      `No template named "${name}". Built-in: ${BUILTIN_TEMPLATES.map((b) => b.name).join(', ')}; ` +
        `add your own with {problem} (W2S: Sample Traces… → "New template…", or store one with saveTemplate).`,
      'NO_TEMPLATE',
    );
  }
  return t;
}

/** Stores (or updates) a workspace template. */
export function saveTemplate(store: Store, t: PromptTemplate): void {
  checkTemplate(t);
  if (BUILTIN_TEMPLATES.some((b) => b.name === t.name)) {
    throw new W2sError(`"${t.name}" is a built-in template; choose another name.`, 'BAD_TEMPLATE');
  }
  store.db
    .prepare(
      'INSERT INTO templates (name, api, system, user) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET api = excluded.api, system = excluded.system, user = excluded.user',
    )
    .run(t.name, t.api, t.system ?? null, t.user);
}
