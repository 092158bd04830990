import type * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { setting } from '../ui/settings';
import { checkCheckpointRoot } from '../../core/jobs/checkpoint-root';
import type { ProbeReport } from '../../core/jobs/cluster-probe';
import { DEFAULT_ENVIRONMENT, parseEnvironment, type RunnerEnvironment } from '../../core/jobs/runner-environment';

/** The last probe of a cluster (Connect to Cluster…), kept per address in the workspace state. */
export interface StoredProbe {
  readonly address: string;
  readonly at: string;
  readonly report: ProbeReport;
}

const PROBE_KEY = 'w2s.clusterProbe';

export function loadProbe(memento: vscode.Memento, address?: string): StoredProbe | undefined {
  const p = memento.get<StoredProbe>(PROBE_KEY);
  return p && (!address || p.address === address) ? p : undefined;
}

export function saveProbe(memento: vscode.Memento, address: string, report: ProbeReport): Thenable<void> {
  return memento.update(PROBE_KEY, { address, at: new Date().toISOString(), report } satisfies StoredProbe);
}

/** The setting w2s.cluster.runtime (pip, uv, image:URI, preinstalled); a bad value is reported and pip used. */
export function runtimeSetting(log?: vscode.LogOutputChannel): RunnerEnvironment {
  try {
    return parseEnvironment(setting('cluster.runtime'), 'the setting w2s.cluster.runtime');
  } catch (e) {
    log?.warn(`${errorMessage(e)} Using pip.`);
    return DEFAULT_ENVIRONMENT;
  }
}

/** The setting w2s.cluster.checkpointDir, checked (undefined when it is not a usable root). */
export function checkpointRootSetting(): string | undefined {
  const raw = setting('cluster.checkpointDir');
  if (!raw) return undefined;
  try {
    return checkCheckpointRoot(raw, 'the setting w2s.cluster.checkpointDir');
  } catch {
    return undefined;
  }
}
