// The hover's "Trained on this problem" section: one line per student with its snapshot, verdict counts,
// teacher runs, validation share and SFT job, a link to exactly those traces, store text escaped, and
// the list capped; and an evaluated student's teacher → dataset suffix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LineageTrace, ProblemLineage } from '../../../src/core/results/problem-lineage';
import type { Lineage, TeacherRun } from '../../../src/core/results/lineage';
import { lineageSuffix, MAX_STUDENTS, trainedOnSection } from '../../../src/extension/results/lineage-text';

const trace = (id: number, over: Partial<LineageTrace> = {}): LineageTrace => ({
  id,
  run: 'run-a',
  teacher: 'teacher',
  verdict: 'correct',
  split: 'train',
  ...over,
});

/** The trace browser argument of a line's link. */
function linkArg(line: string): unknown {
  const m = /\(command:w2s\.openProblemTraces\?([^ )]+) "/.exec(line);
  assert.ok(m, `a link in ${line}`);
  return JSON.parse(decodeURIComponent(m[1]!));
}

describe('trainedOnSection', () => {
  it('is empty when no student was trained on the problem', () => {
    assert.equal(trainedOnSection('s', 'k', []), '');
  });

  it('names the student, snapshot, each verdict count, the teacher run, the validation share and the job', () => {
    const text = trainedOnSection('train', 'p1', [
      {
        model: 'stu',
        snapshot: 'snap',
        job: 'job7',
        traces: [
          trace(1),
          trace(2, { verdict: 'incorrect', split: 'val' }),
          trace(3, { verdict: 'incorrect' }),
          trace(4, { verdict: 'no-answer' }),
          trace(5, { verdict: 'error' }),
          trace(6, { verdict: 'ungraded' }),
        ],
      },
      { model: 'solo', snapshot: 'one', job: null, traces: [trace(9, { split: 'val', run: 'r9', teacher: 't9' })] },
    ]);
    const lines = text.split('\n');
    assert.equal(lines[0], 'Trained on this problem:');
    assert.ok(
      lines[2]!.startsWith(
        '- stu ← snap (6 traces of this problem: ✓ 1, ✗ 2, ∅ 1, ⚠ 1, 1 ungraded from teacher (run\\-a), 1 in validation) · SFT job job7 · [traces](',
      ),
      lines[2],
    );
    assert.deepEqual(linkArg(lines[2]!), [{ set: 'train', problemKey: 'p1', traceIds: [1, 2, 3, 4, 5, 6] }]);
    assert.ok(
      lines[3]!.startsWith('- solo ← one (1 trace of this problem: ✓ 1 from t9 (r9), all in validation) · [traces]('),
      lines[3],
    );
    assert.deepEqual(linkArg(lines[3]!), [{ set: 'train', problemKey: 'p1', traceIds: [9] }]);
  });

  it('names two teacher runs and counts the rest', () => {
    const runs = ['r1', 'r2', 'r3', 'r4'];
    const text = trainedOnSection('s', 'k', [
      {
        model: 'm',
        snapshot: 'd',
        job: null,
        traces: runs
          .map((run, i) => trace(i, { run, teacher: `t${i}` }))
          .concat(trace(9, { run: 'r1', teacher: 't0' })),
      },
    ]);
    assert.match(text, /\(5 traces of this problem: ✓ 5 from t0 \(r1\), t1 \(r2\) \+2\)/);
  });

  it('escapes store text as Markdown text: no link, emphasis or HTML comes out of a name', () => {
    const text = trainedOnSection('s', 'k', [
      {
        model: '[x](command:evil) *b*',
        snapshot: '<img src=x>',
        job: '`j`',
        traces: [trace(1, { teacher: '# t', run: '_r_' })],
      },
    ]);
    assert.ok(
      text.includes(
        '- \\[x\\]\\(command\\:evil\\) \\*b\\* ← \\<img src\\=x\\> (1 trace of this problem: ✓ 1 from \\# t (\\_r\\_)) · SFT job \\`j\\` · [traces](',
      ),
      text,
    );
  });

  it(`lists ${MAX_STUDENTS} students, then says how many more`, () => {
    const students: ProblemLineage[] = Array.from({ length: MAX_STUDENTS + 2 }, (_, i) => ({
      model: `m${i}`,
      snapshot: 'd',
      job: null,
      traces: [trace(i)],
    }));
    const lines = trainedOnSection('s', 'k', students)
      .split('\n')
      .filter((l) => l.startsWith('- '));
    assert.deepEqual(
      lines.map((l) => l.split(' ')[1]),
      [...students.slice(0, MAX_STUDENTS).map((s) => s.model), 'and'],
    );
    assert.equal(lines.at(-1), '- and 2 more');
  });
});

describe('lineageSuffix', () => {
  const teacher = (model: string): TeacherRun => ({ run: `run-${model}`, model, set: 's', traces: 1, accuracy: 0.5 });
  const lineage = (teachers: TeacherRun[]): Lineage => ({
    snapshot: 'w2sr_p',
    preset: 'correct only (W2SR-P)',
    traces: 3,
    teachers,
    job: null,
  });

  it('is empty for a model with no lineage', () => {
    assert.equal(lineageSuffix(undefined), '');
  });

  it('names the teachers (two, then a count) and the snapshot, escaped', () => {
    assert.equal(lineageSuffix(lineage([teacher('qwen-1.5b')])), ' · qwen\\-1\\.5b → w2sr\\_p');
    assert.equal(lineageSuffix(lineage(['a', 'b', 'c'].map(teacher))), ' · a, b +1 → w2sr\\_p');
    assert.equal(lineageSuffix(lineage([])), ' · w2sr\\_p');
  });
});
