import { html, LitElement, nothing, type TemplateResult } from 'lit';
import {
  GetProblemsRequest,
  ProblemSetInitNotification,
  type ProblemSetInit,
  type ProblemView,
} from '../../src/protocol/problems';
import '../shared/elements';
import { connect } from '../shared/ipc';
import { renderMarkdown } from '../shared/render-markdown';
import '../shared/theme.css';
import './styles.css';

interface State {
  set?: string;
  query?: string;
  loaded?: number;
  scrollY?: number;
  source?: boolean;
}

const PAGE = 100;
const ipc = connect<State>();

/** The Problem Set view: a set's problems, paged and filtered, with the trace browser's components and text rendering. */
class ProblemsApp extends LitElement {
  private init: ProblemSetInit | undefined;
  private state: State = ipc.getState() ?? {};
  private problems: ProblemView[] = [];
  private matched = 0;
  private loading = false;
  private error = '';
  private query = '';
  private searchTimer: number | undefined;
  /** Rendered questions by key and mode: markdown and KaTeX run once per problem. */
  private rendered = new Map<string, HTMLElement>();

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  async start(init: ProblemSetInit): Promise<void> {
    const restoring = this.state.set === init.set;
    this.init = init;
    this.rendered.clear();
    this.query = restoring ? (this.state.query ?? '') : '';
    await this.loadPage(true);
    // what was on screen before the view was hidden (state survives; the DOM does not)
    while (restoring && this.problems.length < (this.state.loaded ?? 0) && this.problems.length < this.matched)
      await this.loadPage(false);
    if (restoring && this.state.scrollY) {
      await this.updateComplete;
      window.scrollTo(0, this.state.scrollY);
    }
  }

  private save(patch: Partial<State>): void {
    this.state = { ...this.state, ...patch };
    ipc.setState(this.state);
  }

  async loadPage(reset: boolean): Promise<void> {
    if (!this.init || this.loading) return;
    this.loading = true;
    try {
      const r = await ipc.request(GetProblemsRequest, {
        set: this.init.set,
        offset: reset ? 0 : this.problems.length,
        limit: PAGE,
        query: this.query || undefined,
      });
      this.problems = reset ? r.problems : [...this.problems, ...r.problems];
      this.matched = r.matched;
      this.error = '';
      this.save({ set: this.init.set, query: this.query, loaded: this.problems.length, scrollY: window.scrollY });
    } catch (e) {
      this.error = `Could not load problems: ${(e as Error).message}`;
    } finally {
      this.loading = false;
      this.requestUpdate();
    }
  }

  onScroll(): void {
    if (this.state.set) this.save({ scrollY: window.scrollY });
    if (window.innerHeight + window.scrollY > document.body.offsetHeight - 400 && this.problems.length < this.matched)
      void this.loadPage(false);
  }

  private question(p: ProblemView): HTMLElement {
    const key = `${this.state.source ? 's' : 'r'}\u0000${p.key}`;
    let el = this.rendered.get(key);
    if (!el) {
      el = document.createElement('div');
      el.className = this.state.source ? 'question source' : 'question md';
      if (this.state.source) el.textContent = p.question;
      else el.appendChild(renderMarkdown(p.question, { code: false }));
      this.rendered.set(key, el);
    }
    return el;
  }

  protected override render(): TemplateResult {
    const init = this.init;
    if (!init) return html`<div class="loading"><vscode-progress-ring></vscode-progress-ring></div>`;
    return html`
      <header class="header">
        <h1>${init.set}</h1>
        <span class="meta"
          >${init.total} problems ·
          ${Object.entries(init.answerTypes)
            .map(([t, n]) => `${n} ${t}`)
            .join(', ')}
          · ${init.source}</span
        >
      </header>
      <div class="toolbar">
        <vscode-textfield
          class="search"
          type="search"
          placeholder="Filter problems (question or answer text)"
          label="Filter problems"
          .value=${this.query}
          @input=${(e: Event) => {
            this.query = (e.target as HTMLInputElement).value;
            window.clearTimeout(this.searchTimer);
            this.searchTimer = window.setTimeout(() => void this.loadPage(true), 200);
          }}
          ><vscode-icon slot="content-before" name="search"></vscode-icon
        ></vscode-textfield>
        <vscode-toolbar-button
          class="source-toggle"
          icon="code"
          label="Source"
          toggleable
          .checked=${Boolean(this.state.source)}
          title=${this.state.source ? 'Showing the questions as written: click for markdown and math rendered' : 'Show the questions as written'}
          @click=${() => {
            this.save({ source: !this.state.source });
            this.requestUpdate();
          }}
        ></vscode-toolbar-button>
      </div>
      <div class="summary" role="status" aria-live="polite" aria-atomic="true">
        ${this.error || (this.query ? `${this.matched} of ${init.total} problems match` : `showing ${this.problems.length} of ${init.total}`)}
      </div>
      <ol class="problems">
        ${this.problems.map((p) => this.problem(p))}
      </ol>
      ${this.problems.length < this.matched ? html`<vscode-button class="more" secondary @click=${() => void this.loadPage(false)}>Load more</vscode-button>` : nothing}
    `;
  }

  private problem(p: ProblemView): TemplateResult {
    const meta = Object.entries(p.metadata)
      .filter(([k, v]) => k !== 'solution' && (typeof v === 'string' || typeof v === 'number') && String(v).length < 80)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(' · ');
    return html`<li class="problem">
      <div class="row">
        <span class="key">${p.key}</span><vscode-badge class="type type-${p.answerType}">${p.answerType}</vscode-badge
        ><span class="pmeta">${meta}</span>
      </div>
      ${this.question(p)}
      ${
        p.choices?.length
          ? html`<ol class="choices" type="A">
              ${p.choices.map((c) => html`<li>${c}</li>`)}
            </ol>`
          : nothing
      }
      <div class="answer"><span class="label">answer </span><code>${p.answer}</code></div>
    </li>`;
  }
}

customElements.define('w2s-problems', ProblemsApp);
document.body.classList.add('in-editor');
const app = document.createElement('w2s-problems') as ProblemsApp;
document.getElementById('root')!.appendChild(app);
window.addEventListener('scroll', () => app.onScroll());
ipc.onNotification(ProblemSetInitNotification, (init) => void app.start(init));
ipc.ready();
