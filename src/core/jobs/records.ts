/**
 * The runner's records (runner/w2s_runner/records.py): `@@w2s {json}` anywhere in a log line — Ray
 * prefixes its workers' output, e.g. `(RayTrainWorker pid=123, ip=10.0.0.2) @@w2s {...}`.
 */
export const RECORD_PREFIX = '@@w2s ';

/** The record types; runner/w2s_runner/records.py's TYPES, checked by test/unit/runner/records-match.test.ts. */
export const RECORD_TYPES = ['status', 'metrics', 'checkpoint', 'sample', 'error', 'done'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export interface RunnerRecord {
  readonly type: RecordType;
  /** Unix seconds, when the runner printed it. */
  readonly time?: number;
  readonly [field: string]: unknown;
}

export interface SampleRecord extends RunnerRecord {
  readonly type: 'sample';
  readonly problem: string;
  readonly index: number;
  readonly text: string;
  readonly finish_reason?: string | null;
  readonly prompt_tokens?: number | null;
  readonly completion_tokens?: number | null;
}

export { METRIC_NAMES, type MetricName } from '../../model/metrics';

/** The fields of a sample record; runner/w2s_runner/records.py's SAMPLE_FIELDS. */
export const SAMPLE_FIELDS = [
  'problem',
  'index',
  'text',
  'finish_reason',
  'prompt_tokens',
  'completion_tokens',
] as const satisfies readonly (keyof SampleRecord)[];

const TYPES = new Set<string>(RECORD_TYPES);

export function parseRecord(line: string): RunnerRecord | undefined {
  const i = line.indexOf(RECORD_PREFIX);
  if (i < 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line.slice(i + RECORD_PREFIX.length));
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' && TYPES.has(type) ? (value as RunnerRecord) : undefined;
}

export function isSampleRecord(r: RunnerRecord): r is SampleRecord {
  return (
    r.type === 'sample' && typeof r.problem === 'string' && Number.isInteger(r.index) && typeof r.text === 'string'
  );
}
