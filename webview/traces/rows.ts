import type { TraceRow } from '../../src/protocol/traces';

/**
 * The list's rows as a sparse array the length of the whole selection (100,000 entries are cheap;
 * the rows themselves are fetched a page at a time, as the virtualiser shows them).
 */
export class RowCache {
  private rows: (TraceRow | undefined)[] = [];
  private readonly loading = new Set<number>();
  /** Pages fetched before the last refresh: shown until the fresh page arrives (no flicker, no jump). */
  private stale = new Set<number>();

  constructor(readonly pageSize: number) {}

  get length(): number {
    return this.rows.length;
  }

  get items(): (TraceRow | undefined)[] {
    return this.rows;
  }

  /** A new selection: everything goes. */
  reset(total: number): void {
    this.rows = new Array<TraceRow | undefined>(total);
    this.loading.clear();
    this.stale.clear();
  }

  /**
   * The same selection changed underneath (new traces, labels): the length follows the new total, the
   * rows already shown stay until their page is fetched again, every page is due again.
   */
  refresh(total: number): void {
    const old = this.rows;
    this.rows = new Array<TraceRow | undefined>(total);
    for (let i = 0; i < Math.min(total, old.length); i++) this.rows[i] = old[i];
    this.stale = new Set([...this.loadedPages(old.length)]);
    this.loading.clear();
  }

  private *loadedPages(length: number): Generator<number> {
    for (let p = 0; p * this.pageSize < length; p++) if (this.rows[p * this.pageSize] !== undefined) yield p;
  }

  /** Pages covering [first, last] that are neither loaded (fresh) nor loading. */
  due(first: number, last: number): number[] {
    const out: number[] = [];
    if (this.rows.length === 0 || last < 0) return out;
    const from = Math.max(0, Math.floor(first / this.pageSize));
    const to = Math.min(
      Math.floor((this.rows.length - 1) / this.pageSize),
      Math.floor(Math.max(first, last) / this.pageSize),
    );
    for (let p = from; p <= to; p++) {
      if (this.loading.has(p)) continue;
      if (this.rows[p * this.pageSize] === undefined || this.stale.has(p)) out.push(p);
    }
    return out;
  }

  markLoading(page: number): void {
    this.loading.add(page);
  }

  fill(offset: number, rows: readonly TraceRow[]): void {
    for (let i = 0; i < rows.length && offset + i < this.rows.length; i++) this.rows[offset + i] = rows[i];
    const page = Math.floor(offset / this.pageSize);
    this.loading.delete(page);
    this.stale.delete(page);
  }

  failed(page: number): void {
    this.loading.delete(page);
  }

  /** Replaces one row in place (a label changed) and returns whether it was there. */
  update(id: number, patch: (r: TraceRow) => TraceRow): boolean {
    const i = this.rows.findIndex((r) => r?.id === id);
    if (i < 0) return false;
    this.rows[i] = patch(this.rows[i]!);
    return true;
  }
}
