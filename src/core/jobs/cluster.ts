import { W2sError } from '../errors';
import type { RayClient } from './ray-client';

export const DEFAULT_DASHBOARD_PORT = 8265;

/**
 * The dashboard address as every request uses it: http(s)://host:port, no trailing slash. A bare
 * "host" or "host:port" means http; a missing port means 8265 (Ray's dashboard). ray:// addresses are
 * Ray Client's (port 10001), not the Jobs API's, and are refused with the fix.
 */
export function normalizeClusterAddress(raw: string, where = 'the cluster address'): string {
  const text = raw.trim();
  if (!text)
    throw new W2sError(`${where} is empty: give the Ray dashboard address, e.g. http://10.0.0.5:8265.`, 'BAD_ADDRESS');
  if (/^ray:\/\//i.test(text)) {
    throw new W2sError(
      `${where} "${text}" is a Ray Client address (ray://…:10001); jobs go to the dashboard: http://HOST:${DEFAULT_DASHBOARD_PORT}.`,
      'BAD_ADDRESS',
    );
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new W2sError(
      `${where} "${text}" is not a URL: give the Ray dashboard address, e.g. http://10.0.0.5:8265.`,
      'BAD_ADDRESS',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new W2sError(`${where} "${text}" must start with http:// or https:// (the Ray dashboard).`, 'BAD_ADDRESS');
  }
  if (url.username || url.password) {
    throw new W2sError(
      `${where} must not carry a user name or password; give a token instead (Connect to Cluster… / W2S_CLUSTER_TOKEN).`,
      'BAD_ADDRESS',
    );
  }
  if (url.search || url.hash)
    throw new W2sError(`${where} "${text}" must not have a query or fragment.`, 'BAD_ADDRESS');
  if (
    !url.port &&
    !/^[a-z][a-z0-9+.-]*:\/\/[^/]*:\d+/i.test(withScheme) &&
    url.protocol === 'http:' &&
    url.pathname === '/'
  )
    url.port = String(DEFAULT_DASHBOARD_PORT);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

export function isLoopback(address: string): boolean {
  let host: string;
  try {
    host = new URL(address).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * What a user should know before sending code to this cluster: an open Jobs API lets anyone who can
 * reach it run anything there (RAY-JOBS.md, Auth), and a token over plain http can be read on the way.
 */
export function securityWarnings(address: string, hasToken: boolean, authMode?: string): string[] {
  const out: string[] = [];
  const loopback = isLoopback(address);
  if (!loopback && !hasToken) {
    out.push(
      `No token for ${address}: the Ray Jobs API is open by default, and anyone who can reach it can run code on the cluster. ` +
        'Turn on token auth (RAY_AUTH_MODE=token, Ray >= 2.52) and set the token, or reach the cluster through an SSH tunnel to 127.0.0.1.',
    );
  } else if (!loopback && authMode === 'disabled') {
    out.push(
      `${address} has token authentication turned off (authentication_mode: disabled): the token is not checked and anyone who can reach the cluster can run code on it.`,
    );
  }
  if (!loopback && hasToken && address.startsWith('http://')) {
    out.push(
      `The token for ${address} travels over plain http: use https (a TLS proxy in front of the dashboard) or an SSH tunnel.`,
    );
  }
  return out;
}

export interface ClusterCheck {
  readonly address: string;
  readonly rayVersion: string;
  readonly apiVersion: string;
  readonly authMode: string | undefined;
  readonly warnings: string[];
}

/** Asks the cluster who it is (GET /api/version, which needs the token when auth is on) and what to warn about. */
export async function checkCluster(client: RayClient, hasToken: boolean, signal?: AbortSignal): Promise<ClusterCheck> {
  const authMode = await client.authenticationMode(signal);
  const v = await client.version(signal);
  return {
    address: client.address,
    rayVersion: v.ray_version,
    apiVersion: v.version,
    authMode,
    warnings: securityWarnings(client.address, hasToken, authMode),
  };
}
