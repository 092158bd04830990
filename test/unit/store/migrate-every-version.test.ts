// Upgrading a store from every older schema version, with data of every kind that version could hold
// (problem sets, problems, templates, jobs and their metrics, runs, traces, grades, labels with notes,
// snapshots and their traces, and from version 4 signals, the new labels, label actions, saved views):
// after openStore, every row is still there with every value it had, the new columns hold their
// defaults, the old labels are folded by the migration's rules (reject over accept, the star kept, the
// notes joined), and the triggers and full-text index work on the old rows.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/core/store/migrations';
import { APPLICATION_ID, openStore } from '../../../src/core/store/open';
import { openSqlite, type Database } from '../../../src/core/store/sqlite';
import { tempDir } from '../../support/tmp';

type Row = Record<string, unknown>;

/** A store as W2S Studio left it at `version`: its migrations, its user_version, the application id if given. */
function storeAt(file: string, version: number, appId: number): Database {
  const db = openSqlite(file);
  for (let v = 0; v < version; v++) db.exec(MIGRATIONS[v]!);
  db.pragma(`user_version = ${version}`);
  db.pragma(`application_id = ${appId}`);
  return db;
}

const ins = (db: Database, table: string, row: Row): number =>
  Number(
    db
      .prepare(
        `INSERT INTO ${table} (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row)
          .map(() => '?')
          .join(', ')})`,
      )
      .run(...Object.values(row)).lastInsertRowid,
  );

/** Data of every kind the version has tables for. Returns the ids the label checks need. */
function fill(db: Database, version: number) {
  const set = ins(db, 'problem_sets', {
    name: 'math-a',
    source: '/data/a.jsonl',
    source_hash: 'h1',
    options: '{"answerType":"math"}',
    problem_count: 3,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-02T00:00:00.000Z',
  });
  const problems = [1, 2, 3].map((i) =>
    ins(db, 'problems', {
      set_id: set,
      key: `p${i}`,
      position: i - 1,
      question: `What is ${i} + ${i}? Ünïcode ${'x'.repeat(i)}`,
      answer: String(2 * i),
      answer_type: i === 3 ? 'choice' : 'math',
      choices: i === 3 ? '["A","B"]' : null,
      metadata: JSON.stringify({ subject: 'Algebra', level: `Level ${i}` }),
    }),
  );
  ins(db, 'templates', {
    name: 'plain',
    api: 'chat',
    system: 'Be brief.',
    user: '{question}',
    created_at: '2026-01-01T00:00:00.000Z',
  });
  const job = ins(db, 'jobs', {
    name: 'sft-1',
    kind: 'sft',
    cluster: 'http://ray:8265',
    submission_id: 'raysubmit_1',
    spec: '{"epochs":2}',
    status: 'succeeded',
    output: '{"checkpoint":"/ckpt/1"}',
    log_offset: 120,
    error: null,
  });
  ins(db, 'job_metrics', { job_id: job, step: 10, name: 'loss', value: 1.25, time: '2026-01-01T00:10:00Z' });
  ins(db, 'job_metrics', { job_id: job, step: 20, name: 'loss', value: 0.75, time: '2026-01-01T00:20:00Z' });
  const runRow: Row = {
    name: 'teacher',
    kind: 'sample',
    set_id: set,
    model: 'qwen',
    endpoint: 'http://127.0.0.1:8000/v1',
    job_id: job,
    template: 'plain',
    params: '{"temperature":0.6}',
    samples_per_problem: 2,
    status: 'done',
    error: null,
  };
  if (version >= 2) Object.assign(runRow, { owner: 'host:123', heartbeat_at: '2026-01-01T01:00:00Z' });
  if (version >= 3) runRow.problem_limit = 3;
  const run = ins(db, 'runs', runRow);
  const traces: number[] = [];
  for (const [k, problem] of problems.entries()) {
    for (const sample of [0, 1]) {
      traces.push(
        ins(db, 'traces', {
          run_id: run,
          problem_id: problem,
          sample_index: sample,
          prompt: `prompt ${k}`,
          reasoning: sample ? null : `Think about zebra${k} first.`,
          answer: `\\boxed{${2 * (k + 1)}}`,
          finish_reason: 'stop',
          prompt_tokens: 10 + k,
          completion_tokens: 100 * (k + 1),
          latency_ms: 50,
          attempts: 1 + sample,
          error: null,
        }),
      );
    }
  }
  const failed = ins(db, 'traces', {
    run_id: run,
    problem_id: problems[0]!,
    sample_index: 9,
    prompt: 'p',
    reasoning: null,
    answer: null,
    finish_reason: null,
    error: 'HTTP 500',
  });
  for (const [i, t] of traces.entries())
    ins(db, 'grades', {
      trace_id: t,
      extracted: String(i),
      verdict: i % 3 === 0 ? 'incorrect' : 'correct',
      detail: null,
      grader_version: 'g1',
    });
  const [tReject, tAccept, tStarOnly, tNotes] = traces;
  if (version < 4) {
    // one row per label: accept and reject on the same trace (reject wins), a star beside a decision,
    // a star alone, notes on several labels of one trace
    ins(db, 'labels', { trace_id: tReject, label: 'accept', note: null });
    ins(db, 'labels', { trace_id: tReject, label: 'reject', note: 'wrong sign' });
    ins(db, 'labels', { trace_id: tAccept, label: 'accept', note: null });
    ins(db, 'labels', { trace_id: tAccept, label: 'star', note: null });
    ins(db, 'labels', { trace_id: tStarOnly, label: 'star', note: null });
    ins(db, 'labels', { trace_id: tNotes, label: 'accept', note: 'clean' });
    ins(db, 'labels', { trace_id: tNotes, label: 'star', note: 'short, too' });
  } else {
    ins(db, 'labels', { trace_id: tReject, decision: 'reject', star: 0, note: 'wrong sign' });
    ins(db, 'labels', { trace_id: tAccept, decision: 'accept', star: 1, note: null });
    const action = ins(db, 'label_actions', {
      description: 'reject: trace 1',
      change: '{"decision":"reject"}',
      filter: null,
      count: 1,
    });
    ins(db, 'label_action_items', {
      action_id: action,
      trace_id: tReject,
      had_row: 0,
      decision: null,
      star: 0,
      note: null,
    });
    ins(db, 'saved_views', {
      name: 'long wrong',
      filter: '{"verdicts":["incorrect"]}',
      sort: '{"key":"length","desc":true}',
    });
    for (const t of traces) {
      ins(db, 'trace_signals', {
        trace_id: t,
        run_id: run,
        problem_id: 0,
        sample_index: 0,
        finish: 'stop',
        latency_ms: 50,
        verdict: null,
        subject: 'Algebra',
        level: '1',
        version: 3,
        flags: 5,
        reflection: 1,
        verification: 0,
        backtracking: 2,
        answers: 1,
        repetition: 0,
        mixed_language: 0,
        after_box: 0,
        boxed: 1,
        truncated: 0,
        no_box: 0,
        reasoning_tokens: 7,
        answer_tokens: 3,
        tokens: 10,
        tokens_estimated: 1,
      });
    }
  }
  const datasetRow: Row = {
    name: 'snap',
    filter: '{"preset":"w2sr"}',
    format: 'openai',
    file: '/out/snap.jsonl',
    counts: '{"train":2}',
  };
  if (version >= 4) datasetRow.options = '{"seed":4}';
  const dataset = ins(db, 'datasets', datasetRow);
  for (const [position, t] of [traces[1]!, traces[2]!].entries()) {
    ins(
      db,
      'dataset_traces',
      version >= 4
        ? { dataset_id: dataset, position, trace_id: t, split: position ? 'val' : 'train' }
        : { dataset_id: dataset, position, trace_id: t },
    );
  }
  return { traces, failed, tReject: tReject!, tAccept: tAccept!, tStarOnly: tStarOnly!, tNotes: tNotes! };
}

const TABLES_V1 = [
  'problem_sets',
  'problems',
  'templates',
  'jobs',
  'job_metrics',
  'runs',
  'traces',
  'grades',
  'datasets',
  'dataset_traces',
];
const TABLES_V4 = ['labels', 'label_actions', 'label_action_items', 'saved_views'];
const KEY: Record<string, string> = {
  job_metrics: 'job_id, name, step',
  dataset_traces: 'dataset_id, position',
  templates: 'name',
  saved_views: 'name',
  label_action_items: 'action_id, trace_id',
  trace_signals: 'trace_id',
  labels: 'trace_id',
  grades: 'trace_id',
};
const all = (db: Database, table: string): Row[] =>
  db.prepare(`SELECT * FROM ${table} ORDER BY ${KEY[table] ?? 'id'}`).all() as Row[];

describe('migrating a store from every older schema version', () => {
  for (let version = 1; version < SCHEMA_VERSION; version++) {
    for (const appId of [0, APPLICATION_ID]) {
      it(`from version ${version} (application_id ${appId ? 'set' : 'not yet set'}): every row kept, new columns at their defaults, old labels folded`, () => {
        const file = path.join(tempDir(), 'w2s.db');
        const raw = storeAt(file, version, appId);
        const ids = fill(raw, version);
        const tables = [...TABLES_V1, ...(version >= 4 ? [...TABLES_V4, 'trace_signals'] : [])];
        const before = new Map(tables.map((t) => [t, all(raw, t)]));
        raw.close();

        const store = openStore(file);
        try {
          const db = store.db;
          assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
          assert.equal(db.pragma('application_id', { simple: true }), APPLICATION_ID);
          assert.deepEqual(db.pragma('foreign_key_check'), [], 'no row points at nothing');
          assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
          for (const table of tables) {
            const after = all(db, table);
            const old = before.get(table)!;
            assert.equal(after.length, old.length, `${table}: as many rows`);
            // every column the row had, with its value; a column added since holds its default
            for (const [i, row] of old.entries()) {
              const now = after[i]!;
              const kept = Object.fromEntries(Object.keys(row).map((c) => [c, now[c]]));
              assert.deepEqual(kept, row, `${table} row ${i}`);
              const added = Object.keys(now).filter((c) => !(c in row));
              const defaults: Row = {
                owner: null,
                heartbeat_at: null,
                problem_limit: null,
                options: '{}',
                split: 'train',
              };
              for (const c of added) assert.equal(now[c], defaults[c], `${table}.${c}, added after version ${version}`);
            }
          }
          assert.ok(
            before.get('traces')!.length === 7 && before.get('job_metrics')!.length === 2,
            'the fixture is as described',
          );

          if (version < 4) {
            // the labels migration: one row per trace; reject over accept; a star kept; notes joined
            const labels = all(db, 'labels').map((r) => ({
              trace: r.trace_id,
              decision: r.decision,
              star: r.star,
              note: r.note,
            }));
            const notes = (n: unknown) => (typeof n === 'string' ? n.split('\n').sort() : n);
            assert.deepEqual(
              labels.map((l) => ({ ...l, note: notes(l.note) })),
              [
                { trace: ids.tReject, decision: 'reject', star: 0, note: ['wrong sign'] },
                { trace: ids.tAccept, decision: 'accept', star: 1, note: null },
                { trace: ids.tStarOnly, decision: null, star: 1, note: null },
                { trace: ids.tNotes, decision: 'accept', star: 1, note: ['clean', 'short, too'] },
              ].sort((a, b) => a.trace - b.trace),
            );
            assert.equal(all(db, 'trace_signals').length, 0, 'signals are computed after the upgrade, not made up');
            assert.deepEqual(all(db, 'saved_views'), []);
            assert.deepEqual(all(db, 'label_actions'), []);
          }
          // the upgraded store works on its old rows: triggers, full-text search, the new tables
          const hits = db.prepare("SELECT rowid FROM traces_fts WHERE traces_fts MATCH 'zebra1'").pluck().all();
          assert.deepEqual(hits, [ids.traces[2]], 'full-text search finds old text');
          db.prepare("UPDATE grades SET verdict = 'no-answer' WHERE trace_id = ?").run(ids.traces[1]);
          if (version >= 4)
            assert.equal(
              db.prepare('SELECT verdict FROM trace_signals WHERE trace_id = ?').pluck().get(ids.traces[1]),
              'no-answer',
            );
          db.prepare("UPDATE labels SET note = 'edited' WHERE trace_id = ?").run(ids.tReject);
          assert.ok(
            (db.prepare('SELECT count(*) FROM trace_changes WHERE trace_id = ?').pluck().get(ids.tReject) as number) >
              0,
            'label changes are logged',
          );
          const snap = db.prepare("SELECT id FROM datasets WHERE name = 'snap'").pluck().get() as number;
          db.prepare("INSERT INTO model_lineage (model, dataset_id) VALUES ('student', ?)").run(snap);
          assert.throws(
            () => db.prepare('DELETE FROM traces WHERE id = ?').run(ids.traces[1]),
            /FOREIGN KEY/,
            'a trace in a snapshot stays',
          );
        } finally {
          store.close();
        }
        // and opening it again changes nothing more
        const again = openStore(file);
        try {
          assert.equal(again.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
          assert.equal(all(again.db, 'traces').length, 7);
        } finally {
          again.close();
        }
      });
    }
  }
});
