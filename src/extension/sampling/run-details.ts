import * as vscode from 'vscode';
import { accuracy, verdictCountsByRun, type VerdictCounts } from '../../core/grading/counts';
import { listRuns, type RunSummary } from '../../core/runs/runs';
import type { StoreService } from '../ui/store-service';
import { registerCommand } from '../ui/commands';

const SCHEME = 'w2s-run';

/** A run's details as a read-only document (Runs view → click): every setting, count and the commands to go on. */
export function registerRunDetails(stores: StoreService): vscode.Disposable {
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const open = new Set<string>();
  const provider: vscode.TextDocumentContentProvider = {
    onDidChange: changed.event,
    provideTextDocumentContent(uri) {
      const name = decodeURIComponent(uri.path.replace(/^\//, '').replace(/\.md$/, ''));
      const store = stores.getIfExists();
      const run = store && listRuns(store).find((r) => r.name === name);
      if (!store || !run) return `# ${name}\n\nNo such run in the store.\n`;
      return runDetails(run, verdictCountsByRun(store).get(run.id));
    },
  };
  return vscode.Disposable.from(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider),
    vscode.workspace.onDidCloseTextDocument((d) => open.delete(d.uri.toString())),
    stores.onDidChange(() => {
      for (const u of open) changed.fire(vscode.Uri.parse(u));
    }),
    registerCommand('w2s.showRun', async (arg?: string | { run?: { name?: string } }) => {
      const name = typeof arg === 'string' ? arg : arg?.run?.name;
      if (!name) return;
      const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${encodeURIComponent(name)}.md` });
      open.add(uri.toString());
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
  );
}

/** Plain text (shown, never rendered): store text such as errors and prompts stays inert. */
export function runDetails(r: RunSummary, v: VerdictCounts | undefined): string {
  const lines = [`# Run ${r.name}`, ''];
  const row = (k: string, val: unknown) => lines.push(`- ${k}: ${typeof val === 'string' ? val : JSON.stringify(val)}`);
  row('status', r.status);
  row('kind', r.kind);
  row('model', r.model);
  row(
    'problem set',
    r.problems < r.setProblems
      ? `${r.setName} (the first ${r.problems} of ${r.setProblems} problems)`
      : `${r.setName} (${r.setProblems} problems)`,
  );
  row('samples per problem', r.samplesPerProblem);
  if (r.endpoint) row('endpoint', r.endpoint);
  row(
    'traces',
    `${r.done}/${r.total} stored${r.failed ? `, ${r.failed} failed` : ''}${r.truncated ? `, ${r.truncated} truncated (finish_reason length)` : ''}`,
  );
  row('tokens', `${r.promptTokens} prompt, ${r.completionTokens} completion`);
  if (v) {
    const acc = accuracy(v);
    row(
      'grades',
      `${acc === null ? '' : `${(acc * 100).toFixed(1)}% correct — `}${v.correct} correct, ${v.incorrect} incorrect, ${v['no-answer']} no answer, ${v.error} error, ${v.ungraded} ungraded`,
    );
  }
  row('created', r.createdAt);
  row('updated', r.updatedAt);
  if (r.error) row('error', r.error);
  lines.push('', '## Sampling parameters', '', '```json', JSON.stringify(r.params, null, 2), '```');
  if (r.template) lines.push('', '## Template', '', '```json', JSON.stringify(r.template, null, 2), '```');
  if (r.kind === 'sample') {
    lines.push('', '## From a terminal', '', '```sh', `w2s sample --run ${r.name}            # resume`);
    if (r.problems < r.setProblems) lines.push(`w2s sample --run ${r.name} --limit all  # sample the rest of the set`);
    lines.push(`w2s grade --run ${r.name}`, '```');
  }
  return `${lines.join('\n')}\n`;
}
