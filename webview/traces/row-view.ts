import { html, nothing, type TemplateResult } from 'lit';
import type { SignalInfo, TraceRow, Verdict } from '../../src/protocol/traces';
import { highlighted } from '../shared/highlight';
import { readableLine, readableTex, readableText } from '../shared/readable-tex';
import { signalWords } from '../shared/signal-chips';
import { readableExcerpt, splitAtFirstHit } from './excerpt';
import { rowLabel } from './list-nav';

export const VERDICT_ICON: Record<Verdict, string> = {
  correct: 'pass',
  incorrect: 'error',
  'no-answer': 'circle-slash',
  error: 'warning',
  ungraded: 'circle-outline',
};

export function verdictBadge(v: Verdict): TemplateResult {
  return html`<span class="verdict verdict-${v}" title=${`verdict: ${v}`}
    ><span class="codicon codicon-${VERDICT_ICON[v]}"></span>${v}</span
  >`;
}

export function labelIcons(r: Pick<TraceRow, 'label'>): TemplateResult {
  const l = r.label;
  // icons with a text alternative (role=img + aria-label): the label state is read, not only seen
  return html`${l.decision === 'accept' ? html`<span class="codicon codicon-check label-accept" role="img" aria-label="accepted" title="accepted"></span>` : nothing}${
    l.decision === 'reject'
      ? html`<span class="codicon codicon-close label-reject" role="img" aria-label="rejected" title="rejected"></span>`
      : nothing
  }${l.star ? html`<span class="codicon codicon-star-full label-star" role="img" aria-label="starred" title="starred"></span>` : nothing}${
    l.note
      ? html`<span
          class="codicon codicon-note muted"
          role="img"
          aria-label=${`note: ${l.note}`}
          title=${l.note}
        ></span>`
      : nothing
  }`;
}

/** The signals that mark a trace, in words, each with a tooltip saying what it measures. */
export function signalTags(present: readonly string[], info: ReadonlyMap<string, SignalInfo>): TemplateResult {
  return html`${present.map((name) => {
    const s = info.get(name);
    const words = signalWords(name);
    return html`<span class="tag tag-${s?.kind ?? 'style'}" title=${s ? `${words}: ${s.description}` : words}
      >${words}</span
    >`;
  })}`;
}

/** The search excerpt with its first hit starting at the row's middle (see excerpt.ts). */
function excerptView(text: string, hits: readonly (readonly [number, number])[]): TemplateResult {
  const r = readableExcerpt(text, hits, readableText);
  const s = splitAtFirstHit(r.text, r.hits);
  return html`<span class="excerpt-before"
      ><span class="excerpt-inner">${highlighted(s.before, s.beforeHits)}</span></span
    ><span class="excerpt-after">${highlighted(s.after, s.afterHits)}</span>`;
}

export function formatTokens(n: number): string {
  return n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

/** One list row: three lines of fixed height, so the virtualiser never has to re-measure (no jump). */
export function rowView(
  r: TraceRow | undefined,
  index: number,
  selected: boolean,
  info: ReadonlyMap<string, SignalInfo>,
  total: number,
): TemplateResult {
  // listbox options: a short name, and where the row sits in the whole list (most rows are not in the DOM).
  // The name is the option's content: a visually hidden rowLabel, the three visible lines hidden from
  // screen readers (an aria-label instead would not contain the visible text, WCAG 2.5.3)
  if (!r) {
    return html`<div
      class="row placeholder"
      id=${`trace-row-${index}`}
      data-index=${index}
      role="option"
      aria-selected="false"
      aria-busy="true"
      aria-label=${`Loading trace ${index + 1}`}
      aria-setsize=${total}
      aria-posinset=${index + 1}
    >
      <div class="line1"><span class="skeleton w40"></span></div>
      <div class="line2"><span class="skeleton w80"></span></div>
      <div class="line3"><span class="skeleton w60"></span></div>
    </div>`;
  }
  const answerMatches = r.extracted !== null && r.verdict === 'correct';
  return html`<div
    class="row ${selected ? 'selected' : ''}"
    id=${`trace-row-${index}`}
    data-index=${index}
    data-id=${r.id}
    role="option"
    aria-selected=${selected ? 'true' : 'false'}
    aria-setsize=${total}
    aria-posinset=${index + 1}
  >
    <span class="row-name sr-only">${rowLabel(r)}</span>
    <div class="line1" aria-hidden="true">
      ${verdictBadge(r.verdict)}
      <span class="key" title=${`${r.set} / problem ${r.problemKey}, sample ${r.sampleIndex}`}
        >${r.set}/${r.problemKey}${r.sampleIndex ? html`<span class="muted">#${r.sampleIndex}</span>` : nothing}</span
      >
      <span class="labels">${labelIcons(r)}</span>
      <span class="model muted" title=${`run ${r.run} · model ${r.model}`}>${r.model}</span>
    </div>
    <div aria-hidden="true" class="line2 ${r.snippet ? 'excerpt' : ''}" title=${r.question}>
      ${r.snippet ? excerptView(r.snippet.text, r.snippet.hits) : readableLine(r.question)}
    </div>
    <div class="line3" aria-hidden="true">
      <span
        class="answer ${answerMatches ? 'same' : 'differs'}"
        title=${`extracted ${r.extracted ?? '(none)'} · gold ${r.gold}`}
        ><span class="codicon codicon-arrow-right"></span
        ><code>${r.extracted !== null ? readableTex(r.extracted) : '—'}</code><span class="muted"> vs </span
        ><code>${readableTex(r.gold)}</code></span
      >
      <span
        class="len muted"
        title=${`${r.tokens.total} tokens (${r.tokens.source}) · ${r.tokens.reasoning} reasoning · ${r.tokens.answer} answer${r.finishReason ? ` · finish ${r.finishReason}` : ''}`}
        >${formatTokens(r.tokens.total)} tok</span
      >
      <span class="signals">${signalTags(r.present, info)}</span>
    </div>
  </div>`;
}
