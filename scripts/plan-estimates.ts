// Writes runner/scripts/data/plan-estimates.json: the memory planner's estimates (src/core/jobs/memory-plan.ts)
// for the shapes runner/scripts/gpu_check.py measures on a GPU, which has no Node to ask. A unit test
// (test/unit/jobs/plan-estimates.test.ts) fails when the file and the planner disagree.
//   node --import tsx scripts/plan-estimates.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planEstimates } from '../src/core/jobs/plan-estimates';

const ROOT = path.resolve(__dirname, '..');
const file = path.join(ROOT, 'runner', 'scripts', 'data', 'plan-estimates.json');
fs.writeFileSync(file, `${JSON.stringify(planEstimates(ROOT), null, 2)}\n`);
console.log(`wrote ${path.relative(ROOT, file)}`);
