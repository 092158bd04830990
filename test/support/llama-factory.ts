import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * How LLaMA-Factory reads a dataset from `dataset_info.json`, transcribed for the tests (Python cannot
 * run here): hiyouga/LLaMA-Factory src/llamafactory/data/parser.py (`DatasetAttr`, `get_dataset_list`:
 * defaults, and once `columns` is given every column it does not name becomes None), the loader's
 * `FILEEXT2TYPE` (a `.jsonl` file is read by the `json` builder, one object a line) and
 * src/llamafactory/data/converter.py (`AlpacaDatasetConverter`, `SharegptDatasetConverter`: the role
 * tags alternate user/assistant, a first system message becomes the system prompt, a broken example
 * becomes empty and is skipped). data/README.md documents the same shapes.
 */
interface Attr {
  file_name: string;
  formatting: 'alpaca' | 'sharegpt';
  system: string | null;
  prompt: string | null;
  query: string | null;
  response: string | null;
  history: string | null;
  messages: string | null;
  role_tag: string;
  content_tag: string;
  user_tag: string;
  assistant_tag: string;
  observation_tag: string;
  function_tag: string;
  system_tag: string;
}

export interface Converted {
  prompt: { role: string; content: string }[];
  response: { role: string; content: string }[];
  system: string;
}

function datasetAttr(info: Record<string, unknown>, name: string): Attr {
  const entry = info[name] as Record<string, unknown> | undefined;
  if (!entry) throw new Error(`Undefined dataset ${name} in dataset_info.json.`);
  if (typeof entry.file_name !== 'string') throw new Error(`${name}: no file_name`);
  const attr: Attr = {
    file_name: entry.file_name,
    formatting: (entry.formatting as Attr['formatting']) ?? 'alpaca',
    system: null,
    prompt: 'instruction',
    query: 'input',
    response: 'output',
    history: null,
    messages: 'conversations',
    role_tag: 'from',
    content_tag: 'value',
    user_tag: 'human',
    assistant_tag: 'gpt',
    observation_tag: 'observation',
    function_tag: 'function_call',
    system_tag: 'system',
  };
  if (attr.formatting !== 'alpaca' && attr.formatting !== 'sharegpt')
    throw new Error(`${name}: unknown formatting ${String(attr.formatting)}`);
  if (entry.columns) {
    const columns = entry.columns as Record<string, string>;
    const names = [
      'system',
      'tools',
      'images',
      'chosen',
      'rejected',
      'kto_tag',
      ...(attr.formatting === 'alpaca' ? ['prompt', 'query', 'response', 'history'] : ['messages']),
    ];
    for (const c of names)
      if (c in attr || c in columns) (attr as unknown as Record<string, unknown>)[c] = columns[c] ?? null;
  }
  if (attr.formatting === 'sharegpt' && entry.tags) {
    const tags = entry.tags as Record<string, string>;
    for (const t of [
      'role_tag',
      'content_tag',
      'user_tag',
      'assistant_tag',
      'observation_tag',
      'function_tag',
      'system_tag',
    ]) {
      (attr as unknown as Record<string, unknown>)[t] = tags[t] ?? null;
    }
  }
  return attr;
}

function convert(attr: Attr, ex: Record<string, unknown>): Converted {
  if (attr.formatting === 'alpaca') {
    const query: string[] = [];
    if (attr.prompt && ex[attr.prompt]) query.push(ex[attr.prompt] as string);
    if (attr.query && ex[attr.query]) query.push(ex[attr.query] as string);
    const response =
      attr.response && typeof ex[attr.response] === 'string'
        ? [{ role: 'assistant', content: ex[attr.response] as string }]
        : [];
    return {
      prompt: [{ role: 'user', content: query.join('\n') }],
      response,
      system: attr.system ? ((ex[attr.system] as string | undefined) ?? '') : '',
    };
  }
  const map: Record<string, string> = {
    [attr.user_tag]: 'user',
    [attr.assistant_tag]: 'assistant',
    [attr.observation_tag]: 'observation',
    [attr.function_tag]: 'function',
    [attr.system_tag]: 'system',
  };
  const accept = [
    [attr.user_tag, attr.observation_tag],
    [attr.assistant_tag, attr.function_tag],
  ];
  let messages = ex[attr.messages!] as Record<string, string>[];
  let system: string;
  if (attr.system_tag && messages.length && messages[0]![attr.role_tag] === attr.system_tag) {
    system = messages[0]![attr.content_tag]!;
    messages = messages.slice(1);
  } else system = attr.system ? ((ex[attr.system] as string | undefined) ?? '') : '';
  const aligned: { role: string; content: string }[] = [];
  let broken = false;
  messages.forEach((m, i) => {
    if (broken) return;
    if (!accept[i % 2]!.includes(m[attr.role_tag]!)) {
      broken = true;
      return;
    }
    aligned.push({ role: map[m[attr.role_tag]!]!, content: m[attr.content_tag]! });
  });
  if (aligned.length % 2 !== 0) broken = true;
  if (broken) return { prompt: [], response: [], system };
  return { prompt: aligned.slice(0, -1), response: aligned.slice(-1), system };
}

/** Loads dataset `name` from `datasetDir` as LLaMA-Factory would, converted to its internal form. */
export function loadLlamaFactoryDataset(datasetDir: string, name: string): Converted[] {
  const info = JSON.parse(fs.readFileSync(path.join(datasetDir, 'dataset_info.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const attr = datasetAttr(info, name);
  const file = path.join(datasetDir, attr.file_name);
  const ext = path.extname(file).slice(1);
  if (!['arrow', 'csv', 'json', 'jsonl', 'parquet', 'txt'].includes(ext))
    throw new Error(`File extension ${ext} is not supported.`);
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length);
  return lines.map((l) => convert(attr, JSON.parse(l) as Record<string, unknown>));
}
