import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import { resolveStorePath, openStore, type Store } from '../core/store/open';
import { storeFailure } from '../core/store/store-errors';
import { stripTerminalControls } from '../core/untrusted-text';
import type { CliContext, Command, OptionSpec } from './command';
import { COMMANDS } from './commands';
import { createProgress } from './progress';
import { UsageError } from './usage-error';

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  db: { type: 'string', description: 'store file (default: $W2S_DB or .w2s/w2s.db)', valueName: 'PATH' },
  json: { type: 'boolean', description: 'print one JSON document on stdout; progress and logs go to stderr' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

export interface CliIo {
  readonly argv: string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly signal: AbortSignal;
  /** Where a confirmation is answered, opened only when one is asked; only a terminal is asked. */
  readonly stdin?: () => NodeJS.ReadStream | undefined;
}

export async function runCli(io: CliIo): Promise<number> {
  const [first, ...afterFirst] = io.argv;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    const target = first === 'help' ? afterFirst.slice(0, 2).join(' ') : undefined;
    const cmd = target
      ? (COMMANDS.find((c) => c.name === target) ?? COMMANDS.find((c) => c.name === afterFirst[0]))
      : undefined;
    const group = !cmd && afterFirst[0] ? groupOf(afterFirst[0]) : [];
    io.stdout.write(cmd ? commandHelp(cmd) : group.length ? groupHelp(afterFirst[0]!, group) : mainHelp());
    return first ? 0 : 2;
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  // Two-word commands ("jobs sft", "cluster check") are found by their group, then their verb.
  let name = first;
  let rest = afterFirst;
  const group = groupOf(first);
  // A group may also be a command of its own ("runs" lists, "runs delete" deletes): with no verb, or only
  // options after it, the word alone is that command.
  const bare = COMMANDS.find((c) => c.name === first);
  if (group.length && !(bare && (afterFirst.length === 0 || afterFirst[0]!.startsWith('-')))) {
    const verb = afterFirst[0];
    const cmd = verb ? COMMANDS.find((c) => c.name === `${first} ${verb}`) : undefined;
    if (!cmd) {
      if (!verb || verb.startsWith('-')) {
        io.stdout.write(groupHelp(first, group));
        return verb === '--help' || verb === '-h' ? 0 : 2;
      }
      io.stderr.write(
        `w2s ${first}: unknown command "${verb}" (${group.map((c) => c.name.split(' ')[1]).join(', ')}). Run "w2s ${first} --help".\n`,
      );
      return 2;
    }
    name = cmd.name;
    rest = afterFirst.slice(1);
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`w2s: unknown command "${name}". Run "w2s --help" for the list.\n`);
    return 2;
  }
  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    const parsed = parseArgs({
      args: rest,
      options: stripDescriptions({ ...GLOBAL_OPTIONS, ...command.options }),
      allowPositionals: true,
      strict: true,
    });
    values = parsed.values as typeof values;
    positionals = parsed.positionals;
  } catch (e) {
    io.stderr.write(
      `w2s ${name}: ${(e as Error).message}\nUsage: w2s ${name} ${command.usage}\nRun "w2s ${name} --help" for details.\n`,
    );
    return 2;
  }
  if (values.help) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  const pos = command.positionals ?? { min: 0, max: 0 };
  if (positionals.length < pos.min || positionals.length > pos.max) {
    io.stderr.write(
      `w2s ${name}: expected ${pos.min === pos.max ? pos.min : `${pos.min} to ${pos.max}`} argument(s), got ${positionals.length}.\n` +
        `Usage: w2s ${name} ${command.usage}\n`,
    );
    return 2;
  }

  const json = Boolean(values.json);
  const storePath = resolveStorePath(values.db as string | undefined, io.cwd, io.env);
  let store: Store | undefined;
  const ctx: CliContext = {
    cwd: io.cwd,
    env: io.env,
    json,
    storePath,
    store: () => (store ??= openStore(storePath)),
    // read-only: a listing command never creates, migrates or changes a store (nor another app's file)
    existingStore: () =>
      store || fs.existsSync(storePath) ? (store ??= openStore(storePath, { readonly: true })) : undefined,
    progress: (label) => createProgress(io.stderr, label),
    signal: io.signal,
    // what reaches the terminal may quote a server or the store: no escape sequence gets through
    print: (line) => {
      if (!json) io.stdout.write(`${stripTerminalControls(line)}\n`);
    },
    warn: (line) => io.stderr.write(`${stripTerminalControls(line)}\n`),
    confirm: (question) => askYesNo(io, question),
  };
  try {
    const result = await command.run(values, positionals, ctx);
    if (json) io.stdout.write(`${JSON.stringify(result.json, null, 2)}\n`);
    return result.exitCode ?? 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`w2s ${name}: ${e.message}\nUsage: w2s ${name} ${command.usage}\n`);
      return 2;
    }
    // expected failures (a locked, read-only or full store…) arrive as W2sError or are mapped to one
    const known = storeFailure(e, storePath);
    if (known) {
      io.stderr.write(`w2s ${name}: error: ${stripTerminalControls(known.message)}\n`);
      if (json)
        io.stdout.write(`${JSON.stringify({ error: { code: known.code, message: known.message } }, null, 2)}\n`);
      return 1;
    }
    io.stderr.write(
      `w2s ${name}: unexpected error (please report it): ${stripTerminalControls((e as Error)?.stack ?? String(e))}\n`,
    );
    return 1;
  } finally {
    store?.close();
  }
}

async function askYesNo(io: CliIo, question: string): Promise<boolean> {
  const input = io.stdin?.();
  if (!input?.isTTY || !io.stderr.isTTY) return false;
  const rl = readline.createInterface({ input, output: io.stderr });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

declare const W2S_VERSION: string | undefined;
const VERSION = typeof W2S_VERSION === 'string' ? W2S_VERSION : 'dev';

function stripDescriptions(options: Record<string, OptionSpec>) {
  return Object.fromEntries(
    Object.entries(options).map(([k, { description: _d, valueName: _v, ...rest }]) => [k, rest]),
  ) as NonNullable<Parameters<typeof parseArgs>[0]>['options'];
}

function groupOf(word: string): Command[] {
  return COMMANDS.filter((c) => c.name.startsWith(`${word} `));
}

function groupHelp(word: string, group: Command[]): string {
  const width = Math.max(...group.map((c) => c.name.length));
  return [
    `w2s ${word} — commands:`,
    '',
    ...group.map((c) => `  w2s ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Run "w2s ${word} VERB --help" for one of them.`,
    '',
  ].join('\n');
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'w2s — W2S Studio on the command line: weak-to-strong reasoning data curation.',
    '',
    'Usage: w2s <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --db PATH (default $W2S_DB or .w2s/w2s.db), --json and --help.',
    'Exit codes: 0 success, 1 failure, 2 bad usage.',
    '',
  ].join('\n');
}

function commandHelp(c: Command): string {
  const all = { ...c.options, ...GLOBAL_OPTIONS };
  const rows = Object.entries(all).map(([k, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${k}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    return [flag, o.description + (o.multiple ? ' (repeatable)' : '')] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  return [
    `w2s ${c.name} — ${c.summary}`,
    '',
    `Usage: w2s ${c.name} ${c.usage}`,
    ...(c.details ? ['', c.details] : []),
    '',
    'Options:',
    ...rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`),
    '',
  ].join('\n');
}
