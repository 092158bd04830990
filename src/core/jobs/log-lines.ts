/**
 * Ray's log tail sends text frames that are batches of log text, not lines (job_log_storage_client /
 * utils.file_tail_iterator: up to 10 lines or 20,000 characters, and `readline` returns half a line
 * while the driver is writing it). This splitter keeps the unfinished end until its newline arrives —
 * but never more than `maxLine` characters of it: a line longer than that (a driver printing without
 * newlines, a hostile endpoint) is cut there, its head kept as the line, the rest skipped up to the
 * next newline, and `onLongLine` told once per such line.
 */
export interface LineSplitter {
  /** The complete lines the chunk finishes (without their newline). */
  push(chunk: string): string[];
  /** What is left after the last newline (the log's last line, when the job has ended). */
  rest(): string;
}

/** The longest log line kept whole (runner records are far smaller: a sample record is its text, at most some 100 KB). */
export const MAX_LOG_LINE = 1024 * 1024;
/** What a cut line keeps. */
const CUT_KEEP = 2000;

export const cutLine = (head: string, skipped: number): string =>
  `${head.slice(0, CUT_KEEP)}… [line cut: ${head.length - Math.min(head.length, CUT_KEEP) + skipped} more characters not read]`;

export function createLineSplitter(opts: { maxLine?: number; onLongLine?: (head: string) => void } = {}): LineSplitter {
  const max = opts.maxLine ?? MAX_LOG_LINE;
  let pending = '';
  /** Inside a line already cut: characters dropped so far (-1 when not). */
  let skipping = -1;
  return {
    push(chunk) {
      const out: string[] = [];
      let text = chunk;
      if (skipping >= 0) {
        const nl = text.indexOf('\n');
        if (nl < 0) {
          skipping += text.length;
          return out;
        }
        out.push(cutLine(pending, skipping + nl));
        pending = '';
        skipping = -1;
        text = text.slice(nl + 1);
      }
      pending += text;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const l of parts) {
        if (l.length > max) opts.onLongLine?.(l.slice(0, 200));
        out.push(l.length > max ? cutLine(l, 0) : l.endsWith('\r') ? l.slice(0, -1) : l);
      }
      if (pending.length > max) {
        opts.onLongLine?.(pending.slice(0, 200));
        skipping = pending.length - CUT_KEEP;
        pending = pending.slice(0, CUT_KEEP);
      }
      return out;
    },
    rest: () => (skipping >= 0 ? cutLine(pending, skipping) : pending),
  };
}

/** Ray caps GET …/logs at the last 16 MiB (job_log_storage_client.py, RAY_JOB_LOG_MAX_READ_BYTES) and says so on the first line. */
export const TRUNCATED_LOG = /^\[LOG TRUNCATED[^\]\n]*\]\n?/;

/** "[LOG TRUNCATED — showing last 16 MiB of 40.2 MiB total]": the sizes, in bytes (approximate: one decimal). */
export function truncatedSizes(header: string): { shownBytes: number; totalBytes: number } | undefined {
  const m = /showing last ([\d.]+) (MiB|GiB) of ([\d.]+) (MiB|GiB) total/.exec(header);
  if (!m) return undefined;
  const bytes = (n: string, unit: string) => Number(n) * (unit === 'GiB' ? 2 ** 30 : 2 ** 20);
  return { shownBytes: bytes(m[1]!, m[2]!), totalBytes: bytes(m[3]!, m[4]!) };
}
