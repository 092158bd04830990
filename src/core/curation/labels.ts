import { W2sError } from '../errors';
import type { Store } from '../store/open';
import type { TraceFilter } from './filter';
import { selectTraceIds } from './query';
import type { TraceLabel } from './query';
import type { LabelChange } from '../../model/labels';
import { writeTransaction } from '../store/write-transaction';

/**
 * Labels: accept or reject (exclusive), a star, and a note, one `labels` row per trace (a trace with
 * none of them has no row). Every change is an *action* that records each trace's state before it, so
 * any action — one keystroke or a bulk label of 100,000 traces — can be undone exactly.
 */

export type { LabelChange } from '../../model/labels';

export interface LabelAction {
  readonly id: number;
  readonly description: string;
  readonly change: LabelChange;
  /** The filter of a bulk action (null when it named traces). */
  readonly filter: TraceFilter | null;
  /** Traces the action touched. */
  readonly count: number;
  readonly createdAt: string;
  readonly undoneAt: string | null;
}

export interface UndoResult {
  readonly action: LabelAction;
  /** Traces put back as they were. */
  readonly restored: number;
  /** Traces labelled again since the action (left as they are now), or deleted. */
  readonly skipped: number;
}

export const MAX_NOTE = 10_000;

function checkChange(change: LabelChange): void {
  if (
    change.decision !== undefined &&
    change.decision !== null &&
    change.decision !== 'accept' &&
    change.decision !== 'reject'
  ) {
    throw new W2sError(
      `label: decision must be accept, reject or null (got ${JSON.stringify(change.decision)}).`,
      'BAD_LABEL',
    );
  }
  if (change.star !== undefined && typeof change.star !== 'boolean')
    throw new W2sError('label: star must be true or false.', 'BAD_LABEL');
  if (change.note !== undefined && change.note !== null && typeof change.note !== 'string')
    throw new W2sError('label: note must be text or null.', 'BAD_LABEL');
  if (typeof change.note === 'string' && change.note.length > MAX_NOTE)
    throw new W2sError(`label: a note holds at most ${MAX_NOTE} characters.`, 'BAD_LABEL');
  if (change.decision === undefined && change.star === undefined && change.note === undefined)
    throw new W2sError('label: nothing to change.', 'BAD_LABEL');
}

function describe(change: LabelChange): string {
  const parts: string[] = [];
  if (change.decision !== undefined) parts.push(change.decision === null ? 'clear accept/reject' : change.decision);
  if (change.star !== undefined) parts.push(change.star ? 'star' : 'unstar');
  if (change.note !== undefined) parts.push(change.note === null || change.note === '' ? 'clear note' : 'note');
  return parts.join(', ');
}

interface State {
  decision: string | null;
  star: number;
  note: string | null;
}

function apply(before: State, change: LabelChange): State {
  return {
    decision: change.decision !== undefined ? change.decision : before.decision,
    star: change.star !== undefined ? (change.star ? 1 : 0) : before.star,
    note: change.note !== undefined ? (change.note === '' ? null : change.note) : before.note,
  };
}

const same = (a: State, b: State) => a.decision === b.decision && a.star === b.star && a.note === b.note;
const EMPTY: State = { decision: null, star: 0, note: null };

function applyAction(
  store: Store,
  traceIds: Iterable<number>,
  change: LabelChange,
  description: string,
  filter: TraceFilter | null,
): LabelAction {
  checkChange(change);
  const db = store.db;
  const read = db.prepare('SELECT decision, star, note FROM labels WHERE trace_id = ?');
  const exists = db.prepare('SELECT 1 FROM traces WHERE id = ? AND error IS NULL');
  const upsert = db.prepare(
    `INSERT INTO labels (trace_id, decision, star, note) VALUES (?, ?, ?, ?)
     ON CONFLICT (trace_id) DO UPDATE SET decision = excluded.decision, star = excluded.star, note = excluded.note,
       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
  );
  const remove = db.prepare('DELETE FROM labels WHERE trace_id = ?');
  const item = db.prepare(
    'INSERT INTO label_action_items (action_id, trace_id, had_row, decision, star, note) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const run = writeTransaction(db, () => {
    const actionId = Number(
      db
        .prepare('INSERT INTO label_actions (description, change, filter, count) VALUES (?, ?, ?, 0)')
        .run(description, JSON.stringify(change), filter ? JSON.stringify(filter) : null).lastInsertRowid,
    );
    let count = 0;
    for (const id of traceIds) {
      const row = read.get(id) as State | undefined;
      if (!row && !exists.get(id)) throw new W2sError(`label: no trace ${id} with text in the store.`, 'NO_TRACE');
      const before = row ?? EMPTY;
      const after = apply(before, change);
      if (same(before, after)) continue;
      item.run(actionId, id, row ? 1 : 0, before.decision, before.star, before.note);
      if (same(after, EMPTY)) remove.run(id);
      else upsert.run(id, after.decision, after.star, after.note);
      count++;
    }
    db.prepare('UPDATE label_actions SET count = ? WHERE id = ?').run(count, actionId);
    return actionId;
  });
  return findAction(store, run())!;
}

/** Labels the given traces (one action, undoable). Traces already in that state are left out of the action. */
export function labelTraces(store: Store, traceIds: readonly number[], change: LabelChange): LabelAction {
  const unique = [...new Set(traceIds)];
  const what = unique.length === 1 ? `trace ${unique[0]}` : `${unique.length} traces`;
  return applyAction(store, unique, change, `${describe(change)}: ${what}`, null);
}

/** Labels everything a filter selects now (one action, undoable). */
export function labelFiltered(
  store: Store,
  filter: TraceFilter,
  change: LabelChange,
  description?: string,
): LabelAction {
  // Ids first (a list of numbers, not rows): the labels being written are part of what a filter reads.
  const ids = [...selectTraceIds(store, filter)];
  return applyAction(
    store,
    ids,
    change,
    `${describe(change)}: ${description ?? 'bulk'} (${ids.length} selected)`,
    filter,
  );
}

/** The current labels of one trace. */
export function traceLabel(store: Store, traceId: number): TraceLabel {
  const row = store.db.prepare('SELECT decision, star, note FROM labels WHERE trace_id = ?').get(traceId) as
    State | undefined;
  return {
    decision: (row?.decision as TraceLabel['decision']) ?? null,
    star: row?.star === 1,
    note: row?.note ?? null,
  };
}

interface ActionRow {
  id: number;
  description: string;
  change: string;
  filter: string | null;
  count: number;
  created_at: string;
  undone_at: string | null;
}

function toAction(r: ActionRow): LabelAction {
  return {
    id: r.id,
    description: r.description,
    change: JSON.parse(r.change) as LabelChange,
    filter: r.filter ? (JSON.parse(r.filter) as TraceFilter) : null,
    count: r.count,
    createdAt: r.created_at,
    undoneAt: r.undone_at,
  };
}

export function findAction(store: Store, id: number): LabelAction | undefined {
  const r = store.db.prepare('SELECT * FROM label_actions WHERE id = ?').get(id) as ActionRow | undefined;
  return r && toAction(r);
}

/** Labelling actions, newest first. */
export function listActions(store: Store, limit = 50): LabelAction[] {
  return (store.db.prepare('SELECT * FROM label_actions ORDER BY id DESC LIMIT ?').all(limit) as ActionRow[]).map(
    toAction,
  );
}

/**
 * Undoes an action (default: the newest not undone): every trace it changed gets back its state from
 * before, unless that trace was labelled again since (then it keeps its newer labels and counts as
 * skipped). One transaction.
 */
export function undoAction(store: Store, actionId?: number): UndoResult {
  const db = store.db;
  const row = (
    actionId === undefined
      ? db.prepare('SELECT * FROM label_actions WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1').get()
      : db.prepare('SELECT * FROM label_actions WHERE id = ?').get(actionId)
  ) as ActionRow | undefined;
  if (!row)
    throw new W2sError(
      actionId === undefined
        ? 'Nothing to undo: no labelling action yet.'
        : `No labelling action ${actionId} (w2s label history lists them).`,
      'NO_ACTION',
    );
  if (row.undone_at)
    throw new W2sError(
      `Action ${row.id} ("${row.description}") was already undone at ${row.undone_at}.`,
      'ALREADY_UNDONE',
    );
  const change = JSON.parse(row.change) as LabelChange;
  const read = db.prepare('SELECT decision, star, note FROM labels WHERE trace_id = ?');
  const upsert = db.prepare(
    `INSERT INTO labels (trace_id, decision, star, note) VALUES (?, ?, ?, ?)
     ON CONFLICT (trace_id) DO UPDATE SET decision = excluded.decision, star = excluded.star, note = excluded.note,
       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
  );
  const remove = db.prepare('DELETE FROM labels WHERE trace_id = ?');
  const traceExists = db.prepare('SELECT 1 FROM traces WHERE id = ?');
  const result = writeTransaction(db, () => {
    let restored = 0;
    let skipped = 0;
    const items = db
      .prepare('SELECT trace_id, had_row, decision, star, note FROM label_action_items WHERE action_id = ?')
      .all(row.id) as (State & { trace_id: number; had_row: number })[];
    for (const it of items) {
      const before: State = { decision: it.decision, star: it.star, note: it.note };
      const now = (read.get(it.trace_id) as State | undefined) ?? EMPTY;
      if (!same(now, apply(before, change)) || !traceExists.get(it.trace_id)) {
        skipped++;
        continue;
      }
      if (it.had_row) upsert.run(it.trace_id, before.decision, before.star, before.note);
      else remove.run(it.trace_id);
      restored++;
    }
    db.prepare("UPDATE label_actions SET undone_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?").run(row.id);
    return { restored, skipped };
  })();
  return { action: findAction(store, row.id)!, ...result };
}
