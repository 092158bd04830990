import { UsageError } from './usage-error';

/**
 * Numbers on the command line are read as a person writes them in decimal: `Number()` alone would also
 * take `1e23`, `0x10`, `0b1`, `Infinity` and `" 8 "`, and send them on to a server.
 */
const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/;

/** A decimal integer from `min` to `max` (both safe integers); undefined when the flag was not given. */
export function intOption(
  v: unknown,
  flag: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  orElse?: string,
): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  const x = INTEGER.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(x) || x < min || x > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER
        ? min === 1
          ? 'a positive integer'
          : `an integer of at least ${min}`
        : `an integer from ${min} to ${max}`;
    throw new UsageError(
      `--${flag} must be ${range}${orElse ? ` ${orElse}` : ''}, written in decimal digits (got "${s}").`,
    );
  }
  return x;
}

/** A decimal number (digits, an optional fraction) that passes `check`; undefined when not given. */
export function numberOption(
  v: unknown,
  flag: string,
  check: (x: number) => boolean,
  what: string,
): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  const x = DECIMAL.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(x) || !check(x))
    throw new UsageError(`--${flag} must be ${what}, written in decimal (got "${s}").`);
  return x;
}
