import * as fs from 'node:fs';
import type * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { problemLines, problemSetFile, type ProblemLines } from '../../core/problems/lines';
import { lineageByModel, type Lineage } from '../../core/results/lineage';
import { problemLineage, type ProblemLineage } from '../../core/results/problem-lineage';
import { setResults, type SetResults } from '../../core/results/problem-results';
import type { StoreService } from '../ui/store-service';
import { setSourceOf } from './documents';

export interface SetInfo {
  readonly name: string;
  readonly source: string;
  readonly problems: number;
  readonly updatedAt: string;
}

/**
 * What the Testing view and the hover read about sets: their problems' lines in the source file (re-read
 * only when the set or the file changes) and every model's per-problem results (re-read after the store
 * changes). Reads are small and synchronous; they happen on demand, never on a timer.
 */
export class ResultsIndex implements vscode.Disposable {
  private readonly lineCache = new Map<string, { key: string; value: ProblemLines | undefined }>();
  private readonly resultCache = new Map<string, SetResults>();
  private lineageCache: Map<string, Lineage> | undefined;
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly stores: StoreService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.sub = stores.onDidChange(() => {
      this.resultCache.clear();
      this.lineageCache = undefined;
    });
  }

  sets(): SetInfo[] {
    const store = this.stores.getIfExists();
    if (!store) return [];
    return (
      store.db.prepare('SELECT name, source, problem_count, updated_at FROM problem_sets ORDER BY name').all() as {
        name: string;
        source: string;
        problem_count: number;
        updated_at: string;
      }[]
    ).map((s) => ({ name: s.name, source: s.source, problems: s.problem_count, updatedAt: s.updated_at }));
  }

  /** The set whose source file this document is (the first, if several sets came from one file). */
  setForDocument(uri: vscode.Uri): SetInfo | undefined {
    const source = setSourceOf(uri);
    return source ? this.sets().find((s) => s.source === source) : undefined;
  }

  lines(set: SetInfo): ProblemLines | undefined {
    let mtime = '';
    try {
      mtime = String(fs.statSync(problemSetFile(set.source).file).mtimeMs);
    } catch {
      // a missing file has no lines; problemLines says why
    }
    const key = `${set.updatedAt}|${mtime}`;
    const hit = this.lineCache.get(set.name);
    if (hit?.key === key) return hit.value;
    let value: ProblemLines | undefined;
    try {
      const store = this.stores.getIfExists();
      value = store ? problemLines(store, set.name) : undefined;
      if (value?.stale)
        this.log.warn(`${set.name}: ${value.file} changed since it was imported; problems are matched to lines by id`);
    } catch (e) {
      this.log.warn(`${set.name}: no lines for its problems (${errorMessage(e)})`);
    }
    this.lineCache.set(set.name, { key, value });
    return value;
  }

  results(setName: string): SetResults | undefined {
    const hit = this.resultCache.get(setName);
    if (hit) return hit;
    const store = this.stores.getIfExists();
    if (!store) return undefined;
    const r = setResults(store, setName);
    this.resultCache.set(setName, r);
    return r;
  }

  /** Each linked model's lineage (re-read after the store changes, as the results are). */
  lineages(): ReadonlyMap<string, Lineage> {
    const store = this.stores.getIfExists();
    if (!store) return new Map();
    return (this.lineageCache ??= lineageByModel(store));
  }

  /**
   * The students trained on traces of one problem (read on each call: one indexed query, and links and
   * snapshots change from the CLI as well).
   */
  lineage(setName: string, problemKey: string): ProblemLineage[] {
    const store = this.stores.getIfExists();
    return store ? problemLineage(store, setName, problemKey) : [];
  }

  /** Forgets the per-problem results of a set (after this window graded new traces of it). */
  invalidate(setName: string): void {
    this.resultCache.delete(setName);
    this.lineageCache = undefined;
  }

  dispose(): void {
    this.sub.dispose();
  }
}
