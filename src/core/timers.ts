/**
 * Node's timers hold a delay in a signed 32-bit number of milliseconds: a longer one (about 24.8 days)
 * is replaced by 1 ms with only a warning (nodejs.org/api/timers.html, setTimeout: "When delay is
 * larger than 2147483647 or less than 1, the delay will be set to 1"), so a huge --timeout or
 * --max-tokens made every request fail at once. Every delay that comes from a user, a server or a
 * computation goes through timerDelay: clamped, which for these limits means "no limit in practice".
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function timerDelay(ms: number): number {
  if (!(ms > 0)) return ms === Infinity ? MAX_TIMER_MS : 0;
  return Math.min(ms, MAX_TIMER_MS);
}
