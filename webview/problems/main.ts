import { GetProblemsRequest, ProblemSetInitNotification, type ProblemSetInit, type ProblemView } from '../../src/protocol/problems';
import { connect, el } from '../shared/ipc';
import './styles.css';

interface State {
  set?: string;
  query?: string;
  loaded?: number;
  scrollY?: number;
}

const PAGE = 100;
const ipc = connect<State>();
const root = document.getElementById('root')!;
let init: ProblemSetInit | undefined;
let state: State = ipc.getState() ?? {};
let loaded = 0;
let matched = 0;
let loading = false;

const header = el('header', { className: 'header' });
const search = el('input', { className: 'search' }) as HTMLInputElement;
search.type = 'search';
search.placeholder = 'Filter problems (question or answer text)';
search.setAttribute('aria-label', 'Filter problems');
const summary = el('div', { className: 'summary' });
const list = el('ol', { className: 'problems' });
const more = el('button', { className: 'more', text: 'Load more' });
root.append(header, search, summary, list, more);

function renderHeader(): void {
  header.replaceChildren(
    el('h1', { text: init!.set }),
    el('span', {
      className: 'meta',
      text: `${init!.total} problems · ${Object.entries(init!.answerTypes)
        .map(([t, n]) => `${n} ${t}`)
        .join(', ')} · ${init!.source}`,
    }),
  );
}

function renderProblem(p: ProblemView): HTMLLIElement {
  const meta = Object.entries(p.metadata)
    .filter(([k, v]) => k !== 'solution' && (typeof v === 'string' || typeof v === 'number') && String(v).length < 80)
    .map(([k, v]) => `${k}: ${v}`)
    .join(' · ');
  const li = el(
    'li',
    { className: 'problem' },
    el('div', { className: 'row' }, el('span', { className: 'key', text: p.key }), el('span', { className: `type type-${p.answerType}`, text: p.answerType }), el('span', { className: 'pmeta', text: meta })),
    el('pre', { className: 'question', text: p.question }),
    el('div', { className: 'answer' }, el('span', { className: 'label', text: 'answer ' }), el('code', { text: p.answer })),
  );
  return li;
}

async function loadPage(reset: boolean): Promise<void> {
  if (!init || loading) return;
  loading = true;
  try {
    if (reset) {
      list.replaceChildren();
      loaded = 0;
    }
    const r = await ipc.request(GetProblemsRequest, { set: init.set, offset: loaded, limit: PAGE, query: search.value || undefined });
    matched = r.matched;
    for (const p of r.problems) list.appendChild(renderProblem(p));
    loaded += r.problems.length;
    summary.textContent = search.value ? `${matched} of ${init.total} problems match` : `showing ${loaded} of ${init.total}`;
    more.hidden = loaded >= matched;
    state = { set: init.set, query: search.value, loaded, scrollY: window.scrollY };
    ipc.setState(state);
  } catch (e) {
    summary.textContent = `Could not load problems: ${(e as Error).message}`;
  } finally {
    loading = false;
  }
}

let searchTimer: number | undefined;
search.addEventListener('input', () => {
  window.clearTimeout(searchTimer);
  searchTimer = window.setTimeout(() => void loadPage(true), 200);
});
more.addEventListener('click', () => void loadPage(false));
window.addEventListener('scroll', () => {
  if (state.set) ipc.setState({ ...state, scrollY: window.scrollY });
  if (window.innerHeight + window.scrollY > document.body.offsetHeight - 400 && loaded < matched) void loadPage(false);
});

ipc.onNotification(ProblemSetInitNotification, async (params) => {
  const restoring = state.set === params.set;
  init = params;
  renderHeader();
  search.value = restoring ? state.query ?? '' : '';
  await loadPage(true);
  // Restore what was on screen before the view was hidden (state survives; the DOM does not).
  while (restoring && loaded < (state.loaded ?? 0) && loaded < matched) await loadPage(false);
  if (restoring && state.scrollY) window.scrollTo(0, state.scrollY);
});
ipc.ready();
