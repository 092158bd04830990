import { html, LitElement, nothing, type TemplateResult } from 'lit';
import {
  CopyResultsRequest,
  ResultsStateNotification,
  RevealRunRequest,
  SelectResultsRequest,
  type ResultsState,
} from '../../src/protocol/results';
import { connect } from '../shared/ipc';
import { chartView } from './chart-view';
import { detailsView } from './details-view';
import './styles.css';
import { tableView } from './table-view';

/** What survives hiding the panel: the cell whose details are open. */
interface State {
  selected?: { model: string; set: string };
}

const ipc = connect<State>();
const FORMAT_NAME = { md: 'Markdown', latex: 'LaTeX', csv: 'CSV' } as const;

/**
 * The results panel: models × benchmarks with coverage, Δ and RGR (with their intervals and counts), the
 * named averages, a bar chart and one cell's details. Lit re-renders whenever a reactive property changes:
 * the state from the extension, the selected cell, the status line.
 */
class ResultsApp extends LitElement {
  static override properties = {
    state: { state: true },
    selected: { state: true },
    status: { state: true },
    error: { state: true },
  };

  declare state: ResultsState | undefined;
  declare selected: State['selected'];
  declare status: string;
  declare error: string;

  constructor() {
    super();
    this.state = undefined;
    this.selected = ipc.getState()?.selected;
    this.status = '';
    this.error = '';
  }

  // Light DOM: the page's stylesheet (theme variables) applies to everything.
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  show(s: ResultsState): void {
    this.state = s;
    this.status = '';
    this.error = s.error ?? '';
  }

  /** Sends the pickers' and checkboxes' current values (read from the DOM, so two quick changes never lose one). */
  private async select(): Promise<void> {
    const s = this.state;
    if (!s) return;
    const value = (cls: string) => this.querySelector<HTMLSelectElement>(`select.${cls}`)?.value || null;
    const sets = [...this.querySelectorAll<HTMLInputElement>('input.set')].filter((b) => b.checked).map((b) => b.value);
    this.status = 'computing…';
    try {
      this.show(
        await ipc.request(SelectResultsRequest, {
          base: value('base'),
          rl: value('rl'),
          sets: sets.length === s.availableSets.length ? null : sets,
        }),
      );
    } catch (e) {
      this.status = '';
      this.error = (e as Error).message;
    }
  }

  private copy(format: 'md' | 'latex' | 'csv'): void {
    void ipc.request(CopyResultsRequest, { format }).then(
      (r) => (this.status = `copied ${r.chars} characters as ${FORMAT_NAME[format]}`),
      (e: Error) => (this.status = e.message),
    );
  }

  /**
   * Opens a cell's details. From the keyboard (a click with detail 0: Enter or Space on the cell's button)
   * the focus goes to the details' heading, so a screen reader reads what opened; a mouse user keeps the
   * page where it is.
   */
  private choose(model: string, set: string, byKeyboard: boolean): void {
    this.selected = { model, set };
    ipc.setState({ selected: this.selected });
    if (byKeyboard) void this.updateComplete.then(() => this.querySelector<HTMLElement>('.details h2')?.focus());
  }

  protected override render(): TemplateResult {
    const s = this.state;
    const c = s?.comparison ?? null;
    const models = c?.models ?? [];
    const chosen = new Set(c?.sets.map((x) => x.name) ?? []);
    const picker = (cls: 'base' | 'rl', label: string, value: string | null) =>
      html`<label class="pick"
        ><span>${label} </span
        ><select
          class=${cls}
          aria-label=${cls === 'base' ? 'Base model' : 'RL reference'}
          @change=${() => void this.select()}
        >
          <option value="" ?selected=${!value}>(none)</option>
          ${models.map((m) => html`<option value=${m} ?selected=${m === value}>${m}</option>`)}
        </select></label
      >`;
    return html`<header class="header">
        <h1>Results</h1>
        ${picker('base', 'Base', c?.base ?? null)} ${picker('rl', 'RL reference', c?.rl ?? null)}
        <button class="copy-md" @click=${() => this.copy('md')} title="accuracy ± CI per cell, Avg., Δ and RGR (%) columns, for a paper">Copy as Markdown</button>
        <button class="copy-latex" @click=${() => this.copy('latex')} title="a booktabs table (\\usepackage{booktabs})">Copy as LaTeX</button>
        <button class="copy-csv" @click=${() => this.copy('csv')} title="every number, one line per model and benchmark">Copy as CSV</button>
        <span class="status" role="status">${this.status}</span>
      </header>
      <fieldset class="sets">
        <legend>Benchmarks</legend>
        ${(s?.availableSets ?? []).map(
          (name) =>
            html`<label class="set-choice"
              ><input
                type="checkbox"
                class="set"
                .value=${name}
                .checked=${chosen.has(name)}
                @change=${() => void this.select()}
              /><span> ${name}</span></label
            >`,
        )}
      </fieldset>
      ${this.error ? html`<div class="error">${this.error}</div>` : nothing}
      ${
        !c || c.rows.length === 0
          ? html`<div class="empty">
              No evaluations yet. Run "W2S: Evaluate Endpoint Model…" (or w2s eval) on a few benchmarks, then choose a
              base and an RL reference here.
            </div>`
          : html`${tableView(c, this.selected, (m, set, byKeyboard) => this.choose(m, set, byKeyboard))}
              <section class="chart">${chartView(c)}</section>
              <section class="details" id="details">
                ${detailsView(c, this.selected, (run, set) => void ipc.request(RevealRunRequest, { run, set }))}
              </section>
              <div class="notes">
                ${(c.notes ?? []).map((n) => html`<p>${n}</p>`)}
                ${c.base ? nothing : html`<p>Choose a base model for Δ.</p>`}${c.base && c.rl ? nothing : html`<p>Choose a base and an RL reference for RGR.</p>`}
              </div>`
      }`;
  }
}

customElements.define('w2s-results', ResultsApp);
const app = document.createElement('w2s-results') as ResultsApp;
document.getElementById('root')!.appendChild(app);
ipc.onNotification(ResultsStateNotification, (s) => app.show(s));
ipc.ready();
