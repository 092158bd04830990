import * as vscode from 'vscode';
import { W2sError, errorMessage, isW2sError } from '../../core/errors';
import { evalRunName } from '../../core/runs/names';
import { findRun } from '../../core/runs/runs';
import { evalFingerprint, listEvalRuns, type EvalRun } from '../../core/results/eval-runs';
import { partialText } from '../../core/results/problem-results';
import type { ProblemOutcome } from '../../core/results/outcomes';
import { evaluateProblems } from '../../core/results/rerun';
import type { SamplingParams } from '../../core/sampling/client';
import { redactSecrets } from '../../core/untrusted-text';
import { sampleRun, type SampleResult } from '../../core/sampling/sampler';
import type { PromptTemplate } from '../../core/sampling/templates';
import { openStore } from '../../core/store/open';
import type { GraderService } from '../grading/grader-service';
import { apiKeyFor, profileForUrl } from '../sampling/endpoints';
import type { Sessions } from '../sampling/sessions';
import type { StoreService } from '../ui/store-service';
import { problemSetUri, traceUri } from './documents';
import type { ResultsIndex } from './results-index';
import { setting } from '../ui/settings';

const PUBLISHED_KEY = 'w2s.results.published';
/** The line of a trace document (core's traceAsText) that names its verdict: the peek's frame shows it. */
const TRACE_VERDICT_LINE = 3;
const setId = (set: string) => `set:${set}`;
const problemId = (set: string, key: string) => `p:${set}:${key}`;

/** A problem item's set and key (set names hold no ':'; keys may). */
export function parseProblemId(id: string): { set: string; key: string } | undefined {
  const m = /^p:([^:]+):(.*)$/s.exec(id);
  return m ? { set: m[1]!, key: m[2]! } : undefined;
}

/**
 * Benchmark results the way VS Code shows test results. Each problem set is a test item and each problem
 * a child at its line in the set's file (a built-in set: its bundled file, read-only), so the gutter shows
 * pass/fail per problem, the Testing view lists sets → problems (with its own "show only failed" filter),
 * and a failed problem's peek shows gold against extracted answer as a diff, with the responses as its
 * stack frames (one click opens one). Run profiles are the evaluated models: running one evaluates the
 * selected problems; "rerun failed" re-samples only those (a re-run layered over the evaluation). Every
 * evaluation that finishes — here, in a terminal (w2s eval) or from a cluster job — is published as a
 * test run once.
 */
export class BenchmarkTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('w2s.benchmarks', 'W2S Benchmarks');
  private readonly profiles = new Map<string, vscode.TestRunProfile>();
  /** evaluations a run handler of this window is sampling (published by the handler itself) */
  private readonly busy = new Set<string>();
  /** set → model → its published evaluation's coverage when partial (shown on the set's item) */
  private readonly partials = new Map<string, Map<string, { graded: number; of: number }>>();
  private readonly disposables: vscode.Disposable[] = [];
  private publishTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly stores: StoreService,
    private readonly index: ResultsIndex,
    private readonly grader: GraderService,
    private readonly sessions: Sessions,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.controller.resolveHandler = async (item) => {
      if (!item) this.syncSets();
      else this.ensureChildren(item);
    };
    this.controller.refreshHandler = () => {
      this.syncSets();
      this.syncProfiles();
      this.schedulePublish(0);
    };
    this.disposables.push(
      this.controller,
      stores.onDidChange(() => {
        this.syncSets();
        this.syncProfiles();
        this.schedulePublish(2000);
      }),
      // Opening a problem-set file resolves its problems, so the gutter has items to decorate.
      vscode.window.onDidChangeVisibleTextEditors((editors) =>
        editors.forEach((e) => this.resolveDocument(e.document.uri)),
      ),
    );
    // Not during activation: the store (and its native module) opens on first use, just after.
    const first = setTimeout(() => {
      if (!stores.exists()) return;
      this.syncSets();
      this.syncProfiles();
      for (const e of vscode.window.visibleTextEditors) this.resolveDocument(e.document.uri);
      this.schedulePublish(0);
    }, 1000);
    this.disposables.push({ dispose: () => clearTimeout(first) });
  }

  private resolveDocument(uri: vscode.Uri): void {
    const set = this.index.setForDocument(uri);
    const item = set && this.controller.items.get(setId(set.name));
    if (item) this.ensureChildren(item);
  }

  /** One item per problem set; updated in place. */
  syncSets(): void {
    const sets = this.index.sets();
    const seen = new Set<string>();
    for (const s of sets) {
      const id = setId(s.name);
      seen.add(id);
      let item = this.controller.items.get(id);
      const uri = problemSetUri(s.source);
      if (!item || item.uri?.toString() !== uri?.toString()) {
        item = this.controller.createTestItem(id, s.name, uri);
        item.canResolveChildren = true;
        this.controller.items.add(item);
      }
      item.description = this.setDescription(s.name, s.problems);
    }
    this.controller.items.forEach((item) => {
      if (!seen.has(item.id)) this.controller.items.delete(item.id);
    });
  }

  /** "500 problems · partial: student 4/500": a partial evaluation is marked on its set in the Testing view. */
  private setDescription(set: string, problems: number): string {
    const partial = [...(this.partials.get(set) ?? new Map<string, { graded: number; of: number }>())].map(
      ([m, c]) => `${m} ${c.graded}/${c.of}`,
    );
    return `${problems} problems${partial.length ? ` · partial: ${partial.join(', ')}` : ''}`;
  }

  /** The problems of a set as children at their lines (once per change of the set or its file). */
  ensureChildren(item: vscode.TestItem): void {
    const name = item.id.slice(4);
    const set = this.index.sets().find((s) => s.name === name);
    if (!set) return;
    const stamp = `${set.updatedAt}|${set.problems}`;
    if ((item as vscode.TestItem & { w2sStamp?: string }).w2sStamp === stamp && item.children.size > 0) return;
    const store = this.stores.getIfExists();
    if (!store) return;
    const lines = this.index.lines(set);
    const problems = store.db
      .prepare(
        'SELECT p.key, p.position, p.question FROM problems p JOIN problem_sets s ON s.id = p.set_id WHERE s.name = ? ORDER BY p.position',
      )
      .all(name) as { key: string; position: number; question: string }[];
    const children = problems.map((p) => {
      const child = this.controller.createTestItem(problemId(name, p.key), p.key, item.uri);
      const line = lines?.lines.get(p.key);
      if (line !== undefined) child.range = new vscode.Range(line - 1, 0, line - 1, 0);
      child.description = p.question.replace(/\s+/g, ' ').slice(0, 80);
      child.sortText = String(p.position).padStart(8, '0');
      return child;
    });
    item.children.replace(children);
    (item as vscode.TestItem & { w2sStamp?: string }).w2sStamp = stamp;
  }

  /** One run profile per evaluated model (the latest evaluated is the default). */
  syncProfiles(): void {
    const store = this.stores.getIfExists();
    if (!store) return;
    const runs = listEvalRuns(store);
    const models = [...new Set(runs.map((r) => r.model))];
    const latest = runs.at(-1)?.model;
    for (const m of models) {
      let profile = this.profiles.get(m);
      if (!profile) {
        profile = this.controller.createRunProfile(
          m,
          vscode.TestRunProfileKind.Run,
          (request, token) => this.runProfile(m, request, token),
          m === latest,
        );
        this.profiles.set(m, profile);
      }
    }
    for (const [m, p] of this.profiles) {
      if (!models.includes(m)) {
        p.dispose();
        this.profiles.delete(m);
      }
    }
  }

  private schedulePublish(delayMs: number): void {
    if (this.publishTimer) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = undefined;
      try {
        this.publishFinished();
      } catch (e) {
        this.log.warn(`results: publishing test results failed: ${errorMessage(e)}`);
      }
    }, delayMs);
  }

  /** Publishes each finished, fully graded evaluation whose results changed since it was last published. */
  private publishFinished(): void {
    const store = this.stores.getIfExists();
    if (!store) return;
    const published = { ...this.context.workspaceState.get<Record<string, string>>(PUBLISHED_KEY, {}) };
    let changed = false;
    for (const ev of listEvalRuns(store)) {
      if (ev.status === 'running' || ev.status === 'pending' || this.busy.has(ev.name) || this.sessions.get(ev.name))
        continue;
      if (ev.reruns.some((r) => r.status === 'running' || this.sessions.get(r.name))) continue;
      const fingerprint = evalFingerprint(store, ev);
      if (published[ev.name] === fingerprint) continue;
      const ids = [ev.id, ...ev.reruns.map((r) => r.id)];
      const ungraded = store.db
        .prepare(
          `SELECT count(*) AS n FROM traces t LEFT JOIN grades g ON g.trace_id = t.id WHERE t.run_id IN (${ids.map(() => '?').join(',')}) AND t.error IS NULL AND g.trace_id IS NULL`,
        )
        .get(...ids) as { n: number };
      if (ungraded.n > 0) continue; // grades are still landing: the next change publishes it
      this.publish(ev);
      published[ev.name] = fingerprint;
      changed = true;
    }
    if (changed) void this.context.workspaceState.update(PUBLISHED_KEY, published);
  }

  /** A test run holding one evaluation's verdicts (the newest generation of each problem). */
  publish(ev: EvalRun, into?: vscode.TestRun, only?: ReadonlySet<string>): void {
    const setItem = this.controller.items.get(setId(ev.setName));
    if (!setItem) return;
    this.ensureChildren(setItem);
    const results = this.index.results(ev.setName);
    const evaluation = results?.evaluations.find((e) => e.run.id === ev.id);
    if (!results || !evaluation) return;
    const items: vscode.TestItem[] = [];
    setItem.children.forEach((c) => {
      const key = parseProblemId(c.id)!.key;
      if (evaluation.byKey.has(key) && (!only || only.has(key))) items.push(c);
    });
    let partials = this.partials.get(ev.setName);
    if (!partials) this.partials.set(ev.setName, (partials = new Map()));
    if (evaluation.coverage.partial) partials.set(ev.model, evaluation.coverage);
    else partials.delete(ev.model);
    setItem.description = this.setDescription(ev.setName, evaluation.coverage.of);
    if (items.length === 0) return;
    // the run's name is what the Test Results view lists: a partial evaluation says so there
    const partial = evaluation.coverage.partial ? ` · ${partialText(evaluation.coverage)}` : '';
    const run =
      into ??
      this.controller.createTestRun(
        new vscode.TestRunRequest(items, undefined, this.profiles.get(ev.model)),
        `${ev.model} · ${ev.name}${partial}`,
        true,
      );
    if (evaluation.coverage.partial)
      run.appendOutput(`${ev.name}: ${partialText(evaluation.coverage)}; its accuracy is on those problems only.\r\n`);
    for (const item of items) {
      const key = parseProblemId(item.id)!.key;
      report(run, item, ev, evaluation.byKey.get(key)!, results.gold.get(key) ?? '');
    }
    if (!into) run.end();
  }

  /** Runs a model's profile: evaluates the selected problems through its endpoint and reports each verdict. */
  private async runProfile(
    model: string,
    request: vscode.TestRunRequest,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const run = this.controller.createTestRun(request, `W2S: ${model}`, true);
    const bySet = new Map<string, vscode.TestItem[]>();
    const excluded = new Set((request.exclude ?? []).map((i) => i.id));
    const add = (item: vscode.TestItem) => {
      if (excluded.has(item.id)) return;
      if (item.id.startsWith('set:')) {
        this.ensureChildren(item);
        item.children.forEach(add);
        return;
      }
      const p = parseProblemId(item.id);
      if (!p) return;
      let list = bySet.get(p.set);
      if (!list) bySet.set(p.set, (list = []));
      list.push(item);
      run.enqueued(item);
    };
    if (request.include) request.include.forEach(add);
    else this.controller.items.forEach(add);

    const file = this.stores.file;
    try {
      if (!file) throw new Error('Open a folder first: W2S Studio keeps its store in the workspace (.w2s/w2s.db).');
      for (const [set, items] of bySet) {
        if (token.isCancellationRequested) break;
        items.forEach((i) => run.started(i));
        try {
          const ev = await this.evaluate(
            model,
            set,
            items.map((i) => parseProblemId(i.id)!.key),
            file,
            token,
            run,
          );
          if ('submitted' in ev) {
            run.appendOutput(
              `${set}: submitted as cluster job ${ev.submitted}; its results are published here when it finishes.\r\n`,
            );
            items.forEach((i) => run.skipped(i));
            continue;
          }
          await this.grader.drain();
          // read the verdicts afresh (the store-change event that clears the cache comes later)
          this.index.invalidate(set);
          this.stores.notifyChanged();
          const latest = listEvalRuns(this.stores.get()).find((r) => r.id === ev.id)!;
          this.publish(latest, run, new Set(items.map((i) => parseProblemId(i.id)!.key)));
          const published = { ...this.context.workspaceState.get<Record<string, string>>(PUBLISHED_KEY, {}) };
          published[latest.name] = evalFingerprint(this.stores.get(), latest);
          await this.context.workspaceState.update(PUBLISHED_KEY, published);
        } catch (e) {
          const message = new vscode.TestMessage(redactSecrets(errorMessage(e)));
          for (const i of items) run.errored(i, message);
          if (!isW2sError(e))
            this.log.error(`results: evaluating ${set} with ${model}: ${(e as Error)?.stack ?? String(e)}`);
        }
      }
    } catch (e) {
      run.appendOutput(`${redactSecrets(errorMessage(e))}\r\n`);
    } finally {
      run.end();
    }
  }

  /**
   * Samples the problems with this model's evaluation of the set (its settings and endpoint); a set it has
   * not evaluated yet gets an evaluation with the settings of its latest one elsewhere.
   */
  private async evaluate(
    model: string,
    set: string,
    keys: string[],
    file: string,
    token: vscode.CancellationToken,
    testRun: vscode.TestRun,
  ): Promise<EvalRun | { submitted: string }> {
    const view = this.stores.get();
    const runs = listEvalRuns(view).filter((r) => r.model === model);
    const onSet = runs.filter((r) => r.setName === set).at(-1);
    const template = onSet ?? runs.filter((r) => r.kind === 'eval' && r.endpoint && r.jobId === null).at(-1);
    const row = template && findRun(view, template.name);
    if (onSet && onSet.jobId !== null) {
      // evaluated on the cluster: the same again there, as a job (its results arrive as a re-run of it)
      const job = (await vscode.commands.executeCommand('w2s.submitEvalJob', {
        evaluation: onSet.name,
        problemKeys: keys,
      })) as string | undefined;
      if (!job)
        throw new W2sError(
          `Not submitted: ${model}'s evaluation of ${set} ran on the cluster, so it is evaluated again there.`,
          'CANCELLED',
        );
      return { submitted: job };
    }
    if (!row || !row.endpoint || !row.template || template?.jobId !== null) {
      // (a cluster evaluation's endpoint is the cluster's address, not a model server)
      throw new Error(
        `${model} has no endpoint to sample from (its evaluations came from a cluster job or an import). Run "W2S: Evaluate Model on Cluster…" for it, or serve it and run "W2S: Evaluate Endpoint Model…".`,
      );
    }
    const profile = profileForUrl(row.endpoint);
    const apiKey = await apiKeyFor(this.context.secrets, profile?.name ?? row.endpoint);
    const name = onSet?.name ?? evalRunName(set, model, row.samplesPerProblem);
    this.busy.add(name);
    const session = this.sessions.start(name);
    const sub = token.onCancellationRequested(() => session.controller.abort());
    // Its own connection, as "Sample Traces…" does: the sampler's small transactions never interleave with views' reads.
    const store = openStore(file);
    try {
      const runtime = {
        apiKey,
        concurrency: setting('sampling.concurrency'),
        timeoutMs: setting('sampling.timeoutSeconds') * 1000,
        signal: session.controller.signal,
        onProgress: (p: Parameters<NonNullable<Parameters<typeof sampleRun>[1]['onProgress']>>[0]) =>
          this.sessions.report(session, p),
        // Test results are verdicts: evaluations are graded as they arrive whatever w2s.grading.gradeOnArrival says.
        onTracesStored: (ids: number[]) => this.grader.enqueue(ids),
        onLog: (level: 'info' | 'warn', msg: string) => (level === 'warn' ? this.log.warn(msg) : this.log.info(msg)),
      };
      let results: SampleResult[];
      if (onSet) results = await evaluateProblems(store, onSet.name, keys, runtime);
      else {
        const { extra_body: extraBody, ...params } = row.params as SamplingParams & {
          extra_body?: Record<string, unknown>;
        };
        results = [
          await sampleRun(store, {
            ...runtime,
            kind: 'eval',
            runName: name,
            setName: set,
            model,
            baseUrl: row.endpoint,
            extraBody,
            template: row.template as PromptTemplate,
            params,
            samplesPerProblem: row.samplesPerProblem,
            problemKeys: keys,
          }),
        ];
      }
      for (const r of results) {
        testRun.appendOutput(
          `${r.runName}: ${r.status}, ${r.storedThisSession} generation(s) stored${r.failed ? `, ${r.failed} failed` : ''}${r.error ? ` — ${redactSecrets(r.error)}` : ''}\r\n`,
        );
      }
      const ev = listEvalRuns(store).find((r) => r.name === name);
      if (!ev) throw new Error(`No evaluation ${name} after sampling.`);
      return ev;
    } finally {
      store.close();
      sub.dispose();
      this.sessions.end(session);
      this.busy.delete(name);
    }
  }

  dispose(): void {
    if (this.publishTimer) clearTimeout(this.publishTimer);
    for (const p of this.profiles.values()) p.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * One problem's verdict in a test run. Passed when at least half of its graded samples are correct (with one
 * sample: when it is correct); failed otherwise, with gold against the most common extracted answer as a
 * diff; errored when the request failed or the grader could not decide.
 */
function report(run: vscode.TestRun, item: vscode.TestItem, ev: EvalRun, o: ProblemOutcome, gold: string): void {
  const graded = o.samples.filter((s) => s.verdict !== null);
  if (graded.length === 0) {
    if (o.samples.length) run.skipped(item);
    else
      run.errored(
        item,
        new vscode.TestMessage(
          `${ev.name}: the request failed${o.failed > 1 ? ` (${o.failed} samples)` : ''}; run again to retry it.`,
        ),
      );
    return;
  }
  const correct = graded.filter((s) => s.verdict === 'correct').length;
  if (correct * 2 >= graded.length) {
    run.passed(item);
    return;
  }
  const answers = new Map<string, number>();
  for (const s of graded) answers.set(s.extracted ?? '', (answers.get(s.extracted ?? '') ?? 0) + 1);
  const common = [...answers.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const verdicts = graded.map((s) => s.verdict);
  const summary =
    graded.length === 1
      ? `${ev.model}: ${verdicts[0] === 'no-answer' ? 'no answer' : verdicts[0]} — expected ${gold}, extracted ${common || '(nothing)'}`
      : `${ev.model}: ${correct}/${graded.length} samples correct — expected ${gold}, most common answer ${common || '(nothing)'}`;
  const message = vscode.TestMessage.diff(summary, gold, common || '(no answer)');
  if (item.uri && item.range) message.location = new vscode.Location(item.uri, item.range);
  // The trace ids ride in the context value: it comes back with the message to "Show Response" (the stack trace does not).
  message.contextValue = `w2s.problemResult:${graded.map((s) => s.traceId).join(',')}`;
  message.stackTrace = graded.map(
    (s) =>
      new vscode.TestMessageStackFrame(
        `${ev.name} · sample ${s.index}: ${s.verdict}${s.extracted !== null ? ` (${s.extracted.slice(0, 40)})` : ''}`,
        traceUri(s.traceId, `${ev.name}-${item.label}-${s.index}`),
        new vscode.Position(TRACE_VERDICT_LINE, 0),
      ),
  );
  if (graded.every((s) => s.verdict === 'error')) run.errored(item, message);
  else run.failed(item, message);
}
