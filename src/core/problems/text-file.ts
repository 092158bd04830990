import { W2sError } from '../errors';

/**
 * The text of a problem or trace file, which must be UTF-8. A UTF-16 file (what some Windows editors
 * save as "Unicode") decoded as UTF-8 is every other byte a NUL: it is named for what it is instead.
 */
export function decodeUtf8(name: string, raw: Buffer): string {
  const utf16 = utf16Kind(raw);
  if (utf16) {
    throw new W2sError(
      `${name}: the file is UTF-16 (${utf16}); W2S Studio reads UTF-8. Save it as UTF-8 (an editor's "Save with Encoding", ` +
        `or: iconv -f UTF-16 -t UTF-8 ${name} > ${name.replace(/(\.[^.]+)?$/, '.utf8$1')}) and import that.`,
      'UTF16_FILE',
    );
  }
  return raw.toString('utf8');
}

function utf16Kind(raw: Buffer): string | undefined {
  if (raw.length >= 2 && raw[0] === 0xff && raw[1] === 0xfe) return 'little-endian, with a byte-order mark';
  if (raw.length >= 2 && raw[0] === 0xfe && raw[1] === 0xff) return 'big-endian, with a byte-order mark';
  // Without a mark: ASCII text in UTF-16 has a NUL in every other byte of its first characters.
  const n = Math.min(raw.length, 512) & ~1;
  if (n < 8) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (raw[i] === 0) evenNul++;
    if (raw[i + 1] === 0) oddNul++;
  }
  if (oddNul > n / 4 && evenNul === 0) return 'little-endian, without a byte-order mark';
  if (evenNul > n / 4 && oddNul === 0) return 'big-endian, without a byte-order mark';
  return undefined;
}

/** Deepest nesting a record may have: real problem and trace records are a level or three deep. */
export const MAX_JSON_DEPTH = 100;

/**
 * Whether a parsed JSON value nests deeper than `max` (walked without recursion: the point is that a
 * value nested 100,000 deep would overflow the stack of anything recursive, JSON.stringify included).
 */
export function nestedDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
