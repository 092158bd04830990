import type { ParseArgsConfig } from 'node:util';
import type { Store } from '../core/store/open';
import type { Progress } from './progress';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { description: string; valueName?: string };

export interface CliContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly json: boolean;
  /** The store named by --db / W2S_DB / the default; opened on first use. */
  store(): Store;
  /** The store if its file exists; listing commands never create one. */
  existingStore(): Store | undefined;
  readonly storePath: string;
  progress(label: string): Progress;
  /** Aborted on the first Ctrl-C: long commands stop cleanly and keep what they stored. */
  readonly signal: AbortSignal;
  /** Human-readable output (stdout); suppressed under --json. */
  print(line: string): void;
  /** Notes and warnings (stderr). */
  warn(line: string): void;
  /** Asks a yes/no question on a terminal; false without one (scripts pass --yes instead). */
  confirm(question: string): Promise<boolean>;
}

export interface CommandResult {
  /** The single JSON document printed for --json. */
  readonly json: unknown;
  /** Exit code; 0 unless the command completed with a failure worth signalling. */
  readonly exitCode?: number;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** e.g. "FILE --set NAME [--replace]" */
  readonly usage: string;
  readonly options: Record<string, OptionSpec>;
  readonly positionals?: { min: number; max: number };
  readonly details?: string;
  run(
    values: Record<string, string | boolean | string[] | undefined>,
    positionals: string[],
    ctx: CliContext,
  ): Promise<CommandResult>;
}
