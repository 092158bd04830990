import '@lit-labs/virtualizer';
import type { LitVirtualizer } from '@lit-labs/virtualizer/LitVirtualizer.js';
import { type RangeChangedEvent, type VisibilityChangedEvent } from '@lit-labs/virtualizer/events.js';
import { html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import * as P from '../../src/protocol/traces';
import '../shared/elements';
import { connect } from '../shared/ipc';
import '../shared/theme.css';
import { activeParts, toggleFacet, withText } from './filter-edit';
import { focusAfterRemoval, isNavKey, navigate } from './list-nav';
import { rowView } from './row-view';
import { RowCache } from './rows';
import './styles.css';

/** What survives hiding the view (the document is destroyed; this comes back through getState). */
interface State {
  filter: P.TraceFilter;
  sort: P.TraceSort;
  firstIndex: number;
  selectedId: number | null;
  facetsOpen: boolean;
  openSections: string[];
  view: string | null;
}

const PAGE = 100;
const ipc = connect<State>();

const FACET_SECTIONS: { facet: P.FacetName; title: string }[] = [
  { facet: 'verdict', title: 'Verdict' },
  { facet: 'label', title: 'Label' },
  { facet: 'signal', title: 'Signals' },
  { facet: 'run', title: 'Run' },
  { facet: 'model', title: 'Model' },
  { facet: 'set', title: 'Problem set' },
  { facet: 'finish', title: 'Finish reason' },
  { facet: 'length', title: 'Length (tokens)' },
  { facet: 'subject', title: 'Subject' },
  { facet: 'level', title: 'Level' },
];

const SORT_LABEL: Record<string, string> = {
  id: 'Newest last',
  problem: 'Problem',
  run: 'Run',
  length: 'Length',
  latency: 'Latency',
  verdict: 'Verdict',
};

/** The Traces view: facets with live counts, search, sort, and a virtualised list paged from the store. */
class TracesApp extends LitElement {
  // What the view shows: assigning one of these renders again. `state` (the webview's saved state) only
  // when a part the view shows changes: the scroll position and the selected id are saved while
  // scrolling and moving, and must not render the whole view again each time.
  static override properties: PropertyDeclarations = {
    init: { state: true },
    state: {
      state: true,
      hasChanged: (now: State, was: State | undefined) =>
        !was ||
        now.filter !== was.filter ||
        now.sort !== was.sort ||
        now.view !== was.view ||
        now.facetsOpen !== was.facetsOpen,
    },
    facets: { state: true },
    total: { state: true },
    selected: { state: true },
    loadingFilter: { state: true },
    showBusy: { state: true },
    error: { state: true },
    warnings: { state: true },
    lastAction: { state: true },
  };
  declare private init: P.TracesInit | undefined;
  declare private state: State;
  declare private facets: P.TraceFacets | undefined;
  declare private total: number;
  declare private selected: number;
  declare private loadingFilter: boolean;
  /** The spinner, shown only once a filter change has waited a while (see setLoading). */
  declare private showBusy: boolean;
  declare private error: string;
  declare private warnings: readonly string[];
  declare private lastAction: { text: string; undoable: boolean } | undefined;
  private signalInfo = new Map<string, P.SignalInfo>();
  /** The rows paged in so far: a cache filled in place, so each fill asks for an update itself. */
  private readonly rows = new RowCache(PAGE);
  private seq = 0;
  private busyTimer: number | undefined;
  private searchTimer: number | undefined;
  private changeTimer: number | undefined;
  private visible = { first: 0, last: 0 };
  /** The rows actually on screen (visible is the rendered range, a few rows wider): PageUp/PageDown's step. */
  private onScreen = { first: 0, last: 0 };
  private restoreIndex = -1;

  constructor() {
    super();
    this.init = undefined;
    this.facets = undefined;
    this.total = 0;
    this.selected = -1;
    this.loadingFilter = false;
    this.showBusy = false;
    this.error = '';
    this.warnings = [];
    this.lastAction = undefined;
    const saved = ipc.getState();
    this.state = {
      filter: saved?.filter ?? {},
      sort: saved?.sort ?? { key: 'id' },
      firstIndex: saved?.firstIndex ?? 0,
      selectedId: saved?.selectedId ?? null,
      facetsOpen: saved?.facetsOpen ?? true,
      openSections: saved?.openSections ?? ['verdict', 'label', 'signal', 'run'],
      view: saved?.view ?? null,
    };
    this.restoreIndex = this.state.firstIndex;
  }

  // Light DOM: the page's stylesheet (theme variables, codicons) applies to everything.
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  start(init: P.TracesInit): void {
    this.init = init;
    this.signalInfo = new Map(init.signals.map((s) => [s.name, s]));
    void this.applyFilter(this.state.filter, this.state.sort, { keepPosition: true });
  }

  private save(patch: Partial<State> = {}): void {
    this.state = { ...this.state, ...patch };
    ipc.setState(this.state);
  }

  private get virtualizer(): LitVirtualizer | null {
    return this.querySelector('lit-virtualizer');
  }

  // ---- loading ---------------------------------------------------------------------------------------

  /** A new filter or sort: facets and the first page in parallel; the list shows as soon as its page is in. */
  async applyFilter(
    filter: P.TraceFilter,
    sort: P.TraceSort,
    opts: { keepPosition?: boolean; view?: string | null } = {},
  ): Promise<void> {
    const started = performance.now();
    const seq = ++this.seq;
    this.save({
      filter,
      sort,
      view: opts.view === undefined ? this.state.view : opts.view,
      ...(opts.keepPosition ? {} : { firstIndex: 0 }),
    });
    if (!opts.keepPosition) this.restoreIndex = -1;
    this.setLoading(true);
    this.error = '';
    const start = opts.keepPosition ? Math.max(0, Math.floor(this.state.firstIndex / PAGE) * PAGE) : 0;
    // the page first: the extension answers in order, and the list should not wait for the counts
    const pageRequest = ipc.request(P.GetPageRequest, { filter, sort, offset: start, limit: PAGE, count: true });
    const facets = ipc.request(P.GetFacetsRequest, { filter }).then(
      (f) => {
        if (seq !== this.seq) return;
        this.facets = f;
        document.body.dataset.facetsSeq = String(seq);
      },
      (e: Error) => {
        if (seq === this.seq) this.fail(e);
      },
    );
    try {
      const page = await pageRequest;
      const pageMs = performance.now() - started;
      if (seq !== this.seq) return;
      this.total = page.total ?? 0;
      this.warnings = page.warnings;
      this.rows.reset(this.total);
      this.rows.fill(page.offset, page.rows);
      this.selected =
        this.state.selectedId !== null && opts.keepPosition
          ? this.rows.items.findIndex((r) => r?.id === this.state.selectedId)
          : -1;
      this.setLoading(false);
      this.requestUpdate(); // (the rows were filled in place)
      await this.updateComplete;
      if (!opts.keepPosition) this.virtualizer?.scrollToIndex(0, 'start');
      else if (this.restoreIndex > 0) {
        // back where it was before the view was hidden: once laid out, and again after the rows measured
        const v = this.virtualizer;
        await v?.layoutComplete?.catch(() => undefined);
        v?.scrollToIndex(this.restoreIndex, 'start');
        await new Promise((r) => requestAnimationFrame(() => r(undefined)));
        v?.scrollToIndex(this.restoreIndex, 'start');
        this.restoreIndex = -1;
      }
      // the list is on screen after the next frame
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
      const ms = performance.now() - started;
      document.body.dataset.renderSeq = String(seq);
      document.body.dataset.renderMs = ms.toFixed(1);
      document.body.dataset.pageMs = pageMs.toFixed(1);
      ipc.notify(P.RenderedNotification, { ms, total: this.total, seq });
      ipc.notify(P.FilterChangedNotification, { filter, sort, total: this.total });
    } catch (e) {
      if (seq === this.seq) this.fail(e as Error);
    }
    await facets;
  }

  /** The store changed: same filter, fresh counts and rows, the scroll position kept. */
  refreshLive(): void {
    window.clearTimeout(this.changeTimer);
    // bursts (a job writing a trace every few milliseconds) become one refresh
    this.changeTimer = window.setTimeout(() => void this.refreshNow(), 250);
  }

  private async refreshNow(): Promise<void> {
    if (this.loadingFilter) return;
    const seq = this.seq;
    const { filter, sort } = this.state;
    const first = Math.max(0, Math.floor(this.visible.first / PAGE) * PAGE);
    try {
      const [facets, page] = await Promise.all([
        ipc.request(P.GetFacetsRequest, { filter }),
        ipc.request(P.GetPageRequest, { filter, sort, offset: first, limit: PAGE, count: true }),
      ]);
      if (seq !== this.seq) return;
      this.facets = facets;
      this.total = page.total ?? this.total;
      this.rows.refresh(this.total);
      this.rows.fill(page.offset, page.rows);
      if (this.selected >= this.total) this.selected = this.total - 1;
      this.requestUpdate(); // (the rows were filled in place)
      await this.updateComplete;
      this.loadVisible();
      ipc.notify(P.FilterChangedNotification, { filter, sort, total: this.total });
    } catch (e) {
      this.fail(e as Error);
    }
  }

  private loadVisible(): void {
    const { first, last } = this.visible;
    for (const page of this.rows.due(first, last + 10)) void this.loadPage(page);
  }

  private async loadPage(page: number): Promise<void> {
    const seq = this.seq;
    this.rows.markLoading(page);
    try {
      const r = await ipc.request(P.GetPageRequest, {
        filter: this.state.filter,
        sort: this.state.sort,
        offset: page * PAGE,
        limit: PAGE,
      });
      if (seq !== this.seq) return;
      this.rows.fill(r.offset, r.rows);
      this.requestUpdate(); // (the rows were filled in place)
    } catch (e) {
      this.rows.failed(page);
      if (seq === this.seq) this.fail(e as Error);
    }
  }

  /**
   * Loading a new filter's list. The spinner waits 300 ms before it shows: most answers come sooner,
   * and its animation alone, drawn from the first frame, measurably slowed the answer it waited for
   * (webview ↔ extension host round trip ~120 → ~50 ms p50 at 1,000 traces on two cores).
   */
  private setLoading(on: boolean): void {
    this.loadingFilter = on;
    window.clearTimeout(this.busyTimer);
    this.showBusy = false;
    if (on)
      this.busyTimer = window.setTimeout(() => {
        this.showBusy = true;
      }, 300);
  }

  private fail(e: Error): void {
    this.setLoading(false);
    this.error = e.message;
  }

  // ---- actions ---------------------------------------------------------------------------------------

  private setFilter(filter: P.TraceFilter): void {
    void this.applyFilter(filter, this.state.sort, { view: null });
  }

  private onSearchInput(value: string, now = false): void {
    window.clearTimeout(this.searchTimer);
    const go = () => this.setFilter(withText(this.state.filter, value));
    if (now) go();
    else this.searchTimer = window.setTimeout(go, 250);
  }

  private select(index: number, open = false): void {
    if (index < 0 || index >= this.total) return;
    const previous = this.selected;
    this.selected = index;
    const row = this.rows.items[index];
    this.save({ selectedId: row?.id ?? null });
    this.scrollToRow(index, previous);
    if (open && row)
      void ipc.request(P.OpenTraceRequest, { traceId: row.id, text: this.state.filter.text, preserveFocus: true });
  }

  private async label(kind: 'accept' | 'reject' | 'star'): Promise<void> {
    const row = this.rows.items[this.selected];
    if (!row) return;
    const change: P.LabelChange =
      kind === 'star' ? { star: !row.label.star } : { decision: row.label.decision === kind ? null : kind };
    try {
      const r = await ipc.request(P.LabelTracesRequest, { traceIds: [row.id], change });
      for (const l of r.labels) this.rows.update(l.id, (x) => ({ ...x, label: l.label }));
      this.lastAction = { text: r.action.description, undoable: r.action.count > 0 };
    } catch (e) {
      this.fail(e as Error);
    }
  }

  private async bulkLabel(change: P.LabelChange, from: HTMLElement): Promise<void> {
    try {
      const action = await ipc.request(P.BulkLabelRequest, { filter: this.state.filter, change, expected: this.total });
      if (action) this.lastAction = { text: `${action.description}`, undoable: action.count > 0 };
    } catch (e) {
      this.fail(e as Error);
    }
    // the confirmation is the host's modal dialog: closed (Escape or a choice) focus would be on <body>
    focusControl(from);
  }

  private async undo(): Promise<void> {
    try {
      const r = await ipc.request(P.UndoLabelRequest, {});
      this.lastAction = r
        ? {
            text: `Undone: ${r.description} (${r.restored} restored${r.skipped ? `, ${r.skipped} kept` : ''})`,
            undoable: false,
          }
        : undefined;
    } catch (e) {
      this.fail(e as Error);
    }
  }

  private async saveView(from: HTMLElement): Promise<void> {
    try {
      const name = await ipc.request(P.SaveViewRequest, { filter: this.state.filter, sort: this.state.sort });
      if (name) {
        this.save({ view: name });
      }
    } catch (e) {
      this.fail(e as Error);
    }
    // the name is asked in the host's input box: once it closes, back to the button
    focusControl(from);
  }

  /** A chip removed: its filter applied, focus to the chip that took its place (else the search field). */
  private async removeChip(index: number, count: number, without: P.TraceFilter): Promise<void> {
    this.setFilter(without);
    await this.updateComplete;
    const next = focusAfterRemoval(index, count);
    const chips = this.querySelectorAll<HTMLElement>('.chips .chip:not(.clear)');
    if (next >= 0 && chips[next]) chips[next].focus();
    else this.focusSearch();
  }

  /**
   * The list's keys, bound on the list alone (the listbox): a button, the sort box or a checkbox keep
   * their own Enter and Space, and single-letter shortcuts never fire outside the list (WCAG 2.1.4).
   */
  onListKey(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (isNavKey(e.key)) {
      e.preventDefault();
      this.select(navigate(e.key, this.selected, this.total, this.onScreen.last - this.onScreen.first + 1));
      return;
    }
    const keys: Record<string, () => void> = {
      Enter: () => this.select(this.selected < 0 ? 0 : this.selected, true),
      ' ': () => this.select(this.selected < 0 ? 0 : this.selected),
      a: () => void this.label('accept'),
      r: () => void this.label('reject'),
      s: () => void this.label('star'),
      u: () => void this.undo(),
      '/': () => this.focusSearch(),
    };
    const f = keys[e.key];
    if (!f) return;
    e.preventDefault();
    f();
  }

  /**
   * Brings a row into view: a rendered one just enough (nearest); one outside the rendered range (End,
   * PageDown far down) by setting the scroller's position, rows being of one fixed height (row-view.ts),
   * at the edge it is coming from. (The virtualiser's own element(i).scrollIntoView left such a row
   * unrendered here.)
   */
  private scrollToRow(index: number, from: number): void {
    const v = this.virtualizer;
    if (!v) return;
    const row = v.querySelector<HTMLElement>(`#trace-row-${index}`);
    if (row) {
      row.scrollIntoView({ block: 'nearest' });
      return;
    }
    const height = v.querySelector<HTMLElement>('.row')?.offsetHeight || 62;
    v.scrollTop = index > from ? (index + 1) * height - v.clientHeight : index * height;
  }

  private observed: Element | null = null;
  private readonly rowsObserver = new MutationObserver(() => this.syncActiveDescendant());

  protected override updated(): void {
    // the virtualiser adds and removes rows on its own schedule (scrolling, End, PageDown): follow them
    const list = this.virtualizer;
    if (list !== this.observed) {
      this.rowsObserver.disconnect();
      if (list) this.rowsObserver.observe(list, { childList: true, subtree: true, attributeFilter: ['id'] });
      this.observed = list;
    }
    this.syncActiveDescendant();
  }

  /**
   * aria-activedescendant names the selected row only while it is in the DOM (the list renders ~20 of its
   * rows; an id that points at nothing is an error for a screen reader). Set after each render and each
   * change of the rows in the DOM.
   */
  private syncActiveDescendant(): void {
    const list = this.virtualizer;
    if (!list) return;
    const id = `trace-row-${this.selected}`;
    if (this.selected >= 0 && list.querySelector(`#${id}`)) list.setAttribute('aria-activedescendant', id);
    else list.removeAttribute('aria-activedescendant');
  }

  focusList(): void {
    this.virtualizer?.focus();
  }

  focusSearch(): void {
    const tf = this.querySelector('vscode-textfield') as (HTMLElement & { focus(): void }) | null;
    tf?.focus();
  }

  command(c: 'focusSearch' | 'clearFilter' | 'bulkLabel'): void {
    if (c === 'focusSearch') this.focusSearch();
    else if (c === 'clearFilter') void this.applyFilter({}, this.state.sort, { view: null });
  }

  // ---- rendering -------------------------------------------------------------------------------------

  protected override render(): TemplateResult {
    const f = this.state.filter;
    const parts = activeParts(f);
    return html`
      <div class="toolbar">
        <vscode-textfield
          class="search"
          placeholder="Search reasoning and answers  ( / )"
          label="Search traces"
          .value=${f.text ?? ''}
          @input=${(e: Event) => this.onSearchInput((e.target as HTMLInputElement).value)}
          @keydown=${(e: KeyboardEvent) => {
            if (e.key === 'Enter') this.onSearchInput((e.target as HTMLInputElement).value, true);
            else if (e.key === 'Escape') this.focusList();
          }}
          ><vscode-icon slot="content-before" name="search"></vscode-icon
        ></vscode-textfield>
      </div>
      <div class="toolbar second">
        <vscode-single-select
          class="sort"
          label="Sort by"
          .value=${this.state.sort.key}
          @change=${(e: Event) =>
            void this.applyFilter(
              f,
              {
                // (one of init.sortKeys, which the extension sent; it checks the key again)
                key: (e.target as HTMLSelectElement).value as P.TraceSort['key'],
                desc: this.state.sort.desc,
              },
              { view: null },
            )}
        >
          ${(this.init?.sortKeys ?? ['id']).map((k) => html`<vscode-option value=${k}>${this.sortLabel(k)}</vscode-option>`)}
        </vscode-single-select>
        <vscode-toolbar-button
          icon=${this.state.sort.desc ? 'arrow-down' : 'arrow-up'}
          label=${this.state.sort.desc ? 'Descending' : 'Ascending'}
          title=${this.state.sort.desc ? 'Descending: click for ascending' : 'Ascending: click for descending'}
          @click=${() => void this.applyFilter(f, { key: this.state.sort.key, desc: !this.state.sort.desc }, { view: null })}
        ></vscode-toolbar-button>
        <vscode-toolbar-button
          class="facets-toggle"
          icon="filter"
          label="Facets"
          title="Show or hide the facets"
          toggleable
          .checked=${this.state.facetsOpen}
          @click=${() => {
            this.save({ facetsOpen: !this.state.facetsOpen });
          }}
        ></vscode-toolbar-button>
        <span class="spacer"></span>
        <vscode-toolbar-button
          class="bulk-accept"
          icon="check-all"
          label="Accept all filtered"
          title="Accept every trace the filter selects…"
          @click=${(e: Event) => void this.bulkLabel({ decision: 'accept' }, e.currentTarget as HTMLElement)}
        ></vscode-toolbar-button>
        <vscode-toolbar-button
          class="bulk-reject"
          icon="close-all"
          label="Reject all filtered"
          title="Reject every trace the filter selects…"
          @click=${(e: Event) => void this.bulkLabel({ decision: 'reject' }, e.currentTarget as HTMLElement)}
        ></vscode-toolbar-button>
        <vscode-toolbar-button
          class="save-view"
          icon="save"
          label="Save view"
          title="Save this filter as a view…"
          @click=${(e: Event) => void this.saveView(e.currentTarget as HTMLElement)}
        ></vscode-toolbar-button>
      </div>
      <div class="body">
        ${this.state.facetsOpen ? this.renderFacets() : nothing}
        <div class="main">
          <div class="summary">
            <span class="count" role="status" aria-live="polite" aria-atomic="true"
              >${
                this.facets || this.total
                  ? html`<strong>${this.total.toLocaleString('en-US')}</strong> of
                      ${(this.facets?.all ?? this.total).toLocaleString('en-US')} traces`
                  : 'Loading…'
              }</span
            >
            ${this.state.view ? html`<span class="view-name" title="saved view"><span class="codicon codicon-bookmark"></span>${this.state.view}</span>` : nothing}
            ${this.loadingFilter && this.showBusy ? html`<vscode-progress-ring class="busy"></vscode-progress-ring>` : nothing}
            ${this.facets?.pendingSignals ? html`<span class="muted" title="Traces whose signals are being computed appear when they are done">+${this.facets.pendingSignals} pending</span>` : nothing}
          </div>
          ${
            parts.length
              ? html`<div class="chips">
                  ${parts.map(
                    (p, i) =>
                      html`<button
                        class="chip"
                        title="Remove this condition"
                        aria-label=${`Remove filter ${p.label}`}
                        @click=${() => void this.removeChip(i, parts.length, p.without)}
                      >
                        ${p.label}<span class="codicon codicon-close" aria-hidden="true"></span>
                      </button>`,
                  )}
                  <button
                    class="chip clear"
                    @click=${async () => {
                      this.setFilter({});
                      await this.updateComplete;
                      this.focusSearch();
                    }}
                  >
                    Clear all
                  </button>
                </div>`
              : nothing
          }
          ${this.error ? html`<div class="error" role="alert"><span class="codicon codicon-error"></span> ${this.error}</div>` : nothing}
          ${this.warnings.map((w) => html`<div class="warning"><span class="codicon codicon-warning"></span> ${w}</div>`)}
          ${this.renderList()}
          <div class="action-bar ${this.lastAction ? '' : 'idle'}" role="status" aria-live="polite" aria-atomic="true">
            ${
              this.lastAction
                ? html`<span class="codicon codicon-check" aria-hidden="true"></span
                    ><span class="action-text">${this.lastAction.text}</span>
                    ${this.lastAction.undoable ? html`<vscode-button class="undo" secondary @click=${() => void this.undo()}>Undo</vscode-button>` : nothing}`
                : nothing
            }
          </div>
        </div>
      </div>
    `;
  }

  private sortLabel(k: string): string {
    if (k.startsWith('signal:')) {
      const s = this.signalInfo.get(k.slice(7));
      return `Signal: ${s ? `${k.slice(7)}` : k.slice(7)}`;
    }
    return SORT_LABEL[k] ?? k;
  }

  private renderFacets(): TemplateResult {
    const facets = this.facets?.facets;
    return html`<div class="facets" role="group" aria-label="Facets">
      ${FACET_SECTIONS.map(({ facet, title }) => {
        const values = facets?.[facet] ?? [];
        if (facets && values.length === 0) return nothing;
        const open = this.state.openSections.includes(facet);
        const selected = values.filter((v) => v.selected).length;
        return html`<w2s-collapsible
          class="facet facet-${facet}"
          heading=${title}
          description=${selected ? `${selected} selected` : ''}
          ?open=${open}
          @vsc-collapsible-toggle=${(e: CustomEvent<{ open: boolean }>) => {
            const set = new Set(this.state.openSections);
            if (e.detail.open) set.add(facet);
            else set.delete(facet);
            this.save({ openSections: [...set] });
          }}
        >
          <div class="facet-values">
            ${facets ? values.map((v) => this.facetValue(facet, v)) : html`<span class="muted">…</span>`}
          </div>
        </w2s-collapsible>`;
      })}
    </div>`;
  }

  private facetValue(facet: P.FacetName, v: P.FacetValue): TemplateResult {
    const info = facet === 'signal' ? this.signalInfo.get(v.value) : undefined;
    const title = info ? info.description : (v.detail ?? v.value);
    const count = v.count.toLocaleString('en-US');
    // the name goes into the checkbox's own slot: its inner <label for=input> is what names the <input>
    // (an aria-label on the host never reaches it); the count is read with it, shown beside it
    return html`<div
      class="facet-value ${v.count === 0 && !v.selected ? 'empty' : ''}"
      title=${title}
      data-facet=${facet}
      data-value=${v.value}
    >
      <vscode-checkbox
        class="facet-check"
        .checked=${v.selected}
        @change=${(e: Event) => this.setFilter(toggleFacet(this.state.filter, facet, v, (e.target as HTMLInputElement).checked))}
        ><span class="facet-name"
          >${info ? html`<span class="tag tag-${info.kind}">${info.short}</span> ` : nothing}${v.value}<span
            class="sr-only"
            >, ${count}</span
          ></span
        ></vscode-checkbox
      >
      <span class="facet-count" aria-hidden="true">${count}</span>
    </div>`;
  }

  private renderList(): TemplateResult {
    if (this.facets && this.facets.all === 0 && !this.loadingFilter) {
      return html`<div class="empty-state">
        <p>No traces in this store yet.</p>
        <p class="muted">
          Sample a model's traces (W2S: Sample Traces…) or import them (<code>w2s import-traces</code>); they appear
          here as they arrive.
        </p>
      </div>`;
    }
    if (this.total === 0 && !this.loadingFilter && this.facets) {
      return html`<div class="empty-state">
        <p>No trace matches this filter.</p>
        <vscode-button secondary @click=${() => this.setFilter({})}>Clear the filter</vscode-button>
      </div>`;
    }
    return html`<div
      class="list"
      @click=${(e: Event) => {
        const row = (e.target as HTMLElement).closest('.row') as HTMLElement | null;
        if (row) this.select(Number(row.dataset.index), true);
      }}
    >
      <lit-virtualizer
        scroller
        role="listbox"
        tabindex="0"
        aria-label=${`Traces (${this.total.toLocaleString('en-US')})`}
        @keydown=${(e: KeyboardEvent) => this.onListKey(e)}
        .items=${this.rows.items}
        .renderItem=${(r: P.TraceRow | undefined, i: number) => rowView(r, i, i === this.selected, this.signalInfo, this.total)}
        @rangeChanged=${(e: RangeChangedEvent) => {
          this.visible = { first: e.first, last: e.last };
          this.loadVisible();
        }}
        @visibilityChanged=${(e: VisibilityChangedEvent) => {
          // not while restoring, and not as the view is being hidden (the list shrinks to nothing then)
          const shown = (e.target as HTMLElement).clientHeight > 0 && document.visibilityState === 'visible';
          if (shown) this.onScreen = { first: e.first, last: e.last };
          if (this.restoreIndex < 0 && !this.loadingFilter && shown) this.save({ firstIndex: e.first });
        }}
      ></lit-virtualizer>
    </div>`;
  }
}

/** Focuses a control; a vscode-toolbar-button's host does not take focus itself (no delegatesFocus), its inner button does. */
function focusControl(el: HTMLElement): void {
  (el.shadowRoot?.querySelector<HTMLElement>('button') ?? el).focus();
}

customElements.define('w2s-traces', TracesApp);
const app = document.createElement('w2s-traces') as TracesApp;
document.getElementById('root')!.appendChild(app);

ipc.onNotification(P.TracesInitNotification, (init) => app.start(init));
ipc.onNotification(P.TracesChangedNotification, () => app.refreshLive());
ipc.onNotification(
  P.ApplyFilterNotification,
  (p) => void app.applyFilter(p.filter, p.sort ?? { key: 'id' }, { view: p.view ?? null }),
);
ipc.onNotification(P.ViewCommandNotification, (p) => app.command(p.command));
ipc.ready();
