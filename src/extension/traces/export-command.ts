import * as path from 'node:path';
import * as vscode from 'vscode';
import { countTraces, formatFilterExpression, isEmptyFilter, listViews, type TraceFilter } from '../../core/curation';
import { errorMessage } from '../../core/errors';
import { andFilters } from '../../core/curation/filter';
import {
  checkDatasetName,
  EXPORT_DEFAULTS,
  EXPORT_FORMATS,
  exportDataset,
  findDataset,
  presetFilter,
  skippedReasons,
  type ExportFormat,
  type ExportPreset,
  type ExportRequest,
  type ReasoningMode,
} from '../../core/export';
import type { StoreService } from '../ui/store-service';
import { inputStep, pickManyStep, pickStep } from '../ui/steps';
import { reportError } from '../ui/report-error';

/** Everything the command asks, all optional: given ones skip their picker (keybindings, tests). */
export interface ExportArgs {
  readonly preset?: ExportPreset;
  readonly filter?: TraceFilter;
  readonly view?: string;
  readonly format?: ExportFormat;
  readonly name?: string;
  readonly out?: string;
  readonly reasoning?: ReasoningMode;
  readonly system?: string | null;
  readonly maxPerProblem?: number;
  readonly dropTruncated?: boolean;
  readonly dedupe?: boolean;
  readonly valFraction?: number;
  readonly seed?: number;
}

const PRESETS: { preset: ExportPreset; label: string; detail: string }[] = [
  {
    preset: 'w2sr',
    label: 'W2SR: every trace',
    detail: "The paper's main setting: correct and incorrect traces alike (incorrect traces teach too).",
  },
  {
    preset: 'w2sr-p',
    label: 'W2SR-P: correct traces only',
    detail: 'Only traces the grader marked correct; trains ~25× faster.',
  },
  {
    preset: 'incorrect',
    label: 'Incorrect traces only',
    detail: 'Incorrect and no-answer traces (the paper\'s "-deltrue" ablation).',
  },
  { preset: 'accepted', label: 'Accepted traces', detail: 'Traces you accepted in the trace browser.' },
];

const FORMATS: Record<ExportFormat, string> = {
  openai: 'OpenAI chat JSONL ({"messages": [...]})',
  sharegpt: 'ShareGPT JSONL ({"conversations": [...]})',
  alpaca: 'Alpaca JSONL ({"instruction", "input", "output"})',
};

type Selection = { preset: ExportPreset; filter: TraceFilter; what: string };

/**
 * "W2S: Export SFT Dataset…": what (a preset, the Traces view's filter, or a saved view), the format,
 * the options, a snapshot name and the file; then a cancellable progress notification while core's
 * `exportDataset` writes a temporary file and renames it once the snapshot is stored.
 */
export async function exportDatasetCommand(
  stores: StoreService,
  log: vscode.LogOutputChannel,
  currentFilter: () => TraceFilter,
  args: ExportArgs = {},
): Promise<string | undefined> {
  let store;
  try {
    store = stores.get();
  } catch (e) {
    void reportError(log, 'export', e);
    return undefined;
  }
  const selection = await pickSelection(store, currentFilter(), args);
  if (!selection) return undefined;
  const selected = countTraces(store, andFilters(presetFilter(selection.preset), selection.filter));
  if (selected === 0) {
    void vscode.window.showWarningMessage(`${selection.what} selects no traces: nothing to export.`);
    return undefined;
  }
  const format =
    args.format ??
    (
      await pickStep(
        EXPORT_FORMATS.map((f) => ({
          label: f,
          description: FORMATS[f],
          detail: 'with its LLaMA-Factory dataset_info.json entry',
          format: f,
        })),
        { title: `W2S: Export ${selected.toLocaleString('en-US')} traces — format`, step: 2, totalSteps: 5 },
      )
    )?.format;
  if (!format) return undefined;
  const options = await pickOptions(args);
  if (!options) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? path.dirname(stores.file ?? '.');
  const suggested = `${selection.preset}-${new Date().toISOString().slice(0, 10)}`;
  const name =
    args.name ??
    (await inputStep({
      title: 'W2S: Export — dataset name',
      step: 4,
      totalSteps: 5,
      prompt: 'Names the snapshot of the chosen traces (re-create it any time) and the LLaMA-Factory dataset key.',
      value: uniqueName(suggested, (n) => Boolean(findDataset(store, n))),
      validate: (v) => {
        try {
          checkDatasetName(v);
          return findDataset(store, v) ? `A snapshot named "${v}" exists: choose another name.` : undefined;
        } catch (e) {
          return errorMessage(e);
        }
      },
    }));
  if (!name) return undefined;
  const out =
    args.out ??
    (
      await vscode.window.showSaveDialog({
        title: 'W2S: Export SFT dataset to',
        defaultUri: vscode.Uri.file(path.join(folder, 'datasets', `${name}.jsonl`)),
        filters: { 'JSON Lines': ['jsonl'] },
        saveLabel: 'Export',
      })
    )?.fsPath;
  if (!out) return undefined;

  const request: ExportRequest = { name, preset: selection.preset, filter: selection.filter, format, out, ...options };
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `W2S: exporting ${name}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let last = 0;
        try {
          return await exportDataset(store, {
            ...request,
            signal: abort.signal,
            onProgress: (done, total) => {
              if (!total) return;
              progress.report({
                message: `${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} traces`,
                increment: ((done - last) / total) * 100,
              });
              last = done;
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );
    stores.notifyChanged();
    const c = result.snapshot.counts;
    const reasons = skippedReasons(c.skipped);
    const message = `Exported ${name}: ${c.train.toLocaleString('en-US')} train${c.val ? ` + ${c.val.toLocaleString('en-US')} validation` : ''} examples from ${c.problems} problems${reasons.length ? `; left out ${reasons.join(', ')}` : ''} → ${result.paths.train}`;
    log.info(`${message} (${Math.round(result.tracesPerSecond)} traces/s)`);
    void vscode.window.showInformationMessage(message, 'Open File').then((a) => {
      if (a) void vscode.window.showTextDocument(vscode.Uri.file(result.paths.train), { preview: true });
    });
    return result.paths.train;
  } catch (e) {
    void reportError(log, 'export failed', e);
    return undefined;
  }
}

async function pickSelection(
  store: Parameters<typeof listViews>[0],
  current: TraceFilter,
  args: ExportArgs,
): Promise<Selection | undefined> {
  if (args.view) {
    const v = listViews(store).find((x) => x.name === args.view);
    if (!v) {
      void vscode.window.showErrorMessage(`No saved view named "${args.view}".`);
      return undefined;
    }
    return { preset: args.preset ?? 'w2sr', filter: v.filter, what: `The view "${v.name}"` };
  }
  if (args.preset || args.filter)
    return { preset: args.preset ?? 'w2sr', filter: args.filter ?? {}, what: 'The selection' };
  type Item = vscode.QuickPickItem & { pick?: () => Promise<Selection | undefined> | Selection | undefined };
  const count = (f: TraceFilter) => countTraces(store, f).toLocaleString('en-US');
  const items: Item[] = PRESETS.map((p) => ({
    label: p.label,
    description: `${count(presetFilter(p.preset))} traces`,
    detail: p.detail,
    pick: () => ({ preset: p.preset, filter: {}, what: p.label }),
  }));
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  if (!isEmptyFilter(current)) {
    items.push({
      label: "$(list-filter) The Traces view's filter",
      description: `${count(current)} traces`,
      detail: formatFilterExpression(current),
      pick: () => ({ preset: 'w2sr', filter: current, what: "The Traces view's filter" }),
    });
  }
  const views = listViews(store);
  if (views.length) {
    items.push({
      label: '$(bookmark) A saved view…',
      description: `${views.length} saved`,
      pick: async () => {
        const v = await pickStep(
          views.map((x) => ({
            label: x.name,
            description: `${count(x.filter)} traces`,
            detail: formatFilterExpression(x.filter) || 'every trace',
            view: x,
          })),
          { title: 'W2S: Export — saved view', step: 1, totalSteps: 5 },
        );
        return v ? { preset: 'w2sr', filter: v.view.filter, what: `The view "${v.view.name}"` } : undefined;
      },
    });
  }
  const picked = await pickStep(items, {
    title: 'W2S: Export SFT Dataset — which traces',
    step: 1,
    totalSteps: 5,
    matchOnDetail: true,
  });
  return picked?.pick ? picked.pick() : undefined;
}

/** The options and their follow-up questions are the third of the export's five steps. */
const STEP3 = { step: 3, totalSteps: 5 } as const;

type Options = Pick<
  ExportRequest,
  'reasoning' | 'system' | 'maxPerProblem' | 'dropTruncated' | 'dedupe' | 'valFraction' | 'seed'
>;

async function pickOptions(args: ExportArgs): Promise<Options | undefined> {
  const given = ['reasoning', 'system', 'maxPerProblem', 'dropTruncated', 'dedupe', 'valFraction', 'seed'].some(
    (k) => (args as Record<string, unknown>)[k] !== undefined,
  );
  if (given || args.out) {
    // what is not given takes EXPORT_DEFAULTS in core, as in the CLI
    return {
      reasoning: args.reasoning,
      system: args.system,
      maxPerProblem: args.maxPerProblem,
      dropTruncated: args.dropTruncated,
      dedupe: args.dedupe,
      valFraction: args.valFraction,
      seed: args.seed,
    };
  }
  type Opt = vscode.QuickPickItem & { key: string };
  const items: Opt[] = [
    // ticked as EXPORT_DEFAULTS says, so the editor and `w2s export` give the same files for the same choice
    {
      key: 'think',
      label: 'Reasoning as <think>…</think>',
      detail: 'Unticked: the reasoning stays plain chain of thought before the answer.',
      picked: EXPORT_DEFAULTS.reasoning === 'think',
    },
    {
      key: 'dropTruncated',
      label: 'Drop truncated traces',
      detail: 'Leave out traces cut off by the token limit (finish_reason "length").',
      picked: EXPORT_DEFAULTS.dropTruncated,
    },
    {
      key: 'dedupe',
      label: 'Drop exact duplicates',
      detail: 'A trace that repeats another trace of the same problem word for word.',
      picked: EXPORT_DEFAULTS.dedupe,
    },
    { key: 'maxPerProblem', label: 'At most k traces per problem…' },
    { key: 'system', label: 'A system prompt…' },
    {
      key: 'split',
      label: 'A validation split…',
      detail: 'A share of the problems (never split across train and validation), seeded.',
    },
  ];
  const picked = await pickManyStep(items, { title: 'W2S: Export — options', ...STEP3 });
  if (!picked) return undefined;
  const on = new Set(picked.map((p) => p.key));
  const out: { -readonly [K in keyof Options]: Options[K] } = {
    reasoning: on.has('think') ? 'think' : 'plain',
    dropTruncated: on.has('dropTruncated'),
    dedupe: on.has('dedupe'),
    system: EXPORT_DEFAULTS.system,
    valFraction: EXPORT_DEFAULTS.valFraction,
    seed: EXPORT_DEFAULTS.seed,
  };
  if (on.has('maxPerProblem')) {
    const k = await inputStep({
      title: 'At most k traces per problem',
      ...STEP3,
      value: '1',
      validate: (v) => (/^[1-9]\d*$/.test(v.trim()) ? undefined : 'A whole number, 1 or more.'),
    });
    if (k === undefined) return undefined;
    out.maxPerProblem = Number(k);
  }
  if (on.has('system')) {
    const s = await inputStep({
      title: 'System prompt',
      ...STEP3,
      value: 'Please reason step by step, and put your final answer within \\boxed{}.',
    });
    if (s === undefined) return undefined;
    out.system = s || null;
  }
  if (on.has('split')) {
    const f = await inputStep({
      title: 'Validation share of the problems (0–0.5)',
      ...STEP3,
      value: '0.05',
      validate: (v) => (Number(v) > 0 && Number(v) <= 0.5 ? undefined : 'A number above 0 and at most 0.5.'),
    });
    if (f === undefined) return undefined;
    const seed = await inputStep({
      title: 'Split seed',
      ...STEP3,
      value: '0',
      validate: (v) => (/^\d+$/.test(v.trim()) ? undefined : 'A whole number.'),
    });
    if (seed === undefined) return undefined;
    out.valFraction = Number(f);
    out.seed = Number(seed);
  }
  return out;
}

function uniqueName(base: string, exists: (n: string) => boolean): string {
  if (!exists(base)) return base;
  for (let i = 2; ; i++) if (!exists(`${base}-${i}`)) return `${base}-${i}`;
}
