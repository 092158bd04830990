/**
 * Text that comes from outside (a server's error, a model's output, a value read back from the store)
 * is data: before it is stored, logged or shown it loses anything that looks like a credential and
 * anything a terminal would execute, and a server's error is kept to a readable size.
 */

/** Placeholder sent to local servers that need no key: the openai client refuses an empty one. */
export const NO_KEY = 'sk-no-key-required';

/** How much of a server's error message is kept (stored per failed trace, shown in `w2s runs`). */
export const MAX_SERVER_TEXT = 2000;

// Key prefixes of the hosted OpenAI-compatible APIs: OpenAI and DeepSeek (sk-), Anthropic (sk-ant-),
// OpenRouter (sk-or-), Together (tgp_), Groq (gsk_), Hugging Face (hf_), xAI (xai-), Perplexity (pplx-),
// NVIDIA (nvapi-), Replicate (r8_), Fireworks (fw_).
const PREFIXED_KEY = /\b((?:sk|tgp|gsk|hf|xai|pplx|nvapi|r8|fw)[-_])[A-Za-z0-9_-]{8,}/g;
// (not "token = value": that is a key field, masked by KEY_FIELD; masking "=" here would leave the value)
const AUTH_SCHEME = /\b(Bearer|Basic|Token)(\s+)(?![=:])[^\s"',;}]+/gi;
const KEY_FIELD = /\b((?:api[_-]?key|x-api-key|access[_-]?token|secret)["']?\s*[:=]\s*["']?)[^\s"',;}&]+/gi;

/**
 * Masks the configured key wherever it appears, and anything that looks like a key: the value after
 * `Bearer` (or `Basic`, `Token`), after `api_key=` / `"x-api-key":`, and the prefixed keys of hosted APIs.
 */
export function redactSecrets(text: string, key?: string): string {
  let out = text;
  if (key && key.length >= 6 && key !== NO_KEY) out = out.split(key).join('***');
  return out.replace(PREFIXED_KEY, '$1***').replace(AUTH_SCHEME, '$1$2***').replace(KEY_FIELD, '$1***');
}

// ECMA-48: CSI (ESC [ … final), OSC / DCS / SOS / PM / APC strings (ESC ] … BEL or ST), other two-byte
// escapes, and the C1 forms of CSI and OSC.
const ESCAPES =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|[\u001b][\]PX^_][\s\S]*?(?:\u0007|\u001b\\|$)|[\u009d\u0090][\s\S]*?(?:\u0007|\u001b\\|\u009c|$)|\u001b[ -~]?/g;
// Other C0 controls but tab and newline (a carriage return rewrites the line), DEL, the C1 controls,
// and the bidirectional overrides that reorder what a terminal shows.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Removes terminal escape sequences and control characters (keeps tabs and newlines). */
export function stripTerminalControls(text: string): string {
  return text.replace(ESCAPES, '').replace(CONTROLS, '');
}

/** At most `max` characters, saying how many were left out. */
export function capText(text: string, max = MAX_SERVER_TEXT): string {
  if (text.length <= max) return text;
  let end = max;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--; // never split a surrogate pair
  return `${text.slice(0, end)}… [${text.length - end} more characters]`;
}

/** An HTML page (a proxy's error page) as the text a person would read: title and visible text. */
function htmlText(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const body = html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  const text = body.replace(/\s+/g, ' ').trim();
  const t = title?.replace(/\s+/g, ' ').trim();
  return t && !text.startsWith(t) ? `${t}: ${text}` : text;
}

/**
 * What may be kept of a server's text (an error body, a stream's error event): no key, no terminal
 * controls, an HTML page reduced to its text, at most `max` characters.
 */
export function serverText(raw: string, key?: string, max = MAX_SERVER_TEXT): string {
  // Work on a bounded prefix: a 100 MB error body costs no more than a small one.
  const cut = raw.length > 64 * 1024;
  let text = stripTerminalControls(cut ? raw.slice(0, 64 * 1024) : raw);
  if (/^\s*(<!doctype html|<html|<head|<body)/i.test(text)) text = htmlText(text);
  const clean = redactSecrets(text, key);
  return clean.length > max || !cut ? capText(clean, max) : `${clean}… [cut at 64 KB of ${raw.length} characters]`;
}
