import { UsageError } from './usage-error';

/** A numeric flag: undefined when absent, else a number that passes `check`, else a usage error naming the flag. */
export function numberOption(v: unknown, flag: string, check: (x: number) => boolean, what: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || !check(x)) throw new UsageError(`--${flag} must be ${what} (got "${String(v)}").`);
  return x;
}

export const isInteger = (x: number): boolean => Number.isInteger(x);
