import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EXPORT_DEFAULTS, exportDataset } from '../../src/core/export';
import { openStore } from '../../src/core/store/open';
import { computeStoredSignals } from '../../src/core/signals';
import { seedBrowseFixture } from '../support/browse-fixture';
import { w2s } from '../support/cli';
import { tempDir } from '../support/tmp';

/** The browse fixture plus one exact duplicate (same problem, same text) of a correct trace. */
async function workspace() {
  const cwd = tempDir();
  const store = openStore(path.join(cwd, '.w2s', 'w2s.db'));
  const traces = seedBrowseFixture(store);
  const original = traces.find((t) => t.run === 'teacher-a' && t.verdict === 'correct' && t.finish !== 'length')!;
  const runId = (store.db.prepare('SELECT id FROM runs WHERE name = ?').get(original.run) as { id: number }).id;
  const dup = Number(
    store.db
      .prepare(
        "INSERT INTO traces (run_id, problem_id, sample_index, prompt, reasoning, answer, finish_reason) VALUES (?, ?, 50, 'p', ?, ?, 'stop')",
      )
      .run(runId, original.problemId, original.reasoning, original.answer).lastInsertRowid,
  );
  store.db
    .prepare("INSERT INTO grades (trace_id, extracted, verdict, grader_version) VALUES (?, 'x', 'correct', 'fixture')")
    .run(dup);
  await computeStoredSignals(store);
  const count = (sql: string) => (store.db.prepare(sql).get() as { n: number }).n;
  const all = count('SELECT count(*) AS n FROM traces WHERE error IS NULL');
  const truncated = count("SELECT count(*) AS n FROM traces WHERE error IS NULL AND finish_reason = 'length'");
  return { cwd, store, all, truncated };
}

const lines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim()).length;

describe('export defaults and the skipped summary', () => {
  it('the shared defaults keep every selected trace (the W2SR datasets), in core and in `w2s export` without flags', async () => {
    const { cwd, store, all, truncated } = await workspace();
    assert.deepEqual(
      [EXPORT_DEFAULTS.dropTruncated, EXPORT_DEFAULTS.dedupe, EXPORT_DEFAULTS.maxPerProblem, EXPORT_DEFAULTS.format],
      [false, false, null, 'openai'],
    );
    assert.ok(truncated > 0);
    const core = await exportDataset(store, {
      name: 'core',
      preset: 'w2sr',
      format: EXPORT_DEFAULTS.format,
      out: path.join(cwd, 'core.jsonl'),
    });
    assert.equal(core.snapshot.counts.train, all);
    assert.deepEqual(core.snapshot.options, {
      reasoning: 'think',
      system: null,
      maxPerProblem: null,
      dropTruncated: false,
      dedupe: false,
      valFraction: 0,
      seed: 0,
    });
    store.close();
    const r = await w2s(['export', '--preset', 'w2sr', '--out', 'cli.jsonl'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lines(path.join(cwd, 'cli.jsonl')), all);
    assert.doesNotMatch(r.stdout, /left out/);
  });

  it('says why each skipped trace was skipped: duplicate, truncated, over k per problem, summing to what was left out', async () => {
    const { cwd, store, all } = await workspace();
    store.close();
    const r = await w2s(
      [
        'export',
        '--preset',
        'w2sr',
        '--dedupe',
        '--drop-truncated',
        '--max-per-problem',
        '4',
        '--out',
        'k4.jsonl',
        '--json',
      ],
      { cwd },
    );
    assert.equal(r.code, 0, r.stderr);
    const c = (
      JSON.parse(r.stdout) as {
        snapshot: {
          counts: { train: number; skipped: { duplicates: number; truncated: number; overMaxPerProblem: number } };
        };
      }
    ).snapshot.counts;
    assert.equal(c.skipped.duplicates, 1);
    assert.ok(c.skipped.truncated > 0 && c.skipped.overMaxPerProblem > 0);
    assert.equal(
      c.train + c.skipped.duplicates + c.skipped.truncated + c.skipped.overMaxPerProblem,
      all,
      'every selected trace is written or has a reason',
    );
    const text = await w2s(
      ['export', '--preset', 'w2sr', '--dedupe', '--drop-truncated', '--max-per-problem', '4', '--out', 'k4b.jsonl'],
      { cwd },
    );
    assert.match(
      text.stdout,
      new RegExp(
        `from ${all} selected; left out 1 duplicate \\(same problem, same reasoning and answer as a kept trace\\), ${c.skipped.truncated} truncated \\(cut off by the token limit\\), ` +
          `${c.skipped.overMaxPerProblem} over k per problem \\(the problem already had its k traces\\)`,
      ),
    );
  });
});
