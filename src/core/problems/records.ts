import * as path from 'node:path';
import { W2sError } from '../errors';
import { parseCsv } from './csv';
import { jsonArrayElementLines } from './json-lines';
import { parseJsonLossless } from './lossless-json';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './text-file';

/** One input record and where it came from, so every later error can name the line. */
export interface SourceRecord {
  readonly line: number;
  /** A JSON array's element index (from 0): the id of a problem that carries none, whatever the layout. */
  readonly index?: number;
  readonly value: Record<string, unknown>;
}

export type SourceFormat = 'jsonl' | 'json' | 'csv';

/** A problem line longer than this is almost certainly not a problem (a pasted blob, a binary file). */
export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;

export interface ReadOptions {
  readonly format?: SourceFormat;
  readonly maxLineBytes?: number;
}

export function detectFormat(file: string, text: string): SourceFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  const first = text.trimStart()[0];
  if (ext === '.json') return first === '[' ? 'json' : 'jsonl';
  if (first === '[') return 'json';
  if (first === '{') return 'jsonl';
  return 'csv';
}

/**
 * Parses a problem file into records; throws a W2sError naming the file and line on bad input. JSONL is
 * parsed lazily, line by line, so an import never holds a second copy of a large file in objects.
 */
export function readRecords(
  file: string,
  raw: string,
  options: ReadOptions = {},
): { format: SourceFormat; records: Iterable<SourceRecord>; estimatedCount: number } {
  const name = path.basename(file);
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.trim() === '')
    throw new W2sError(`${name}: the file is empty; expected JSONL, a JSON array or CSV with problems.`, 'EMPTY_FILE');
  const format = options.format ?? detectFormat(file, text);
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const nonEmptyLines = checkLineLengths(name, text, maxLineBytes);
  switch (format) {
    case 'jsonl':
      return { format, records: readJsonl(name, text), estimatedCount: nonEmptyLines };
    case 'json': {
      const records = readJsonArray(name, text);
      return { format, records, estimatedCount: records.length };
    }
    case 'csv': {
      const records = readCsv(name, text);
      return { format, records, estimatedCount: records.length };
    }
  }
}

/** Refuses absurdly long lines before any parsing; returns the number of non-blank lines. */
function checkLineLengths(name: string, text: string, max: number): number {
  // Cheap in characters first; only a long line pays for a byte count.
  let start = 0;
  let line = 1;
  let nonEmpty = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end - start > 1 || (end > start && text.charCodeAt(start) > 32)) nonEmpty++;
    if (end - start > max / 4) {
      const bytes = Buffer.byteLength(text.slice(start, end));
      if (bytes > max) {
        throw new W2sError(
          `${name}:${line}: the line is ${(bytes / 1048576).toFixed(1)} MB, over the ${(max / 1048576).toFixed(0)} MB limit ` +
            `for one problem. Check that this is a problem file; if the line is intended, raise the limit (--max-line-mb).`,
          'LINE_TOO_LONG',
        );
      }
    }
    start = end + 1;
    line++;
  }
  return nonEmpty;
}

function* readJsonl(name: string, text: string): Generator<SourceRecord> {
  let start = 0;
  let line = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const content = text.slice(start, end);
    start = end + 1;
    if (content.trim() === '') continue;
    let value: unknown;
    try {
      value = parseJsonLossless(content);
    } catch (e) {
      throw new W2sError(
        `${name}:${line}: not valid JSON (${(e as Error).message}). Each line must be one JSON object.`,
        'BAD_JSON',
      );
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new W2sError(`${name}:${line}: expected a JSON object, found ${describe(value)}.`, 'BAD_RECORD');
    }
    refuseDeep(name, line, value);
    yield { line, value: value as Record<string, unknown> };
  }
}

function readJsonArray(name: string, text: string): SourceRecord[] {
  let value: unknown;
  try {
    value = parseJsonLossless(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? lineAt(text, Number(pos[1])) : undefined;
    throw new W2sError(`${name}${line ? `:${line}` : ''}: not valid JSON (${msg}).`, 'BAD_JSON');
  }
  if (!Array.isArray(value))
    throw new W2sError(`${name}: expected a JSON array of problem objects, found ${describe(value)}.`, 'BAD_RECORD');
  const lines = jsonArrayElementLines(text);
  return value.map((v, i) => {
    const line = lines[i] ?? 1;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw new W2sError(
        `${name}:${line}: element ${i + 1} of the array is ${describe(v)}, expected a JSON object.`,
        'BAD_RECORD',
      );
    }
    refuseDeep(name, line, v);
    return { line, index: i, value: v as Record<string, unknown> };
  });
}

function readCsv(name: string, text: string): SourceRecord[] {
  const rows = parseCsv(name, text);
  if (rows.length === 0) throw new W2sError(`${name}: the CSV file has no header row.`, 'EMPTY_FILE');
  const header = rows[0]!.cells.map((h) => h.trim());
  const seen = new Set<string>();
  for (const h of header) {
    if (h === '') throw new W2sError(`${name}:1: the CSV header has an empty column name.`, 'BAD_CSV');
    if (seen.has(h)) throw new W2sError(`${name}:1: the CSV header names the column "${h}" twice.`, 'BAD_CSV');
    seen.add(h);
  }
  const records: SourceRecord[] = [];
  for (const row of rows.slice(1)) {
    if (row.cells.length === 1 && row.cells[0] === '') continue;
    if (row.cells.length !== header.length) {
      throw new W2sError(
        `${name}:${row.line}: the row has ${row.cells.length} fields, the header has ${header.length}.`,
        'BAD_CSV',
      );
    }
    const value: Record<string, unknown> = {};
    header.forEach((h, i) => (value[h] = row.cells[i]));
    records.push({ line: row.line, value });
  }
  return records;
}

/** A record nested deeper than any problem is refused before anything walks it recursively. */
function refuseDeep(name: string, line: number, value: unknown): void {
  if (nestedDeeperThan(value)) {
    throw new W2sError(
      `${name}:${line}: the JSON is nested more than ${MAX_JSON_DEPTH} levels deep; a problem is an object of text fields (metadata a few levels deep at most).`,
      'JSON_TOO_DEEP',
    );
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? 'a string' : `a ${typeof v}`;
}
