import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { W2sError } from '../errors';
import type { Store } from '../store/open';
import { BUILTIN_SETS, builtinFile } from './builtin';
import { planFields, toProblem, type FieldOptions } from './fields';
import { readRecords, type SourceFormat, type SourceRecord } from './records';

/** Where a set's problems sit in the file it was imported from. */
export interface ProblemLines {
  /** the file on disk (for a built-in benchmark, its bundled copy) */
  readonly file: string;
  /** the built-in benchmark's id, when the set is one */
  readonly builtin: string | undefined;
  /** 1-based line of each problem, by key */
  readonly lines: ReadonlyMap<string, number>;
  /** the file changed since the import: lines are matched by key and may be off */
  readonly stale: boolean;
}

/** The file a set was imported from: its path, or the bundled file of a built-in benchmark. */
export function problemSetFile(source: string): { file: string; builtin: string | undefined } {
  if (source.startsWith('builtin:')) {
    const b = BUILTIN_SETS.find((x) => `builtin:${x.id}` === source);
    if (!b) throw new W2sError(`Unknown built-in benchmark "${source.slice(8)}" (reinstall W2S Studio).`, 'NO_BUILTIN');
    return { file: builtinFile(b), builtin: b.id };
  }
  return { file: source, builtin: undefined };
}

/**
 * Reads the set's source file again with the import's own field choices and maps each problem key to its
 * line, so editors can point at a problem (the store keeps problems, not line numbers).
 */
export function problemLines(store: Store, setName: string): ProblemLines {
  const row = store.db.prepare('SELECT source, source_hash, options FROM problem_sets WHERE name = ?').get(setName) as
    { source: string; source_hash: string; options: string } | undefined;
  if (!row) throw new W2sError(`No problem set named "${setName}".`, 'NO_SET');
  const { file, builtin } = problemSetFile(row.source);
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch (e) {
    throw new W2sError(
      `${file}: cannot read the file set "${setName}" was imported from (${(e as Error).message}).`,
      'READ_FAILED',
    );
  }
  const { format, ...fieldOptions } = JSON.parse(row.options) as FieldOptions & { format?: SourceFormat };
  const hash = createHash('sha256').update(raw).update(JSON.stringify(fieldOptions)).digest('hex');
  const { records } = readRecords(file, raw.toString('utf8'), { format });
  const all: SourceRecord[] = [];
  const lines = new Map<string, number>();
  try {
    for (const r of records) all.push(r);
  } catch {
    // a file edited into invalid JSON since the import: keep the lines read so far
  }
  if (all.length) {
    const plan = planFields(file, all, fieldOptions);
    for (const r of all) {
      try {
        const p = toProblem(file, r, plan, fieldOptions);
        if (!lines.has(p.key)) lines.set(p.key, r.line);
      } catch {
        // a record broken since the import has no problem to point at
      }
    }
  }
  return { file, builtin, lines, stale: hash !== row.source_hash };
}
