import { W2sError } from '../errors';
import type { ApiStyle } from './templates';

/** A named endpoint profile (setting `w2s.endpoints`). The API key is never part of it. */
export interface EndpointProfile {
  readonly name: string;
  readonly baseUrl: string;
  /** Default model id. */
  readonly model?: string;
  readonly api?: ApiStyle;
  /** Merged into every request body, e.g. vLLM's `{ "skip_special_tokens": true }`. */
  readonly extraBody?: Record<string, unknown>;
}

/**
 * Checks and normalises a base URL. A URL with no path gets `/v1`, where vLLM, SGLang, Ollama,
 * llama.cpp server and OpenAI all serve the API; any explicit path is kept as is (OpenRouter's
 * `/api/v1`, Together's `/v1`).
 */
export function normalizeBaseUrl(raw: string, where = 'the base URL'): string {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new W2sError(`${where} "${raw}" is not a URL: write it like http://127.0.0.1:8000/v1.`, 'BAD_URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new W2sError(`${where} "${raw}" must start with http:// or https://.`, 'BAD_URL');
  }
  if (url.username || url.password) {
    throw new W2sError(
      `${where} must not carry credentials; set the API key instead (W2S: Set API Key…, or --api-key-env).`,
      'BAD_URL',
    );
  }
  let path = url.pathname.replace(/\/+$/, '');
  if (path === '') path = '/v1';
  return `${url.origin}${path}`;
}

/** Reads and validates the `w2s.endpoints` setting; a bad entry names its index and field. */
export function parseEndpointProfiles(value: unknown): EndpointProfile[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw new W2sError(
      'Setting w2s.endpoints must be an array of {name, baseUrl, model, api, extraBody}.',
      'BAD_SETTING',
    );
  return value.map((v, i) => {
    const where = `w2s.endpoints[${i}]`;
    if (!v || typeof v !== 'object')
      throw new W2sError(`${where} must be an object with name and baseUrl.`, 'BAD_SETTING');
    const o = v as Record<string, unknown>;
    if (typeof o.name !== 'string' || !o.name.trim()) throw new W2sError(`${where}.name is missing.`, 'BAD_SETTING');
    if (typeof o.baseUrl !== 'string')
      throw new W2sError(`${where}.baseUrl is missing (e.g. http://127.0.0.1:8000/v1).`, 'BAD_SETTING');
    if (o.api !== undefined && o.api !== 'chat' && o.api !== 'completions')
      throw new W2sError(`${where}.api must be "chat" or "completions".`, 'BAD_SETTING');
    if (
      o.extraBody !== undefined &&
      (typeof o.extraBody !== 'object' || o.extraBody === null || Array.isArray(o.extraBody))
    ) {
      throw new W2sError(`${where}.extraBody must be an object, e.g. {"skip_special_tokens": true}.`, 'BAD_SETTING');
    }
    return {
      name: o.name.trim(),
      baseUrl: normalizeBaseUrl(o.baseUrl, `${where}.baseUrl`),
      model: typeof o.model === 'string' && o.model ? o.model : undefined,
      api: o.api as ApiStyle | undefined,
      extraBody: o.extraBody as Record<string, unknown> | undefined,
    };
  });
}
