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
  // 3: the problems a run covers: the first N of its set (in file order), or NULL for all. Stored so a
  // run sampled with --limit shows as limited, resumes with its own selection, and can be extended.
  `
  ALTER TABLE runs ADD COLUMN problem_limit INTEGER CHECK (problem_limit IS NULL OR problem_limit > 0);
  `,
  // 4: the trace browser (curation). Every name here is described in docs/ARCHITECTURE.md (curation).
  // - trace_signals: one narrow row per trace with text: the signals (style, failure, size) with their
  //   version, plus copies of what the browser filters, groups and sorts on (run, problem, sample,
  //   finish reason, latency, the grade's verdict, the problem's subject and level). Facets and pages scan
  //   this table and never the wide traces rows. The verdict copy is kept by triggers on grades, the
  //   subject/level copies by a trigger on problems; the trace's own fields never change once it has text.
  // - trace_changes: a log of the trace ids whose browser row or labels changed (kept by triggers).
  // - labels: one row per trace (accept | reject, star, a note) instead of one row per label.
  // - label_actions / label_action_items: what each labelling action changed, so it can be undone exactly.
  // - saved_views: named filters.
  // - datasets.options, dataset_traces.split: what an export needs to re-create its files exactly.
  `
  CREATE TABLE trace_signals (
    trace_id         INTEGER PRIMARY KEY REFERENCES traces(id) ON DELETE CASCADE,
    run_id           INTEGER NOT NULL,
    problem_id       INTEGER NOT NULL,
    sample_index     INTEGER NOT NULL,
    finish           TEXT,
    latency_ms       INTEGER,
    verdict          TEXT,
    subject          TEXT,
    level            TEXT,
    version          INTEGER NOT NULL,
    flags            INTEGER NOT NULL,
    reflection       INTEGER NOT NULL,
    verification     INTEGER NOT NULL,
    backtracking     INTEGER NOT NULL,
    answers          INTEGER NOT NULL,
    repetition       INTEGER NOT NULL,
    mixed_language   INTEGER NOT NULL,
    after_box        INTEGER NOT NULL,
    boxed            INTEGER NOT NULL,
    truncated        INTEGER NOT NULL,
    no_box           INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL,
    answer_tokens    INTEGER NOT NULL,
    tokens           INTEGER NOT NULL,
    tokens_estimated INTEGER NOT NULL
  );
  CREATE INDEX trace_signals_by_run ON trace_signals(run_id, problem_id, sample_index);
  CREATE INDEX trace_signals_by_problem ON trace_signals(problem_id);
  CREATE INDEX trace_signals_by_tokens ON trace_signals(tokens);
  CREATE INDEX trace_signals_by_version ON trace_signals(version);

  CREATE TRIGGER grades_signals_insert AFTER INSERT ON grades BEGIN
    UPDATE trace_signals SET verdict = new.verdict WHERE trace_id = new.trace_id;
  END;
  CREATE TRIGGER grades_signals_update AFTER UPDATE OF verdict ON grades BEGIN
    UPDATE trace_signals SET verdict = new.verdict WHERE trace_id = new.trace_id;
  END;
  CREATE TRIGGER grades_signals_delete AFTER DELETE ON grades BEGIN
    UPDATE trace_signals SET verdict = NULL WHERE trace_id = old.trace_id;
  END;
  CREATE TRIGGER problems_signals_metadata AFTER UPDATE OF metadata ON problems BEGIN
    UPDATE trace_signals SET
      subject = CASE WHEN json_valid(new.metadata) THEN nullif(trim(CAST(coalesce(json_extract(new.metadata, '$.subject'), json_extract(new.metadata, '$.type')) AS TEXT)), '') END,
      level = CASE WHEN json_valid(new.metadata) THEN nullif(trim(replace(lower(CAST(json_extract(new.metadata, '$.level') AS TEXT)), 'level', '')), '') END
    WHERE problem_id = new.id;
  END;
  -- Traces with text, counted from an index (the signals backlog) instead of reading the wide rows.
  CREATE INDEX traces_with_text ON traces(run_id) WHERE error IS NULL;

  -- Every change to a trace's browser row or labels, in order: an in-memory index of the browser
  -- (curation/trace-index.ts) reloads just these traces instead of the whole table. AUTOINCREMENT so
  -- that a sequence number is never reused after old entries are pruned.
  CREATE TABLE trace_changes (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    trace_id INTEGER NOT NULL
  );
  CREATE TRIGGER trace_signals_changed_insert AFTER INSERT ON trace_signals BEGIN
    INSERT INTO trace_changes (trace_id) VALUES (new.trace_id);
  END;
  CREATE TRIGGER trace_signals_changed_update AFTER UPDATE ON trace_signals BEGIN
    INSERT INTO trace_changes (trace_id) VALUES (new.trace_id);
  END;
  CREATE TRIGGER trace_signals_changed_delete AFTER DELETE ON trace_signals BEGIN
    INSERT INTO trace_changes (trace_id) VALUES (old.trace_id);
  END;

  ALTER TABLE labels RENAME TO labels_v1;
  CREATE TABLE labels (
    trace_id   INTEGER PRIMARY KEY REFERENCES traces(id) ON DELETE CASCADE,
    decision   TEXT CHECK (decision IN ('accept','reject')),
    star       INTEGER NOT NULL DEFAULT 0 CHECK (star IN (0,1)),
    note       TEXT,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  INSERT INTO labels (trace_id, decision, star, note)
    SELECT trace_id,
      CASE WHEN sum(label = 'reject') > 0 THEN 'reject' WHEN sum(label = 'accept') > 0 THEN 'accept' END,
      sum(label = 'star') > 0,
      group_concat(note, char(10))
    FROM labels_v1 GROUP BY trace_id;
  DROP TABLE labels_v1;
  CREATE TRIGGER labels_changed_insert AFTER INSERT ON labels BEGIN
    INSERT INTO trace_changes (trace_id) VALUES (new.trace_id);
  END;
  CREATE TRIGGER labels_changed_update AFTER UPDATE ON labels BEGIN
    INSERT INTO trace_changes (trace_id) VALUES (new.trace_id);
  END;
  CREATE TRIGGER labels_changed_delete AFTER DELETE ON labels BEGIN
    INSERT INTO trace_changes (trace_id) VALUES (old.trace_id);
  END;

  CREATE TABLE label_actions (
    id          INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    change      TEXT NOT NULL,
    filter      TEXT,
    count       INTEGER NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    undone_at   TEXT
  );
  -- The state of each trace before the action (had_row = 0: no labels row). No foreign key on the
  -- trace: an undo skips traces deleted since.
  CREATE TABLE label_action_items (
    action_id INTEGER NOT NULL REFERENCES label_actions(id) ON DELETE CASCADE,
    trace_id  INTEGER NOT NULL,
    had_row   INTEGER NOT NULL,
    decision  TEXT,
    star      INTEGER NOT NULL,
    note      TEXT,
    PRIMARY KEY (action_id, trace_id)
  ) WITHOUT ROWID;

  CREATE TABLE saved_views (
    name       TEXT PRIMARY KEY,
    filter     TEXT NOT NULL,
    sort       TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );

  ALTER TABLE datasets ADD COLUMN options TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE dataset_traces ADD COLUMN split TEXT NOT NULL DEFAULT 'train' CHECK (split IN ('train','val'));
  CREATE INDEX dataset_traces_by_trace ON dataset_traces(trace_id);
  `,
  // 5: results. A model linked to the dataset snapshot it was fine-tuned on (by hand until SFT jobs record
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
