import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { checkCluster, normalizeClusterAddress } from '../../core/jobs/cluster';
import { probeCluster, probeLines } from '../../core/jobs/cluster-probe';
import { createRayClient, type RayClient } from '../../core/jobs/ray-client';
import { setting, updateSetting } from '../ui/settings';
import { reportError } from '../ui/report-error';
import { checkpointRootSetting, runtimeSetting, saveProbe } from './cluster-settings';
import { inputStep, stepCounter } from '../ui/steps';

/** Tokens live in SecretStorage only, keyed by the cluster's address; never in settings, the store or the log. */
const tokenKey = (address: string) => `w2s.clusterToken:${address}`;

export function configuredAddress(): string | undefined {
  const raw = setting('cluster.address').trim();
  if (!raw) return undefined;
  try {
    return normalizeClusterAddress(raw, 'the setting w2s.cluster.address');
  } catch {
    return undefined;
  }
}

export async function clientFor(secrets: vscode.SecretStorage, address: string): Promise<RayClient> {
  return createRayClient({ address, token: (await secrets.get(tokenKey(address))) || undefined });
}

/** The configured cluster's client, or (after offering to connect) undefined. */
export async function requireCluster(
  secrets: vscode.SecretStorage,
  log: vscode.LogOutputChannel,
  memento: vscode.Memento,
  runnerDir: string,
): Promise<RayClient | undefined> {
  const address = configuredAddress();
  if (address) return clientFor(secrets, address);
  const pick = await vscode.window.showInformationMessage('No Ray cluster connected yet.', 'Connect to Cluster…');
  if (pick) return connectToCluster({ secrets, log, memento, runnerDir });
  return undefined;
}

export interface ConnectArgs {
  readonly address?: string;
  /** undefined: ask; '': no token. */
  readonly token?: string;
  /** false: only check version and token, no probe job (default true). */
  readonly probe?: boolean;
}

export interface ConnectDeps {
  readonly secrets: vscode.SecretStorage;
  readonly log: vscode.LogOutputChannel;
  readonly memento: vscode.Memento;
  readonly runnerDir: string;
}

/** The probe job (core/jobs/cluster-probe.ts) with a cancellable progress notification; its report kept for the Jobs view. */
async function runProbe(deps: ConnectDeps, client: RayClient): Promise<void> {
  const environment = runtimeSetting(deps.log);
  const report = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `W2S: probing the nodes of ${client.address}`,
      cancellable: true,
    },
    (progress, ct) => {
      const controller = new AbortController();
      ct.onCancellationRequested(() => controller.abort());
      return probeCluster(client, {
        runnerDir: deps.runnerDir,
        environment,
        checkpointRoot: checkpointRootSetting(),
        signal: controller.signal,
        onProgress: (m) => progress.report({ message: m }),
      });
    },
  );
  await saveProbe(deps.memento, client.address, report);
  for (const line of probeLines(report)) deps.log.info(`Probe of ${client.address}: ${line}`);
  if (!report.ok) {
    void vscode.window
      .showWarningMessage(
        `W2S: the probe job on ${client.address} ended ${report.rayStatus}: ${report.message ?? 'no details'}`,
        'Show Log',
      )
      .then((a) => a && deps.log.show());
  } else if (report.checkpointRoot.shared === false) {
    void vscode.window.showWarningMessage(
      `W2S: the checkpoint root ${report.checkpointRoot.path} is not the same storage on every node: multi-node jobs and evals on other nodes cannot use it (setting w2s.cluster.checkpointDir).`,
    );
  }
}

/**
 * "W2S: Connect to Cluster…": the dashboard address (kept in the setting w2s.cluster.address), the
 * token (SecretStorage), then a check of both against the cluster, with the security warnings.
 */
export async function connectToCluster(deps: ConnectDeps, args: ConnectArgs = {}): Promise<RayClient | undefined> {
  const { secrets, log } = deps;
  // address, then token: the title bar counts the ones the arguments leave (1/2, 2/2)
  const steps = stepCounter([args.address === undefined, args.token === undefined].filter(Boolean).length);
  const raw =
    args.address ??
    (await inputStep({
      title: 'W2S: Connect to Cluster',
      ...steps.next(),
      prompt:
        'Address of the Ray dashboard (Jobs API), e.g. http://10.0.0.5:8265, or http://127.0.0.1:8265 through an SSH tunnel',
      value: setting('cluster.address') || 'http://127.0.0.1:8265',
      ignoreFocusOut: true,
      validate: (v) => {
        try {
          normalizeClusterAddress(v);
          return undefined;
        } catch (e) {
          return errorMessage(e);
        }
      },
    }));
  if (!raw) return undefined;
  const address = normalizeClusterAddress(raw);
  const existing = await secrets.get(tokenKey(address));
  const token =
    args.token ??
    (await inputStep({
      title: 'W2S: Connect to Cluster',
      ...steps.next(),
      prompt: existing
        ? `Token for ${address} (RAY_AUTH_MODE=token): leave as is to keep the saved one, clear it to remove it`
        : `Token for ${address} if the cluster uses token auth (\`ray get-auth-token\` on the head node); empty for none`,
      value: existing ?? '',
      password: true,
      ignoreFocusOut: true,
    }));
  if (token === undefined) return undefined;
  if (token.trim()) await secrets.store(tokenKey(address), token.trim());
  else await secrets.delete(tokenKey(address));
  const client = createRayClient({ address, token: token.trim() || undefined });
  try {
    const check = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `W2S: checking ${address}`, cancellable: true },
      (_p, ct) => {
        const controller = new AbortController();
        ct.onCancellationRequested(() => controller.abort());
        return checkCluster(client, Boolean(token.trim()), controller.signal);
      },
    );
    await updateSetting('cluster.address', address);
    log.info(`Cluster ${address}: Ray ${check.rayVersion}, authentication ${check.authMode ?? 'not reported'}`);
    void vscode.window.showInformationMessage(
      `W2S: connected to ${address} — Ray ${check.rayVersion}, authentication ${check.authMode ?? 'not reported'}.`,
    );
    for (const w of check.warnings) {
      log.warn(w);
      void vscode.window.showWarningMessage(`W2S: ${w}`);
    }
    if (args.probe !== false) await runProbe(deps, client);
    return client;
  } catch (e) {
    void reportError(log, `connecting to ${address} failed`, e);
    return undefined;
  }
}
