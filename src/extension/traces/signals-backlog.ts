import * as vscode from 'vscode';
import { computeStoredSignals, signalsBacklog } from '../../core/signals';
import type { StoreService } from '../ui/store-service';
import { reportError } from '../ui/report-error';

/**
 * The browser lists a trace once its signals are stored. Sampling and imports store them as traces
 * arrive; traces written before (an older store) or by anything else are caught up here, in batches that
 * yield to the event loop, with a cancellable progress notification. Resumes where it stopped.
 */
export function catchUpSignals(stores: StoreService, log: vscode.LogOutputChannel): Promise<void> {
  running ??= run(stores, log).finally(() => {
    running = undefined;
  });
  return running;
}

let running: Promise<void> | undefined;

async function run(stores: StoreService, log: vscode.LogOutputChannel): Promise<void> {
  let store;
  try {
    store = stores.getIfExists();
  } catch {
    return; // the views show the store error
  }
  if (!store) return;
  const backlog = signalsBacklog(store);
  if (backlog.missing === 0) return;
  const open = store;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'W2S: computing trace signals', cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      let last = 0;
      let lastNotify = Date.now();
      try {
        const r = await computeStoredSignals(open, {
          mode: 'missing',
          signal: abort.signal,
          onProgress: (done, total) => {
            if (total)
              progress.report({
                message: `${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`,
                increment: ((done - last) / total) * 100,
              });
            last = done;
            // the list fills as the signals arrive
            if (Date.now() - lastNotify > 1000) {
              lastNotify = Date.now();
              stores.notifyChanged();
            }
          },
        });
        log.info(
          `Signals computed for ${r.computed} of ${r.total} traces${r.cancelled ? ' (cancelled; the rest on the next open)' : ''}`,
        );
      } catch (e) {
        void reportError(log, 'computing trace signals failed', e);
      } finally {
        sub.dispose();
        stores.notifyChanged();
      }
    },
  );
}
