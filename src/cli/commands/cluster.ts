import { checkCluster } from '../../core/jobs/cluster';
import { probeCluster, probeLines } from '../../core/jobs/cluster-probe';
import { requireRunnerDir } from '../../core/jobs/runner-files';
import { describeEnvironment } from '../../core/jobs/runner-environment';
import type { Command } from '../command';
import {
  ADDRESS_OPTION,
  ENVIRONMENT_OPTIONS,
  checkpointRoot,
  clusterClient,
  runnerEnvironment,
} from '../cluster-connection';

export const clusterCheckCommand: Command = {
  name: 'cluster check',
  summary: 'check the Ray cluster: version, token, and what every node offers the runner (probe job)',
  usage: '[--address URL] [--runtime pip|uv|image:URI|preinstalled] [--checkpoint-root PATH] [--no-probe] [--json]',
  details:
    'Asks the Ray dashboard for its authentication mode and version (GET /api/version needs the token when\n' +
    'token auth is on). The token comes from $W2S_CLUSTER_TOKEN. Warns when a cluster that is not on this\n' +
    'machine has no token (anyone who can reach an open Jobs API can run code on it). Then submits a small\n' +
    'probe job, in the runner environment jobs will get (--runtime), that reports per node: Python, torch and\n' +
    'CUDA, GPUs and their memory, transformers, accelerate, vLLM, free disk at the checkpoint root, and\n' +
    'whether that root is the same storage on every node. Exit 1 when the probe job fails.',
  options: {
    ...ADDRESS_OPTION,
    ...ENVIRONMENT_OPTIONS,
    'no-probe': { type: 'boolean', description: 'only the version and token; no probe job' },
  },
  async run(v, _p, ctx) {
    const client = clusterClient(ctx, v.address as string | undefined);
    const environment = runnerEnvironment(ctx, v.runtime as string | undefined);
    const root = checkpointRoot(ctx, v['checkpoint-root'] as string | undefined);
    const hasToken = Boolean(ctx.env.W2S_CLUSTER_TOKEN);
    const check = await checkCluster(client, hasToken, ctx.signal);
    ctx.print(
      `${check.address}: Ray ${check.rayVersion} (Jobs API ${check.apiVersion}), authentication ${check.authMode ?? 'not reported (Ray before token auth)'}${hasToken ? ', token accepted' : ''}`,
    );
    for (const w of check.warnings) ctx.warn(`warning: ${w}`);
    const base = {
      ...check,
      tokenSet: hasToken,
      environment: describeEnvironment(environment),
      checkpointRoot: root ?? null,
    };
    if (v['no-probe']) return { json: base };
    const progress = ctx.progress('probe');
    let probe;
    try {
      probe = await probeCluster(client, {
        runnerDir: requireRunnerDir(),
        environment,
        checkpointRoot: root,
        signal: ctx.signal,
        onProgress: (m) => progress.log(m),
      });
    } finally {
      progress.done();
    }
    if (probe.ok) for (const line of probeLines(probe)) ctx.print(`  ${line}`);
    else
      ctx.warn(`w2s: the probe job ${probe.submissionId} ended ${probe.rayStatus}: ${probe.message ?? 'no details'}`);
    if (probe.note) ctx.warn(`note: ${probe.note}`);
    if (probe.checkpointRoot.shared === false)
      ctx.warn(
        `warning: the checkpoint root ${probe.checkpointRoot.path} is not the same storage on every node: multi-node jobs and evals on other nodes cannot use it.`,
      );
    return { json: { ...base, probe }, exitCode: probe.ok ? 0 : 1 };
  },
};
