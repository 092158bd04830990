// `w2s results` on the synthetic store with known answers (test/support/results-fixture.ts, where every
// expected number is worked out), built with the real commands: import, import-traces, grade.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { w2s as run } from '../support/cli';
import { writeResultsFixture } from '../support/results-fixture';
import { REPO_ROOT, tempDir } from '../support/tmp';

let dir: string;
const w2s = (args: string[]) => run([...args, '--db', path.join(dir, 'w2s.db')], { cwd: dir });
const RESULTS = ['results', '--base', 'base', '--rl', 'rl', '--sets', 'hundred,below,tiny'];

before(async () => {
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  dir = tempDir('w2s-cli-results-');
  const fixture = writeResultsFixture(dir);
  for (const s of fixture.sets) assert.equal((await w2s(['import', s.file, '--set', s.name])).code, 0);
  for (const t of fixture.traces) {
    const r = await w2s(['import-traces', t.file, '--set', t.set, '--run', t.run, '--model', t.model]);
    assert.equal(r.code, 0, r.stderr);
  }
  const g = await w2s(['grade']);
  assert.equal(g.code, 0, g.stderr);
});

describe('w2s results on common problems (built CLI, real store)', () => {
  it('json: student on 50 of 100 → RGR 0.50 on the 50 common problems; RL below base → undefined, never 2.00', async () => {
    const r = await w2s([...RESULTS, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout);
    const student = c.rows.find((x: { model: string }) => x.model === 'student');
    const hundred = student.cells.hundred;
    assert.ok(Math.abs(hundred.rgr.value - 0.5) < 1e-12, String(hundred.rgr.value));
    assert.equal(hundred.rgr.common, 50);
    assert.deepEqual(hundred.coverage, { graded: 50, of: 100, partial: true });
    assert.equal(student.cells.below.rgr.value, null);
    assert.match(student.cells.below.rgr.reason, /RL is below the base/);
    assert.equal(student.cells.tiny.rgr.unstable, true);
    assert.ok(Math.abs(student.rgr.value - 0.5) < 1e-12);
    assert.deepEqual(
      [student.rgr.over, student.rgr.of, student.rgr.leftOut],
      [1, 3, { undefined: 1, unstable: 1, noCommon: 0 }],
    );
    assert.ok(student.rgr.interval.low < 0.5 && student.rgr.interval.high > 0.5);
    assert.deepEqual(
      [c.settings.weighting, c.settings.rgrAggregation, c.settings.rgrMinGap, c.settings.resamples, c.settings.seed],
      ['macro', 'mean-of-ratios', 5, 2000, 0],
    );
  });

  it('table: coverage, the common-problem counts, RGR in percent with its interval, the undefined reason and the stated methods', async () => {
    const r = await w2s(RESULTS);
    assert.equal(r.code, 0, r.stderr);
    const line = r.stdout.split('\n').find((l) => l.startsWith('student'))!;
    assert.match(
      line,
      /60\.0 \[\d+\.\d, \d+\.\d\] · partial: 50 of 100 problems graded · Δ \+20\.0 \[\+\d+\.\d, \+\d+\.\d\] on 50 of 100 · RGR 50\.0% \[\d+\.\d, \d+\.\d\] on 50 of 100/,
    );
    assert.match(line, /RGR undefined \(RL is below the base \(−5\.0 points on the 20 common problems\)\)/);
    assert.match(line, /RGR 400\.0% .*\(unstable: RL beats the base by 1 problem \(fewer than 5\)\)/);
    assert.match(line, /50\.0% \[\d+\.\d, \d+\.\d\] over 1 of 3 \(left out: 1 undefined, 1 unstable\)/);
    assert.doesNotMatch(r.stdout, /-\d/, 'one minus sign: U+2212 only');
    assert.match(r.stdout, /Avg\.: macro mean over 3 benchmarks/);
    assert.match(
      r.stdout,
      /paired bootstrap resampling those problems jointly for the three models \(2000 resamples, seed 0\)/,
    );
    assert.match(r.stdout, /unstable where the gap is under 5 problems/);
  });

  it('--format latex: a booktabs table with math-mode minus signs and the RGR table; --format md --compact', async () => {
    const tex = await w2s([...RESULTS, '--format', 'latex']);
    assert.equal(tex.code, 0, tex.stderr);
    for (const rule of [
      '\\toprule',
      '\\midrule',
      '\\bottomrule',
      '\\begin{tabular}{lrrrrrr}',
      'Model & hundred & below & tiny & Avg. (macro) & $\\Delta$ & RGR (\\%) \\\\',
    ])
      assert.ok(tex.stdout.includes(rule), rule);
    assert.match(
      tex.stdout,
      /^worse & \$10\.0 \\pm \d\.\d\$ & -- & -- & \$10\.0\$ & \$-10\.0\$ & \$-31\.3 \\pm \d+\.\d\$ \\\\$/m,
    );
    assert.match(tex.stdout, /^student & \$60\.0 \\pm \d+\.\d\$\\textsuperscript\{\\dag\} /m);
    assert.doesNotMatch(tex.stdout, /\u2212|\$\$|textbackslash/);
    assert.match(tex.stdout, /\\textsuperscript\{\\dag\} partial evaluation/);
    const md = await w2s([...RESULTS, '--format', 'md', '--compact']);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^\| Model \| hundred \| below \| tiny \| Avg\. \(macro\) \| Δ \| RGR \(%\) \|$/m);
    assert.match(
      md.stdout,
      /^\| student \| 60\.0 ± \d+\.\d† \| 40\.0 ± \d+\.\d \| 23\.3 ± \d+\.\d \| 41\.1 \| \+7\.8 \| 50\.0 ± \d+\.\d \|$/m,
    );
    assert.match(
      md.stdout,
      /^\| student \| 50\.0 ± \d+\.\d \| –\\\* \| 400\.0( ± \d+\.\d)?\\\*\\\* \| 50\.0 ± \d+\.\d \|$/m,
    );
    assert.match(md.stdout, /^_\\\* undefined: RL is below the base/m);
    assert.match(md.stdout, /_† partial evaluation \(problems graded of the set\): student-hundred: 50 of 100\._/);
  });

  it('options: micro averages, ratio of gains, the threshold, bad values named', async () => {
    const c = JSON.parse(
      (
        await w2s([
          ...RESULTS,
          '--format',
          'json',
          '--average',
          'micro',
          '--rgr-mean',
          'ratio-of-gains',
          '--rgr-min-gap',
          '1',
        ])
      ).stdout,
    );
    const student = c.rows.find((x: { model: string }) => x.model === 'student');
    assert.ok(Math.abs(student.rgr.value - 0.6) < 1e-12);
    assert.ok(Math.abs(student.average.delta.value - 0.12) < 1e-12);
    assert.equal(student.cells.tiny.rgr.unstable, false);
    for (const [flag, value, message] of [
      ['--average', 'mean', /--average must be macro or micro \(got "mean"\)/],
      ['--rgr-mean', 'median', /--rgr-mean must be mean-of-ratios or ratio-of-gains/],
      ['--rgr-min-gap', 'five', /--rgr-min-gap must be an integer of at least 0/],
      ['--maj-vote', 'fuzzy', /--maj-vote must be exact or equivalent/],
    ] as const) {
      const r = await w2s([...RESULTS, flag, value]);
      assert.equal(r.code, 2, `${flag} ${value}`);
      assert.match(r.stderr, message);
    }
    const compactTable = await w2s([...RESULTS, '--compact']);
    assert.equal(compactTable.code, 2);
    assert.match(compactTable.stderr, /--compact goes with --format md/);
  });
});
