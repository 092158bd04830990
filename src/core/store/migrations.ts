// Forward-only schema migrations keyed on PRAGMA user_version.
// The schema covers the whole pipeline (ARCHITECTURE.md §3) so later features add code, not churn.
// Never edit a migration that has shipped: append a new one.

export const MIGRATIONS: readonly string[] = [
  // 1: the whole pipeline
  `
  CREATE TABLE problem_sets (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    source        TEXT NOT NULL,
    source_hash   TEXT NOT NULL,
    options       TEXT NOT NULL DEFAULT '{}',
    problem_count INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );

  CREATE TABLE problems (
    id          INTEGER PRIMARY KEY,
    set_id      INTEGER NOT NULL REFERENCES problem_sets(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    position    INTEGER NOT NULL,
    question    TEXT NOT NULL,
    answer      TEXT NOT NULL,
    answer_type TEXT NOT NULL CHECK (answer_type IN ('math','number','choice','text')),
    choices     TEXT,
    metadata    TEXT NOT NULL DEFAULT '{}',
    UNIQUE (set_id, key)
  );
  CREATE INDEX problems_by_set_position ON problems(set_id, position);

  CREATE TABLE templates (
    name       TEXT PRIMARY KEY,
    api        TEXT NOT NULL CHECK (api IN ('chat','completions')),
    system     TEXT,
    user       TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );

  CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL CHECK (kind IN ('sft','eval')),
    cluster       TEXT NOT NULL,
    submission_id TEXT,
    spec          TEXT NOT NULL DEFAULT '{}',
    status        TEXT NOT NULL DEFAULT 'pending',
    output        TEXT NOT NULL DEFAULT '{}',
    log_offset    INTEGER NOT NULL DEFAULT 0,
    error         TEXT,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );

  CREATE TABLE job_metrics (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    step   INTEGER NOT NULL,
    name   TEXT NOT NULL,
    value  REAL NOT NULL,
    time   TEXT NOT NULL,
    PRIMARY KEY (job_id, name, step)
  ) WITHOUT ROWID;

  CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('sample','eval','import')),
    set_id      INTEGER NOT NULL REFERENCES problem_sets(id) ON DELETE RESTRICT,
    model       TEXT NOT NULL,
    endpoint    TEXT,
    job_id      INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
    template    TEXT,
    params      TEXT NOT NULL DEFAULT '{}',
    samples_per_problem INTEGER NOT NULL DEFAULT 1,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending','running','done','failed','cancelled','interrupted')),
    error       TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );

  CREATE TABLE traces (
    id                INTEGER PRIMARY KEY,
    run_id            INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    problem_id        INTEGER NOT NULL REFERENCES problems(id) ON DELETE RESTRICT,
    sample_index      INTEGER NOT NULL,
    prompt            TEXT NOT NULL,
    reasoning         TEXT,
    answer            TEXT,
    finish_reason     TEXT,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    latency_ms        INTEGER,
    attempts          INTEGER NOT NULL DEFAULT 1,
    error             TEXT,
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    UNIQUE (run_id, problem_id, sample_index)
  );
  CREATE INDEX traces_by_problem ON traces(problem_id);

  CREATE TABLE grades (
    trace_id       INTEGER PRIMARY KEY REFERENCES traces(id) ON DELETE CASCADE,
    extracted      TEXT,
    verdict        TEXT NOT NULL CHECK (verdict IN ('correct','incorrect','no-answer','error')),
    detail         TEXT,
    grader_version TEXT NOT NULL,
    graded_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  CREATE INDEX grades_by_verdict ON grades(verdict);

  CREATE TABLE labels (
    trace_id   INTEGER NOT NULL REFERENCES traces(id) ON DELETE CASCADE,
    label      TEXT NOT NULL CHECK (label IN ('accept','reject','star')),
    note       TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    PRIMARY KEY (trace_id, label)
  ) WITHOUT ROWID;

  CREATE TABLE datasets (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    filter     TEXT NOT NULL,
    format     TEXT NOT NULL,
    file       TEXT,
    counts     TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );

  CREATE TABLE dataset_traces (
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    trace_id   INTEGER NOT NULL REFERENCES traces(id) ON DELETE RESTRICT,
    PRIMARY KEY (dataset_id, position)
  ) WITHOUT ROWID;

  -- Full-text search over trace text, kept in step by triggers (external content: no second copy).
  CREATE VIRTUAL TABLE traces_fts USING fts5(
    reasoning, answer, content='traces', content_rowid='id', tokenize='unicode61'
  );
  CREATE TRIGGER traces_fts_insert AFTER INSERT ON traces BEGIN
    INSERT INTO traces_fts(rowid, reasoning, answer) VALUES (new.id, new.reasoning, new.answer);
  END;
  CREATE TRIGGER traces_fts_delete AFTER DELETE ON traces BEGIN
    INSERT INTO traces_fts(traces_fts, rowid, reasoning, answer) VALUES ('delete', old.id, old.reasoning, old.answer);
  END;
  CREATE TRIGGER traces_fts_update AFTER UPDATE OF reasoning, answer ON traces BEGIN
    INSERT INTO traces_fts(traces_fts, rowid, reasoning, answer) VALUES ('delete', old.id, old.reasoning, old.answer);
    INSERT INTO traces_fts(rowid, reasoning, answer) VALUES (new.id, new.reasoning, new.answer);
  END;
  `,
  // 2: run ownership, so a run left 'running' by a dead sampler (kill -9, VS Code closed) is seen as
  // interrupted at once (owner "host:pid" no longer alive) or once its heartbeat goes stale (other host).
  `
  ALTER TABLE runs ADD COLUMN owner TEXT;
  ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
  `,
  // 3: results. A model linked to the dataset snapshot it was fine-tuned on (by hand until SFT jobs record
  // it), so its results row names its teacher run and preset; and re-runs of some problems of an evaluation
  // (the Testing view's "rerun failed"), kept as runs of their own and layered over the evaluation they
  // re-run, so a re-sample never overwrites a stored trace.
  `
  CREATE TABLE model_lineage (
    model      TEXT PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  CREATE TABLE run_reruns (
    run_id   INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    rerun_of INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE
  );
  CREATE INDEX run_reruns_by_origin ON run_reruns(rerun_of);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
