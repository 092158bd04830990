// runner/scripts/data/plan-estimates.json is what the GPU check compares its measured peaks with: it must
// be what the planner computes now (regenerate: node --import tsx scripts/plan-estimates.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { planEstimates } from '../../../src/core/jobs/plan-estimates';
import { REPO_ROOT } from '../../support/tmp';

test("the GPU check's plan estimates are the planner's", () => {
  const file = path.join(REPO_ROOT, 'runner', 'scripts', 'data', 'plan-estimates.json');
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  assert.deepEqual(
    stored,
    JSON.parse(JSON.stringify(planEstimates(REPO_ROOT))),
    'stale: run node --import tsx scripts/plan-estimates.ts',
  );
});
