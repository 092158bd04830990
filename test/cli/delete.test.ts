import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { computeStoredSignals } from '../../src/core/signals';
import { openStore } from '../../src/core/store/open';
import { openSqlite } from '../../src/core/store/sqlite';
import { seedBrowseFixture, type FixtureTrace } from '../support/browse-fixture';
import { w2s } from '../support/cli';
import { tempDir } from '../support/tmp';

async function workspace(): Promise<{ cwd: string; db: string; traces: FixtureTrace[] }> {
  const cwd = tempDir();
  const db = path.join(cwd, '.w2s', 'w2s.db');
  const store = openStore(db);
  const traces = seedBrowseFixture(store);
  await computeStoredSignals(store);
  store.close();
  return { cwd, db, traces };
}

/** Rows per run of every table a trace reaches, read straight from the file (FTS: rows the index still finds). */
function census(db: string) {
  const conn = openSqlite(db, { readonly: true });
  try {
    const perRun = (sql: string) =>
      Object.fromEntries((conn.prepare(sql).all() as { name: string; n: number }[]).map((r) => [r.name, r.n]));
    return {
      runs: (conn.prepare('SELECT name FROM runs ORDER BY name').all() as { name: string }[]).map((r) => r.name),
      sets: (conn.prepare('SELECT name FROM problem_sets ORDER BY name').all() as { name: string }[]).map(
        (r) => r.name,
      ),
      traces: perRun('SELECT r.name, count(*) AS n FROM traces t JOIN runs r ON r.id = t.run_id GROUP BY r.name'),
      grades: (conn.prepare('SELECT count(*) AS n FROM grades').get() as { n: number }).n,
      labels: (conn.prepare('SELECT count(*) AS n FROM labels').get() as { n: number }).n,
      signals: (conn.prepare('SELECT count(*) AS n FROM trace_signals').get() as { n: number }).n,
      // every fixture text comes from a real response that says "answer" somewhere; a deleted trace left in the index would still match
      fts: (conn.prepare("SELECT count(*) AS n FROM traces_fts WHERE traces_fts MATCH 'the'").get() as { n: number }).n,
      textTraces: (
        conn
          .prepare(
            "SELECT count(*) AS n FROM traces WHERE coalesce(reasoning, '') || coalesce(answer, '') LIKE '%the%'",
          )
          .get() as { n: number }
      ).n,
    };
  } finally {
    conn.close();
  }
}

describe('w2s runs delete / sets delete / datasets delete', () => {
  it('shows what a run delete removes, deletes nothing without --yes (exit 1), and with --yes removes its traces, grades, labels, signals and FTS rows only', async () => {
    const { cwd, db, traces } = await workspace();
    const before = census(db);
    const mine = traces.filter((t) => t.run === 'teacher-a');
    const dry = await w2s(['runs', 'delete', 'teacher-a', '--json'], { cwd });
    assert.equal(dry.code, 1);
    assert.match(dry.stderr, /Nothing was deleted\. Run again with --yes/);
    const plan = JSON.parse(dry.stdout) as {
      deleted: boolean;
      traces: number;
      grades: number;
      labels: number;
      signals: number;
    };
    assert.equal(plan.deleted, false);
    assert.equal(plan.traces, mine.length + 1, 'with the failed trace');
    assert.equal(plan.grades, mine.filter((t) => t.verdict !== 'ungraded').length);
    assert.equal(plan.labels, mine.filter((t) => t.decision || t.star || t.note).length);
    assert.equal(plan.signals, mine.length);
    assert.deepEqual(census(db), before);

    const r = await w2s(['runs', 'delete', 'teacher-a', '--yes'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `Deletes run teacher-a \\(import of m1 on math-a\\): ${mine.length + 1} trace\\(s\\) with their ${plan.grades} grade\\(s\\), ${plan.labels} label\\(s\\) and ${plan.signals} signal row\\(s\\)\\.\\nDeleted\\.`,
      ),
    );
    const after = census(db);
    assert.deepEqual(after.runs, ['teacher-b', 'teacher-c']);
    assert.deepEqual(after.traces, {
      'teacher-b': before.traces['teacher-b'],
      'teacher-c': before.traces['teacher-c'],
    });
    assert.equal(after.grades, before.grades - plan.grades);
    assert.equal(after.labels, before.labels - plan.labels);
    assert.equal(after.signals, before.signals - plan.signals);
    assert.equal(after.fts, after.textTraces, 'the search index finds exactly the traces that remain');
    assert.ok(after.fts < before.fts);
    // the browser's index hears of it (trace_changes), and listing commands no longer see it
    const listed = JSON.parse((await w2s(['runs', '--json'], { cwd })).stdout) as { name: string }[];
    assert.deepEqual(listed.map((x) => x.name).sort(), ['teacher-b', 'teacher-c']);
    const facets = await w2s(['traces', '--facets', '--json'], { cwd });
    assert.equal(facets.code, 0, facets.stderr);
    assert.doesNotMatch(facets.stdout, /teacher-a/);

    const again = await w2s(['runs', 'delete', 'teacher-a', '--yes'], { cwd });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /No run named "teacher-a" \(recent: teacher-c, teacher-b\)/);
  });

  it('refuses a run a dataset snapshot was made from until the snapshot is deleted; the snapshot delete keeps the traces and the file', async () => {
    const { cwd, db } = await workspace();
    const ex = await w2s(['export', '--preset', 'w2sr', '--run', 'teacher-b', '--out', 'data/b.jsonl'], { cwd });
    assert.equal(ex.code, 0, ex.stderr);
    const before = census(db);
    const refused = await w2s(['runs', 'delete', 'teacher-b', '--yes'], { cwd });
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /Dataset snapshot "b" was made from traces of "teacher-b".*w2s datasets delete b.*Nothing was deleted/,
    );
    assert.deepEqual(census(db), before);
    // the set's cascade meets the same refusal, and deletes nothing either (not even the other run)
    const cascade = await w2s(['sets', 'delete', 'math-a', '--cascade', '--yes'], { cwd });
    assert.equal(cascade.code, 1);
    assert.match(cascade.stderr, /snapshot "b"/);
    assert.deepEqual(census(db), before);

    const ds = await w2s(['datasets', 'delete', 'b', '--yes'], { cwd });
    assert.equal(ds.code, 0, ds.stderr);
    assert.match(ds.stdout, /Deletes dataset snapshot b \(\d+ trace id\(s\); the traces and .*b\.jsonl stay\)/);
    assert.deepEqual(census(db), before, 'a snapshot delete removes no trace');
    assert.match((await w2s(['datasets'], { cwd })).stdout, /No dataset snapshots yet/);
    assert.equal((await w2s(['runs', 'delete', 'teacher-b', '--yes'], { cwd })).code, 0);
    assert.deepEqual(census(db).runs, ['teacher-a', 'teacher-c']);
  });

  it('a set with runs needs --cascade; with it the set, its problems, runs and their traces go, other sets stay', async () => {
    const { cwd, db } = await workspace();
    const before = census(db);
    const refused = await w2s(['sets', 'delete', 'math-a', '--yes'], { cwd });
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /Problem set "math-a" has 2 run\(s\) \(teacher-a, teacher-b\).*--cascade\. Nothing was deleted/,
    );
    assert.deepEqual(census(db), before);

    const r = await w2s(['sets', 'delete', 'math-a', '--cascade', '--yes', '--json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const done = JSON.parse(r.stdout) as { deleted: boolean; problems: number; runs: string[]; traces: number };
    assert.deepEqual([done.deleted, done.problems, done.runs], [true, 6, ['teacher-a', 'teacher-b']]);
    assert.equal(done.traces, before.traces['teacher-a']! + before.traces['teacher-b']!);
    const after = census(db);
    assert.deepEqual(after.sets, ['gsm-b']);
    assert.deepEqual(after.runs, ['teacher-c']);
    assert.deepEqual(after.traces, { 'teacher-c': before.traces['teacher-c'] });
    assert.equal(after.fts, after.textTraces);
    const conn = openSqlite(db, { readonly: true });
    assert.equal(
      (
        conn
          .prepare("SELECT count(*) AS n FROM problems p JOIN problem_sets s ON s.id = p.set_id WHERE s.name = 'gsm-b'")
          .get() as { n: number }
      ).n,
      4,
    );
    assert.equal((conn.prepare('SELECT count(*) AS n FROM problems').get() as { n: number }).n, 4);
    conn.close();
    // a set without runs goes without --cascade
    assert.equal((await w2s(['runs', 'delete', 'teacher-c', '--yes'], { cwd })).code, 0);
    assert.equal((await w2s(['sets', 'delete', 'gsm-b', '--yes'], { cwd })).code, 0);
    assert.deepEqual(census(db).sets, []);
  });

  it('`w2s runs` and `w2s sets` alone still list; `w2s runs bogus` names the verbs', async () => {
    const { cwd } = await workspace();
    const runs = await w2s(['runs'], { cwd });
    assert.equal(runs.code, 0, runs.stderr);
    assert.match(runs.stdout, /^teacher-/m);
    assert.equal((await w2s(['sets', '--json'], { cwd })).code, 0);
    const bogus = await w2s(['runs', 'bogus'], { cwd });
    assert.equal(bogus.code, 2);
    assert.match(bogus.stderr, /unknown command "bogus" \(delete\)/);
  });
});
