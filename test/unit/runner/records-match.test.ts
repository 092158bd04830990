// The runner's record shapes are defined once on each side of the log: runner/w2s_runner/records.py
// (TYPES, METRIC_NAMES, SAMPLE_FIELDS) prints them, src/core/jobs/records.ts reads them. This asks
// Python for its lists and compares them with the TypeScript ones, so neither side can drift alone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { METRIC_NAMES, RECORD_TYPES, SAMPLE_FIELDS } from '../../../src/core/jobs/records';
import { REPO_ROOT } from '../../support/tmp';

function pythonLists(): { types: string[]; metrics: string[]; sample: string[] } {
  const code = 'import json; from w2s_runner.records import TYPES, METRIC_NAMES, SAMPLE_FIELDS; print(json.dumps({"types": TYPES, "metrics": METRIC_NAMES, "sample": SAMPLE_FIELDS}))';
  const r = spawnSync('python3', ['-c', code], { cwd: path.join(REPO_ROOT, 'runner'), encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  assert.ok(!r.error && r.status === 0, `python3 could not read runner/w2s_runner/records.py: ${r.error?.message ?? r.stderr}`);
  return JSON.parse(r.stdout) as { types: string[]; metrics: string[]; sample: string[] };
}

test('record types, metric names and sample fields are the same in records.py and records.ts', () => {
  const py = pythonLists();
  assert.deepEqual(py.types, [...RECORD_TYPES]);
  assert.deepEqual(py.metrics, [...METRIC_NAMES]);
  assert.deepEqual(py.sample, [...SAMPLE_FIELDS]);
});
