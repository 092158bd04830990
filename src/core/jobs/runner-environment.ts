import * as fs from 'node:fs';
import * as path from 'node:path';
import { W2sError } from '../errors';

/**
 * How the runner's Python packages get onto the node a job runs on (a cluster setting, recorded on
 * every job). Ray installs them per job from `runtime_env` (python/ray/_private/runtime_env/pip.py,
 * uv.py, image_uri.py): `pip` (the default) and `uv` install runner/requirements.txt with the
 * versions the GPU check passed with pinned; `image` runs the job in a container image that has
 * them; `preinstalled` trusts the nodes' own Python (`pip install -r runner/requirements.txt` there).
 */
export type RunnerEnvironment =
  | { readonly kind: 'pip' }
  | { readonly kind: 'uv' }
  | { readonly kind: 'image'; readonly imageUri: string }
  | { readonly kind: 'preinstalled' };

export const DEFAULT_ENVIRONMENT: RunnerEnvironment = { kind: 'pip' };

/**
 * The versions runner/scripts/results/gpu-check-2026-11-27-H200.md passed with (its first line); a
 * unit test keeps them equal to the newest GPU check there.
 */
export const TESTED_VERSIONS: Readonly<Record<string, string>> = {
  torch: '2.11.0',
  transformers: '5.17.0',
  accelerate: '1.15.0',
  peft: '0.21.0',
};

/** "pip", "uv", "preinstalled", or "image:URI" (also "image_uri:URI"), as the CLI flag and setting take it. */
export function parseEnvironment(raw: string | undefined, where: string): RunnerEnvironment {
  const text = (raw ?? '').trim();
  if (!text) return DEFAULT_ENVIRONMENT;
  if (text === 'pip' || text === 'uv' || text === 'preinstalled') return { kind: text };
  const m = /^image(?:_uri)?:(.+)$/.exec(text);
  if (m && m[1]!.trim()) return { kind: 'image', imageUri: m[1]!.trim() };
  throw new W2sError(
    `${where} "${text}" is not a runner environment: give pip (default), uv, preinstalled, or image:IMAGE_URI.`,
    'BAD_ENVIRONMENT',
  );
}

export function describeEnvironment(env: RunnerEnvironment): string {
  switch (env.kind) {
    case 'pip':
      return 'pip (Ray installs the runner requirements per job, pinned to the tested versions)';
    case 'uv':
      return 'uv (Ray installs the runner requirements per job with uv, pinned to the tested versions)';
    case 'image':
      return `container image ${env.imageUri}`;
    default:
      return "preinstalled (the nodes' own Python)";
  }
}

/** runner/requirements.txt with the tested versions pinned (comments and blank lines dropped). */
export function pinnedRequirements(runnerDir: string): string[] {
  const lines = fs
    .readFileSync(path.join(runnerDir, 'requirements.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return lines.map((l) => {
    const name = /^[A-Za-z0-9_.-]+/.exec(l)?.[0] ?? l;
    const v = TESTED_VERSIONS[name.toLowerCase()];
    return v ? `${name}==${v}` : l;
  });
}

/** The runtime_env fields for the environment (merged with working_dir and env_vars by the caller). */
export function runtimeEnvFor(env: RunnerEnvironment, runnerDir: string): Record<string, unknown> {
  switch (env.kind) {
    case 'pip':
      // pip_check off: Ray's image has its own pins that pip check would flag, not ours
      return { pip: { packages: pinnedRequirements(runnerDir), pip_check: false } };
    case 'uv':
      return { uv: { packages: pinnedRequirements(runnerDir) } };
    case 'image':
      return { image_uri: env.imageUri };
    default:
      return {};
  }
}
