import { html, LitElement, nothing, type TemplateResult } from 'lit';
import * as D from '../../src/protocol/trace-detail';
import type { LabelChange, TraceLabel, TraceRow } from '../../src/protocol/traces';
import '../shared/elements';
import { connect } from '../shared/ipc';
import type { MarkRange } from '../shared/markdown';
import { renderAnswer, renderHighlighted, renderMarkdown } from '../shared/render-markdown';
import { signalChips } from '../shared/signal-chips';
import '../shared/theme.css';
import { formatTokens, labelIcons, verdictBadge } from '../traces/row-view';
import './styles.css';

interface State {
  selection?: D.DetailSelection;
  source?: boolean;
}

const ipc = connect<State>();

/** The trace detail panel: one trace in full, or two side by side, and every sample of its problem. */
class TraceApp extends LitElement {
  private state: State = ipc.getState() ?? {};
  private data: D.DetailData | null | undefined;
  private error = '';
  private seq = 0;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  async show(sel: D.DetailSelection): Promise<void> {
    const seq = ++this.seq;
    this.save({ selection: sel });
    ipc.notify(D.SelectionChangedNotification, sel);
    try {
      const data = await ipc.request(D.GetTraceRequest, sel);
      if (seq !== this.seq) return;
      const moved = this.data?.trace.id !== data?.trace.id || this.data?.compare?.id !== data?.compare?.id;
      this.data = data;
      this.rendered = new Map();
      this.error = '';
      // another trace (or comparison) starts at its top; a refresh of the same one keeps the place
      if (moved) window.scrollTo(0, 0);
    } catch (e) {
      if (seq === this.seq) this.error = (e as Error).message;
    }
    this.requestUpdate();
  }

  /**
   * Another trace or a comparison, from a button that the new page no longer has: focus goes to what
   * replaced it (the trace shown, or Close comparison at the top), not to <body> or off screen.
   */
  private async open(sel: D.DetailSelection, focus: 'trace' | 'close-compare'): Promise<void> {
    await this.show(sel);
    await this.updateComplete;
    const target =
      focus === 'close-compare'
        ? this.querySelector<HTMLElement>('.close-compare')
        : this.querySelector<HTMLElement>(`article.trace[data-trace-id="${sel.traceId}"]`);
    target?.focus();
  }

  reload(): void {
    if (this.state.selection) void this.show(this.state.selection);
  }

  private save(patch: Partial<State>): void {
    this.state = { ...this.state, ...patch };
    ipc.setState(this.state);
  }

  private async label(traceId: number, change: LabelChange): Promise<void> {
    try {
      await ipc.request(D.LabelTraceRequest, { traceId, change });
      this.reload();
    } catch (e) {
      this.error = (e as Error).message;
      this.requestUpdate();
    }
  }

  /**
   * a / r / s label the trace, from the page's body only: on a control (button, note field, collapsible
   * header, link) a key is that control's (WCAG 2.1.4), and Enter and Space are never taken.
   */
  onKey(e: KeyboardEvent): void {
    if (onControl(e)) return;
    if (e.ctrlKey || e.metaKey || e.altKey || !this.data) return;
    const t = this.data.trace;
    if (e.key === 'a') void this.label(t.id, { decision: t.label.decision === 'accept' ? null : 'accept' });
    else if (e.key === 'r') void this.label(t.id, { decision: t.label.decision === 'reject' ? null : 'reject' });
    else if (e.key === 's') void this.label(t.id, { star: !t.label.star });
    else return;
    e.preventDefault();
  }

  protected override render(): TemplateResult {
    if (this.error)
      return html`<div class="error" role="alert"><span class="codicon codicon-error"></span> ${this.error}</div>`;
    if (this.data === undefined) return html`<div class="loading"><vscode-progress-ring></vscode-progress-ring></div>`;
    if (this.data === null) return html`<div class="empty-state">This trace is no longer in the store.</div>`;
    const { trace, compare, samples } = this.data;
    return html`
      <div class="toolbar">
        <vscode-toolbar-button
          class="source-toggle"
          icon="code"
          label="Source"
          toggleable
          .checked=${Boolean(this.state.source)}
          title=${this.state.source ? 'Showing the text exactly as the model wrote it: click for markdown and math rendered' : 'Show the text exactly as the model wrote it'}
          @click=${() => {
            this.save({ source: !this.state.source });
            this.requestUpdate();
          }}
        ></vscode-toolbar-button>
        ${
          compare
            ? html`<vscode-button
                secondary
                class="close-compare"
                @click=${() => void this.open({ traceId: trace.id, text: this.state.selection?.text }, 'trace')}
                >Close comparison</vscode-button
              >`
            : nothing
        }
      </div>
      <section class="problem">
        <h2>Problem <span class="muted">${trace.set} / ${trace.problemKey}</span></h2>
        <div class="md question">${this.md(trace.question, [], false)}</div>
        <div class="gold"><span class="muted">Gold</span> ${renderAnswer(trace.gold)}</div>
      </section>
      ${compare ? html`<div class="compare">${this.traceColumn(trace, true)}${this.traceColumn(compare, true)}</div>` : this.traceColumn(trace, false)}
      ${samples ? this.samplesView(samples, trace, compare) : nothing}
    `;
  }

  /** Rendered text, kept per data load: markdown and KaTeX run once, not on every re-render. */
  private rendered = new Map<string, HTMLElement>();

  private md(text: string, marks: readonly MarkRange[], code = true): HTMLElement {
    const key = `${this.state.source ? 's' : 'r'}${code ? 'c' : ''}\u0000${JSON.stringify(marks)}\u0000${text}`;
    let el = this.rendered.get(key);
    if (!el) {
      el = document.createElement('div');
      el.appendChild(
        this.state.source
          ? renderSource(text, marks)
          : renderMarkdown(text, { marks, code, onLink: (url) => void ipc.request(D.OpenLinkRequest, { url }) }),
      );
      this.rendered.set(key, el);
    }
    return el;
  }

  private marks(t: D.TraceDetail, field: 'reasoning' | 'answer'): MarkRange[] {
    const out: MarkRange[] = (t.hits?.[field] ?? []).map(([start, end]) => ({ kind: 'hit' as const, start, end }));
    if (t.extractedAt?.field === field)
      out.push({ kind: 'extracted', start: t.extractedAt.start, end: t.extractedAt.end });
    return out;
  }

  private traceColumn(t: D.TraceDetail, narrow: boolean): TemplateResult {
    const info = this.data!.signalInfo;
    return html`<article
      class="trace ${narrow ? 'narrow' : ''}"
      data-trace-id=${t.id}
      tabindex="-1"
      aria-label=${`Trace: ${t.run}, sample ${t.sampleIndex}, ${t.verdict}`}
    >
      <header class="trace-head">
        ${verdictBadge(t.verdict)}
        <span class="run" title=${`run ${t.run}`}>${t.run}</span>
        <span class="muted">sample ${t.sampleIndex} · ${t.model}</span>
        <span class="labels">${labelIcons(t)}</span>
      </header>
      ${this.labelBar(t.id, t.label)}
      <div class="extracted">
        <span class="muted">Extracted</span>
        ${t.extracted !== null ? renderAnswer(t.extracted) : html`<em class="muted">none</em>`}
        <span class="muted">vs gold</span> ${renderAnswer(t.gold)}
        ${t.gradeDetail ? html`<span class="muted" title="grader detail">(${t.gradeDetail})</span>` : nothing}
      </div>
      <dl class="facts">
        <dt>Finish</dt>
        <dd class=${t.finishReason === 'length' ? 'warn' : ''}>${t.finishReason ?? '—'}</dd>
        <dt>Tokens</dt>
        <dd title=${`source: ${t.tokens.source === 'usage' ? "the server's usage" : 'estimated from the text'}`}>
          ${formatTokens(t.tokens.total)} (${formatTokens(t.tokens.reasoning)} reasoning ·
          ${formatTokens(t.tokens.answer)} answer${t.tokens.source === 'estimate' ? ', estimated' : ''})
        </dd>
        <dt>Latency</dt>
        <dd>${t.latencyMs !== null ? `${(t.latencyMs / 1000).toFixed(2)} s` : '—'}</dd>
        <dt>Usage</dt>
        <dd>
          ${t.promptTokens ?? '—'} prompt · ${t.completionTokens ?? '—'} completion · ${t.attempts}
          attempt${t.attempts === 1 ? '' : 's'}
        </dd>
        <dt>Grader</dt>
        <dd>${t.graderVersion ?? 'not graded'}</dd>
      </dl>
      <div class="signals">
        ${signalChips(t.signals, t.present, (name) => info[name]).map(
          (c) =>
            html`<span class="signal ${c.present ? `present tag tag-${c.kind}` : 'absent'}" title=${c.tooltip}
              >${c.text}</span
            >`,
        )}
      </div>
      <w2s-collapsible
        class="reasoning"
        heading="Reasoning"
        description=${t.reasoning ? `${t.reasoning.length.toLocaleString('en-US')} chars` : 'none'}
        ?open=${Boolean(t.reasoning)}
      >
        <div class="md body">
          ${t.reasoning ? this.md(t.reasoning, this.marks(t, 'reasoning')) : html`<em class="muted">No separate reasoning (the server sent none, or it is in the answer).</em>`}
        </div>
      </w2s-collapsible>
      <w2s-collapsible class="answer" heading="Answer" open>
        <div class="md body">
          ${t.answer ? this.md(t.answer, this.marks(t, 'answer')) : html`<em class="muted">empty</em>`}
        </div>
      </w2s-collapsible>
      <w2s-collapsible class="prompt" heading="Prompt (exactly as sent)">
        <pre class="source">${t.prompt}</pre>
      </w2s-collapsible>
    </article>`;
  }

  private labelBar(id: number, l: TraceLabel): TemplateResult {
    // toggles: aria-pressed says which are on (the primary look alone said it to the eye only)
    return html`<div class="label-bar" role="group" aria-label="Label">
      <vscode-button
        class="accept"
        ?secondary=${l.decision !== 'accept'}
        aria-pressed=${String(l.decision === 'accept')}
        title="Accept (a)"
        @click=${() => void this.label(id, { decision: l.decision === 'accept' ? null : 'accept' })}
        ><vscode-icon name="check" slot="content-before"></vscode-icon>Accept</vscode-button
      >
      <vscode-button
        class="reject"
        ?secondary=${l.decision !== 'reject'}
        aria-pressed=${String(l.decision === 'reject')}
        title="Reject (r)"
        @click=${() => void this.label(id, { decision: l.decision === 'reject' ? null : 'reject' })}
        ><vscode-icon name="close" slot="content-before"></vscode-icon>Reject</vscode-button
      >
      <vscode-button
        class="star"
        ?secondary=${!l.star}
        aria-pressed=${String(l.star)}
        title="Star (s)"
        @click=${() => void this.label(id, { star: !l.star })}
        ><vscode-icon name=${l.star ? 'star-full' : 'star-empty'} slot="content-before"></vscode-icon
        >Star</vscode-button
      >
      <vscode-textfield
        class="note"
        placeholder="Note"
        label="Note"
        .value=${l.note ?? ''}
        @change=${(e: Event) => void this.label(id, { note: (e.target as HTMLInputElement).value || null })}
      ></vscode-textfield>
    </div>`;
  }

  private samplesView(s: D.ProblemSamples, trace: D.TraceDetail, compare: D.TraceDetail | null): TemplateResult {
    const text = this.state.selection?.text;
    const row = (r: TraceRow) =>
      html`<tr class=${r.id === trace.id || r.id === compare?.id ? 'current' : ''}>
        <td>${r.run}</td>
        <td>${r.sampleIndex}</td>
        <td>${verdictBadge(r.verdict)}</td>
        <td class="mono">${r.extracted ?? '—'}</td>
        <td>${formatTokens(r.tokens.total)}</td>
        <td>${labelIcons(r)}</td>
        <td class="actions">
          ${
            r.id === trace.id
              ? html`<span class="muted">shown</span>`
              : html`<vscode-button
                    secondary
                    class="open-sample"
                    aria-label=${`Open sample ${r.sampleIndex} of ${r.run}`}
                    @click=${() => void this.open({ traceId: r.id, text }, 'trace')}
                    >Open</vscode-button
                  >
                  <vscode-button
                    secondary
                    class="compare-sample"
                    aria-label=${`Compare with sample ${r.sampleIndex} of ${r.run}`}
                    @click=${() => void this.open({ traceId: trace.id, compareId: r.id, text }, 'close-compare')}
                    >Compare</vscode-button
                  >`
          }
        </td>
      </tr>`;
    return html`<section class="samples">
      <h2>Every sample of this problem <span class="muted">(${s.traces.length})</span></h2>
      <div class="pass-rates">
        ${s.runs.map(
          (r) =>
            html`<span class="pass-rate" title=${`${r.correct} correct of ${r.graded} graded (${r.samples} samples)`}
              ><strong>${r.run}</strong> ${r.passRate === null ? 'ungraded' : `${Math.round(r.passRate * 100)}% pass`}
              <span class="muted">(${r.correct}/${r.graded})</span></span
            >`,
        )}
      </div>
      <div class="table-scroll">
        <table class="sample-table">
          <thead>
            <tr>
              <th>Run</th>
              <th>#</th>
              <th>Verdict</th>
              <th>Extracted</th>
              <th>Tokens</th>
              <th>Label</th>
              <th><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            ${s.traces.map(row)}
          </tbody>
        </table>
      </div>
    </section>`;
  }
}

/** True when a key goes to a control (it is that control's key, not a page shortcut). */
function onControl(e: KeyboardEvent): boolean {
  for (const node of e.composedPath()) {
    if (!(node instanceof HTMLElement)) continue;
    if (node.isContentEditable) return true;
    if (
      /^(INPUT|TEXTAREA|SELECT|BUTTON|A|VSCODE-BUTTON|VSCODE-TEXTFIELD|VSCODE-TOOLBAR-BUTTON|VSCODE-CHECKBOX)$/.test(
        node.tagName,
      )
    )
      return true;
    const role = node.getAttribute('role');
    if (role && /^(button|link|textbox|checkbox|switch|combobox|menuitem|tab|option)$/.test(role)) return true;
  }
  return false;
}

/** Plain text with its highlights (the Source view). */
function renderSource(text: string, marks: readonly MarkRange[]): DocumentFragment {
  const frag = document.createDocumentFragment();
  const pre = document.createElement('div');
  pre.className = 'source';
  pre.appendChild(renderHighlighted(text, marks));
  frag.appendChild(pre);
  return frag;
}

customElements.define('w2s-trace', TraceApp);
document.body.classList.add('in-editor');
const app = document.createElement('w2s-trace') as TraceApp;
document.getElementById('root')!.appendChild(app);
document.addEventListener('keydown', (e) => app.onKey(e));
ipc.onNotification(D.ShowTraceNotification, (sel) => void app.show(sel));
ipc.onNotification(D.TraceChangedNotification, () => app.reload());
ipc.ready();
