import * as fs from 'node:fs';
import * as path from 'node:path';
import { W2sError } from '../errors';
import { checkTarget, createAtomicFile, writeError, type AtomicFile } from './atomic-file';
import { assistantText, datasetInfoEntry, formatLine, type ExportFormat, type ReasoningMode } from './formats';

/** Where an export writes: the training file, the validation file beside it, LLaMA-Factory's index. */
export interface DatasetPaths {
  readonly train: string;
  /** `NAME.val.jsonl` beside `NAME.jsonl`, when there is a validation split. */
  readonly val: string | null;
  /** `dataset_info.json` in the same folder (merged with what is there). */
  readonly info: string | null;
}

export function datasetPaths(out: string, withVal: boolean, withInfo: boolean): DatasetPaths {
  const abs = path.resolve(out);
  const ext = path.extname(abs);
  const val = withVal ? `${abs.slice(0, abs.length - ext.length)}.val${ext || '.jsonl'}` : null;
  return { train: abs, val, info: withInfo ? path.join(path.dirname(abs), 'dataset_info.json') : null };
}

/** The existing `dataset_info.json`, or {} when there is none; an unreadable one stops the export before it writes. */
export function readDatasetInfo(file: string): Record<string, unknown> {
  // a FIFO or a device named dataset_info.json is neither read (it could block forever) nor replaced
  checkTarget(file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new W2sError(`Cannot read ${file}: ${(e as Error).message}.`, 'DATASET_INFO');
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new W2sError(
      `${file} is not a valid LLaMA-Factory dataset_info.json (${(e as Error).message}); fix or move it, then export again (nothing was written).`,
      'DATASET_INFO',
    );
  }
}

/** Adds (or replaces) entries in `dataset_info.json`, written atomically. */
export function mergeDatasetInfo(file: string, entries: Record<string, unknown>): void {
  const merged = { ...readDatasetInfo(file), ...entries };
  const f = createAtomicFile(file);
  try {
    f.write(`${JSON.stringify(merged, null, 2)}\n`);
    f.commit();
  } catch (e) {
    f.abort();
    throw writeError(file, e);
  }
}

/** Refuses, before anything is read or written, an export whose files would replace what is not a regular file. */
export function checkDatasetTargets(paths: DatasetPaths): void {
  for (const f of [paths.train, paths.val, paths.info]) if (f) checkTarget(f);
}

export function datasetInfoEntries(name: string, format: ExportFormat, paths: DatasetPaths): Record<string, unknown> {
  return {
    [name]: datasetInfoEntry(format, path.basename(paths.train)),
    ...(paths.val ? { [`${name}-val`]: datasetInfoEntry(format, path.basename(paths.val)) } : {}),
  };
}

export interface ExampleText {
  readonly question: string;
  readonly reasoning: string | null;
  readonly answer: string | null;
}

/** Formats examples into the train / val files (each hashed as it is written). */
export interface DatasetWriter {
  add(e: ExampleText, val: boolean): void;
  readonly train: number;
  readonly val: number;
  /** SHA-256 of each file (call once everything is added). */
  digest(): { train: string; val: string | null };
  /** Flushes and fsyncs the files and checks their size on disk (no rename yet): a failed write surfaces here. */
  finish(): void;
  /** Renames the finished files into place. */
  commit(): void;
  abort(): void;
}

export function createDatasetWriter(o: {
  format: ExportFormat;
  reasoning: ReasoningMode;
  system: string | null;
  paths: DatasetPaths;
}): DatasetWriter {
  const files: { file: AtomicFile; count: number }[] = [];
  let digests: { train: string; val: string | null } | undefined;
  try {
    files.push({ file: createAtomicFile(o.paths.train), count: 0 });
    if (o.paths.val) files.push({ file: createAtomicFile(o.paths.val), count: 0 });
  } catch (e) {
    for (const f of files) f.file.abort();
    throw writeError(o.paths.train, e);
  }
  return {
    add(e, val) {
      const target = val && files[1] ? files[1] : files[0]!;
      const line = `${formatLine(o.format, { system: o.system, user: e.question, assistant: assistantText(e.reasoning, e.answer, o.reasoning) })}\n`;
      target.file.write(line);
      target.count++;
    },
    get train() {
      return files[0]!.count;
    },
    get val() {
      return files[1]?.count ?? 0;
    },
    digest() {
      digests ??= { train: files[0]!.file.sha256(), val: files[1] ? files[1].file.sha256() : null };
      return digests;
    },
    finish() {
      for (const f of files) f.file.finish();
    },
    commit() {
      for (const f of files) f.file.commit();
    },
    abort() {
      for (const f of files) f.file.abort();
    },
  };
}
