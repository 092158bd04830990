/**
 * What sampling a teacher needs of its endpoint, looked up when the teacher is sampled: the base URL, the
 * API key and a profile's extra body fields. The editor and the CLI find profiles and keys differently
 * (VS Code settings and SecretStorage; the workspace's .vscode/settings.json and the environment); the
 * rules they share are here. None of it is a step-key input, and the key is never stored or logged.
 */
import { W2sError } from '../errors';
import type { EndpointProfile } from '../sampling/endpoint';
import type { TeacherSpec } from './spec';

export interface ResolvedEndpoint {
  readonly baseUrl: string;
  /** Never stored, never logged, never in a message. */
  readonly apiKey?: string;
  /** The profile's `extraBody`, merged into every request (vLLM's `skip_special_tokens`, …). */
  readonly extraBody?: Record<string, unknown>;
}

/** Where the profiles were looked for, and how to add one there: both go into the error for a missing one. */
export interface ProfileSource {
  /** where they were read (`the w2s.endpoints setting`, `/ws/.vscode/settings.json`), or null when nowhere */
  readonly where: string | null;
  /** when `where` is null: what was looked for and not found */
  readonly notFound?: string;
  readonly fix: string;
}

/**
 * The key from the environment, as `w2s sample` takes it: the teacher's `api_key_env` (which must be set),
 * else $OPENAI_API_KEY, else none (a local server needs none).
 */
export function envApiKey(
  env: Readonly<Record<string, string | undefined>>,
  teacher: TeacherSpec,
  file: string,
  envName = 'the environment',
): string | undefined {
  const v = teacher.apiKeyEnv;
  if (v && !env[v])
    throw new W2sError(
      `${file}: teacher ${teacher.name}: api_key_env ${v}: the environment variable ${v} is not set in ${envName}.`,
      'NO_KEY',
    );
  return env[v ?? 'OPENAI_API_KEY'] || undefined;
}

/** The profile a teacher names, or an error naming the file, the teacher, the profiles there are and the fix. */
export function findProfile(
  file: string,
  teacher: TeacherSpec,
  profiles: readonly EndpointProfile[],
  source: ProfileSource,
): EndpointProfile {
  if (teacher.endpoint.kind !== 'profile') throw new Error('findProfile: the teacher names a URL');
  const name = teacher.endpoint.profile;
  const found = profiles.find((p) => p.name === name);
  if (found) return found;
  const there = profiles.length ? `its profiles: ${profiles.map((p) => p.name).join(', ')}` : 'it has no profiles';
  const missing = source.where
    ? `${source.where} has no profile of that name (${there})`
    : (source.notFound ?? 'no endpoint profiles were found');
  throw new W2sError(
    `${file}: teacher ${teacher.name}: endpoint "${name}" is not a URL, so it names an endpoint profile, but ${missing}. ${source.fix}`,
    'NO_PROFILE',
  );
}

/** A profile's address and extra body fields, with the key found for it. */
export function fromProfile(profile: EndpointProfile, apiKey: string | undefined): ResolvedEndpoint {
  return {
    baseUrl: profile.baseUrl,
    ...(apiKey ? { apiKey } : {}),
    ...(profile.extraBody && Object.keys(profile.extraBody).length ? { extraBody: profile.extraBody } : {}),
  };
}
