import type * as vscode from 'vscode';
import { listProblemSets, searchProblems } from '../../core/problems/sets';
import { GetProblemsRequest, ProblemSetInitNotification, type ProblemSetInit } from '../../protocol/problems';
import type { StoreService } from '../ui/store-service';
import { createPanelController, type PanelController } from '../ui/webview-panel';

/** The read-only view of one problem set, one panel per set (its webview state restores scroll and filter). */
export function problemSetPanels(
  context: vscode.ExtensionContext,
  stores: StoreService,
  log: vscode.LogOutputChannel,
): PanelController<string> {
  return createPanelController<string>(
    {
      viewType: 'w2s.problemSet',
      app: 'problems',
      key: (set) => set,
      title: (set) => `Problems: ${set}`,
      restore: (state) => {
        const set = (state as { set?: unknown } | undefined)?.set;
        return typeof set === 'string' && set ? set : undefined;
      },
      refreshDelayMs: 0,
      setup: ({ host, refreshSoon }, set) => {
        host.onRequest(GetProblemsRequest, (p) => {
          const r = searchProblems(stores.get(), p.set, {
            offset: p.offset,
            limit: Math.min(p.limit, 500),
            query: p.query,
          });
          return { matched: r.matched, problems: r.problems.map(({ id: _id, ...rest }) => rest) };
        });
        // Traces and grades arriving change the store too; the list reloads only when the set itself changed.
        let sent = '';
        const sub = stores.onDidChange(refreshSoon);
        return {
          refresh(reloaded) {
            if (reloaded) sent = '';
            const s = listProblemSets(stores.get()).find((x) => x.name === set);
            if (!s) return;
            const init: ProblemSetInit = {
              set,
              total: s.problems,
              source: s.source,
              answerTypes: s.answerTypes as Record<string, number>,
            };
            const key = `${s.updatedAt}\u0000${JSON.stringify(init)}`;
            if (key === sent) return;
            sent = key;
            host.notify(ProblemSetInitNotification, init);
          },
          dispose: () => sub.dispose(),
        };
      },
    },
    context.extensionUri,
    log,
  );
}
