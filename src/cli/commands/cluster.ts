import { checkCluster } from '../../core/jobs/cluster';
import type { Command } from '../command';
import { ADDRESS_OPTION, clusterClient } from '../cluster-connection';

export const clusterCheckCommand: Command = {
  name: 'cluster check',
  summary: 'check that the Ray cluster answers (version, token, authentication mode)',
  usage: '[--address URL]',
  details:
    'Asks the Ray dashboard for its authentication mode and version (GET /api/version needs the token when\n' +
    'token auth is on). The token comes from $W2S_CLUSTER_TOKEN. Warns when a cluster that is not on this\n' +
    'machine has no token (anyone who can reach an open Jobs API can run code on it).',
  options: { ...ADDRESS_OPTION },
  async run(v, _p, ctx) {
    const client = clusterClient(ctx, v.address as string | undefined);
    const hasToken = Boolean(ctx.env.W2S_CLUSTER_TOKEN);
    const check = await checkCluster(client, hasToken, ctx.signal);
    ctx.print(`${check.address}: Ray ${check.rayVersion} (Jobs API ${check.apiVersion}), authentication ${check.authMode ?? 'not reported (Ray before token auth)'}${hasToken ? ', token accepted' : ''}`);
    for (const w of check.warnings) ctx.warn(`warning: ${w}`);
    return { json: { ...check, tokenSet: hasToken } };
  },
};
