import { W2sError } from '../errors';
import type { Store } from '../store/open';
import { checkFilter, type TraceFilter, type TraceSort } from './filter';
import { orderBy } from './query';

/** A saved view: a named filter (and sort), kept in the store so the view's menu and `--view` share it. */
export interface SavedView {
  readonly name: string;
  readonly filter: TraceFilter;
  readonly sort: TraceSort | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface Row {
  name: string;
  filter: string;
  sort: string | null;
  created_at: string;
  updated_at: string;
}

const toView = (r: Row): SavedView => ({
  name: r.name,
  filter: JSON.parse(r.filter) as TraceFilter,
  sort: r.sort ? (JSON.parse(r.sort) as TraceSort) : null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function checkViewName(name: string): string {
  const n = name.trim();
  if (!n || n.length > 100 || /[\u0000-\u001f]/.test(n))
    throw new W2sError(`A view name must be 1 to 100 printable characters (got ${JSON.stringify(name)}).`, 'BAD_VIEW');
  return n;
}

/** Saves (or replaces, with `replace`) a named view. The filter is checked first. */
export function saveView(
  store: Store,
  name: string,
  filter: TraceFilter,
  sort?: TraceSort | null,
  options: { replace?: boolean } = {},
): SavedView {
  const n = checkViewName(name);
  const f = checkFilter(filter, `view "${n}"`);
  if (sort) orderBy(sort); // throws on an unknown key
  const existing = findView(store, n);
  if (existing && !options.replace)
    throw new W2sError(`A view named "${n}" exists. Replace it (--replace), or choose another name.`, 'VIEW_EXISTS');
  store.db
    .prepare(
      `INSERT INTO saved_views (name, filter, sort) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET filter = excluded.filter, sort = excluded.sort, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
    )
    .run(n, JSON.stringify(f), sort ? JSON.stringify(sort) : null);
  return findView(store, n)!;
}

export function findView(store: Store, name: string): SavedView | undefined {
  const r = store.db.prepare('SELECT * FROM saved_views WHERE name = ?').get(name) as Row | undefined;
  return r && toView(r);
}

/** The view of this name, or an error listing the views there are. */
export function requireView(store: Store, name: string): SavedView {
  const v = findView(store, name);
  if (v) return v;
  const names = listViews(store).map((x) => x.name);
  throw new W2sError(
    `No saved view named "${name}"${names.length ? ` (views: ${names.join(', ')})` : ' (none saved yet: w2s views save NAME --filter EXPR)'}.`,
    'NO_VIEW',
  );
}

export function listViews(store: Store): SavedView[] {
  return (store.db.prepare('SELECT * FROM saved_views ORDER BY name').all() as Row[]).map(toView);
}

export function deleteView(store: Store, name: string): boolean {
  return store.db.prepare('DELETE FROM saved_views WHERE name = ?').run(name).changes > 0;
}

export function renameView(store: Store, from: string, to: string): SavedView {
  requireView(store, from);
  const n = checkViewName(to);
  if (findView(store, n)) throw new W2sError(`A view named "${n}" exists already.`, 'VIEW_EXISTS');
  store.db
    .prepare("UPDATE saved_views SET name = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE name = ?")
    .run(n, from);
  return findView(store, n)!;
}
