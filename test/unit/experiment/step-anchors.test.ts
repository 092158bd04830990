// "Run to here": where each step's lens sits in the file, and which steps a run to it does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { planExperiment } from '../../../src/core/experiment/plan';
import { stepsUpTo } from '../../../src/core/experiment/run';
import { stepAnchors } from '../../../src/core/experiment/step-anchors';

// line numbers (0-based) in the comments
const TEXT = `name: e
problems: math-l3to5
teachers:
  - name: t1
    endpoint: http://127.0.0.1:8000/v1
    model: teacher-one
    datasets:
      - w2sr
      - preset: w2sr-p
        sft: { learning_rate: 1.0e-5 }
  - endpoint: http://127.0.0.1:8001/v1
    name: t2
    model: teacher-two
    datasets: [w2sr, incorrect]
eval:
  sets: [math500, aime24]
compare:
  base: Qwen/Qwen2.5-Math-7B
  rl: hkust-nlp/Qwen-2.5-Math-7B-SimpleRL-Zoo
`;

const planOf = (text: string) => planExperiment(undefined, parseExperiment(text, '/x/e.w2s.yaml'));

describe('experiment step anchors', () => {
  it('puts each step on the line it comes from, one lens per kind and line', () => {
    const anchors = stepAnchors(TEXT, planOf(TEXT));
    assert.deepEqual(
      anchors.map((a) => `${a.line} ${a.title}: ${a.steps.join(' ')}`),
      [
        '1 Run to import: problems:math-l3to5',
        '3 Run to sampling: sample:t1',
        '3 Run to grading: grade:t1',
        '7 Run to export: export:t1:w2sr',
        '7 Run to SFT: sft:t1:w2sr',
        '8 Run to export: export:t1:w2sr-p',
        '8 Run to SFT: sft:t1:w2sr-p',
        // a teacher whose first key is not its name: the item's first line
        '10 Run to sampling: sample:t2',
        '10 Run to grading: grade:t2',
        // a flow list: both datasets on one line, one lens per kind for both
        '13 Run to export (2 steps): export:t2:w2sr export:t2:incorrect',
        '13 Run to SFT (2 steps): sft:t2:w2sr sft:t2:incorrect',
        // both sets on one line: every student's eval of both
        '15 Run to import (2 steps): problems:math500 problems:aime24',
        '15 Run to eval (8 steps): ' +
          [
            'eval:t1:w2sr:math500',
            'eval:t1:w2sr:aime24',
            'eval:t1:w2sr-p:math500',
            'eval:t1:w2sr-p:aime24',
            'eval:t2:w2sr:math500',
            'eval:t2:w2sr:aime24',
            'eval:t2:incorrect:math500',
            'eval:t2:incorrect:aime24',
          ].join(' '),
        '17 Run to eval (2 steps): eval:base:math500 eval:base:aime24',
        '18 Run to eval (2 steps): eval:rl:math500 eval:rl:aime24',
      ],
    );
  });

  it('falls back to the enclosing entry where the file leaves a part to its default', () => {
    const text = `name: e
teachers:
  - name: t1
    endpoint: http://127.0.0.1:8000/v1
    model: teacher-one
eval:
  n: 4
`;
    const anchors = stepAnchors(text, planOf(text));
    const at = (id: string) => anchors.find((a) => a.steps.includes(id))?.line;
    // no datasets: written out by the teacher; no sets: the eval block; no compare: the eval block; no problems: none
    assert.equal(at('export:t1:w2sr-p'), 2);
    assert.equal(at('sft:t1:w2sr'), 2);
    assert.equal(at('eval:t1:w2sr:math500'), 5);
    assert.equal(at('eval:base:math500'), 5);
    assert.equal(at('problems:math-l3to5'), undefined);
    assert.equal(at('results'), undefined, 'the whole run is the "Run experiment" lens');
    // a file with no eval block at all: its evaluations have no line
    const bare = text.replace(/eval:\n {2}n: 4\n/, '');
    assert.equal(
      stepAnchors(bare, planOf(bare)).find((a) => a.kind === 'eval'),
      undefined,
    );
  });

  it('a run to a step runs the steps it needs, directly or not, and nothing else', () => {
    const plan = planOf(TEXT);
    assert.deepEqual([...stepsUpTo(plan, ['sft:t1:w2sr-p'])].sort(), [
      'export:t1:w2sr-p',
      'grade:t1',
      'problems:math-l3to5',
      'sample:t1',
      'sft:t1:w2sr-p',
    ]);
    assert.deepEqual([...stepsUpTo(plan, ['eval:base:aime24'])].sort(), ['eval:base:aime24', 'problems:aime24']);
    const both = stepsUpTo(plan, ['grade:t2', 'eval:t1:w2sr:math500']);
    assert.ok(both.has('sft:t1:w2sr') && both.has('problems:math500') && both.has('sample:t2'));
    assert.ok(!both.has('export:t2:w2sr') && !both.has('sft:t1:w2sr-p') && !both.has('results'));
    assert.equal(stepsUpTo(plan, ['results']).size, plan.steps.length);
  });

  it('refuses a step the plan does not have, naming the file and the steps it has', () => {
    assert.throws(
      () => stepsUpTo(planOf(TEXT), ['grade:t1', 'sft:t3:w2sr']),
      (e: Error) =>
        /^\/x\/e\.w2s\.yaml: no step "sft:t3:w2sr" in this experiment \(its steps: problems:math-l3to5, .*, results\)\.$/.test(
          e.message,
        ),
    );
  });
});
