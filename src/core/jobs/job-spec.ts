import { W2sError } from '../errors';
import type { RunnerDefaults } from './runner-files';

export type JobKind = 'sft' | 'eval';

/** The fields a job.json must have; everything else has a default in runner/w2s_runner/defaults.json. */
export const REQUIRED_FIELDS: Record<JobKind, readonly string[]> = {
  sft: ['base_model', 'dataset', 'output_dir'],
  eval: ['model', 'problems'],
};

/**
 * Checks a job.json before it travels: required fields, unknown fields (a typo would otherwise be
 * dropped silently) and the JSON type of every field whose default has one. The runner checks ranges
 * and choices again on the cluster and has the last word.
 */
export function checkJobJson(
  kind: JobKind,
  job: unknown,
  defaults: RunnerDefaults,
  where = 'job.json',
): Record<string, unknown> {
  if (!job || typeof job !== 'object' || Array.isArray(job))
    throw new W2sError(`${where}: a job must be a JSON object.`, 'BAD_JOB');
  const obj = job as Record<string, unknown>;
  const known = defaults[kind];
  const unknown = Object.keys(obj).filter((k) => !(k in known) && !k.startsWith('_'));
  if (unknown.length) {
    throw new W2sError(
      `${where}: unknown field(s) ${unknown.join(', ')} for an ${kind} job (known: ${Object.keys(known).join(', ')}).`,
      'BAD_JOB',
    );
  }
  for (const f of REQUIRED_FIELDS[kind]) {
    if (obj[f] === undefined || obj[f] === null || obj[f] === '')
      throw new W2sError(`${where}: ${f} is required for an ${kind} job.`, 'BAD_JOB');
  }
  for (const [k, v] of Object.entries(obj)) {
    const d = known[k];
    if (v === null || d === null || d === undefined || k.startsWith('_')) continue;
    if (typeof d !== typeof v)
      throw new W2sError(
        `${where}: ${k} must be a ${typeof d} (like its default ${JSON.stringify(d)}), got ${JSON.stringify(v)}.`,
        'BAD_JOB',
      );
  }
  return obj;
}
