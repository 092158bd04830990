import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { comparisonChoices } from '../../core/results/choices';
import { buildComparison, createComparisonCache, type Comparison } from '../../core/results/comparison';
import { listEvalRuns } from '../../core/results/eval-runs';
import { notes, toCompactMarkdown, toCsv, toLatex } from '../../core/results/format';
import {
  CopyResultsRequest,
  ResultsStateNotification,
  RevealRunRequest,
  SelectResultsRequest,
  type ComparisonView,
  type ResultsSelection,
  type ResultsState,
} from '../../protocol/results';
import { setting } from '../ui/settings';
import type { StoreService } from '../ui/store-service';
import { createPanelController, type PanelController, type PanelContext } from '../ui/webview-panel';

const FORMAT_NAME = { md: 'Markdown', latex: 'LaTeX', csv: 'CSV' } as const;

/** The comparison settings a user chooses (w2s.results.*), as `w2s results` takes them on its command line. */
function settings(): ReturnType<typeof comparisonChoices> {
  const values: Record<string, unknown> = {
    rgrMinGap: setting('results.rgrMinGap'),
    average: setting('results.average'),
    rgrMean: setting('results.rgrMean'),
    majVote: setting('results.majVote'),
  };
  return comparisonChoices((key) => values[key]);
}

/** The comparison with the notes `w2s results` prints under its table (what each number is, how it was made). */
function view(c: Comparison): ComparisonView {
  return { ...c, notes: notes(c) };
}

const SELECTION_KEY = 'w2s.results.selection';

/** The one comparison panel; opened with a selection (an experiment's base, RL and sets), it shows that. */
export interface ResultsPanelArgs {
  readonly selection?: ResultsSelection;
}

/**
 * A selection passed to `w2s.openResults` (by an experiment, or a command link): checked field by field,
 * since a command's argument can come from anywhere. Undefined keeps the panel's own.
 */
export function selectionArg(arg: unknown): ResultsSelection | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const a = arg as Record<string, unknown>;
  const model = (v: unknown) => (typeof v === 'string' && v ? v : null);
  const sets = Array.isArray(a.sets) ? a.sets.filter((x): x is string => typeof x === 'string' && x !== '') : [];
  return { base: model(a.base), rl: model(a.rl), sets: sets.length ? sets : null };
}

/** The models × benchmarks comparison: one panel. */
export function comparisonPanel(
  context: vscode.ExtensionContext,
  stores: StoreService,
  log: vscode.LogOutputChannel,
): PanelController<ResultsPanelArgs> {
  return createPanelController<ResultsPanelArgs>(
    {
      viewType: 'w2s.results',
      app: 'results',
      key: () => '',
      title: () => 'W2S Results',
      // always restored: the selection lives in the workspace state
      restore: () => ({}),
      // While sampling, the store changes several times a second: recompute at most every 1.5 s.
      refreshDelayMs: 1500,
      setup: (ctx, args) => comparisonContent(ctx, context, stores, log, args.selection),
    },
    context.extensionUri,
    log,
  );
}

function comparisonContent(
  { host, refreshSoon }: PanelContext,
  context: vscode.ExtensionContext,
  stores: StoreService,
  log: vscode.LogOutputChannel,
  opened: ResultsSelection | undefined,
) {
  const cache = createComparisonCache();
  let selection: ResultsSelection = opened ??
    context.workspaceState.get<ResultsSelection>(SELECTION_KEY) ?? {
      base: null,
      rl: null,
      sets: null,
    };
  if (opened) void context.workspaceState.update(SELECTION_KEY, opened);
  let last: Comparison | undefined;
  let computing: Promise<ResultsState> | undefined;
  let dirty = false;

  // Bootstrap intervals for a large table take a while: yield between evaluations so the host stays responsive.
  const yieldEvery = () => new Promise<void>((r) => setImmediate(r));
  const compute = async (): Promise<ResultsState> => {
    const store = stores.getIfExists();
    if (!store)
      return {
        selection,
        availableSets: [],
        comparison: null,
        error: 'No W2S store in this workspace yet: evaluate a model first (W2S: Evaluate Endpoint Model…).',
      };
    const availableSets = [...new Set(listEvalRuns(store).map((r) => r.setName))];
    const sets = selection.sets?.filter((s) => availableSets.includes(s));
    try {
      last = await buildComparison(store, {
        ...settings(),
        base: selection.base ?? undefined,
        rl: selection.rl ?? undefined,
        sets: sets?.length ? sets : undefined,
        cache,
        yieldEvery,
      });
      return { selection, availableSets, comparison: view(last), error: null };
    } catch (e) {
      // A base or RL model that is gone (runs deleted): show the table without it, and say so.
      last = await buildComparison(store, { ...settings(), sets: sets?.length ? sets : undefined, cache, yieldEvery });
      return { selection, availableSets, comparison: view(last), error: errorMessage(e) };
    }
  };
  /** Recomputes at most once at a time; a change that arrives meanwhile triggers one more pass. */
  const refresh = (): void => {
    if (computing) {
      dirty = true;
      return;
    }
    computing = compute();
    void computing
      .then((state) => host.notify(ResultsStateNotification, state))
      .catch((e) => log.error(`results: ${errorMessage(e)}`))
      .finally(() => {
        computing = undefined;
        if (dirty) {
          dirty = false;
          refreshSoon();
        }
      });
  };

  host.onRequest(SelectResultsRequest, async (s) => {
    selection = { base: s.base || null, rl: s.rl || null, sets: s.sets && s.sets.length ? [...s.sets] : null };
    await context.workspaceState.update(SELECTION_KEY, selection);
    while (computing) await computing;
    const state = await compute();
    return state;
  });
  host.onRequest(CopyResultsRequest, async ({ format }) => {
    if (!last) throw new Error('Nothing to copy yet.');
    // Markdown and LaTeX for a paper (accuracy ± CI per cell, Δ and RGR in their own columns); CSV with every number
    const text = format === 'csv' ? toCsv(last) : format === 'latex' ? toLatex(last) : toCompactMarkdown(last);
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage(`W2S: results copied as ${FORMAT_NAME[format]}`, 3000);
    return { chars: text.length };
  });
  host.onRequest(RevealRunRequest, async ({ set }) => {
    await vscode.commands.executeCommand('w2s.openProblemSetFile', set);
    return null;
  });
  const subs = [
    stores.onDidChange(refreshSoon),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('w2s.results')) refreshSoon();
    }),
  ];
  return {
    // Each ready (first load, shown again) and each change: the comparison is recomputed (cached per run).
    refresh: () => refresh(),
    // "W2S: Open Results" on the open panel recomputes too, with the selection it was given
    reveal: (args: ResultsPanelArgs) => {
      if (args.selection) {
        selection = args.selection;
        void context.workspaceState.update(SELECTION_KEY, selection);
      }
      refresh();
    },
    dispose: () => {
      for (const s of subs) s.dispose();
    },
  };
}
