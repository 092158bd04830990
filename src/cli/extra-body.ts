import { UsageError } from './usage-error';

/** `--extra-body JSON`: fields sent with each request (vLLM's, for example); `{}` sends none. */
export function parseExtraBody(raw: unknown): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(raw as string) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return Object.keys(parsed).length ? (parsed as Record<string, unknown>) : undefined;
  } catch (e) {
    throw new UsageError(
      `--extra-body must be a JSON object, e.g. '{"skip_special_tokens": true}' (${(e as Error).message}).`,
    );
  }
}
