/**
 * Ray's log tail sends text frames that are batches of log text, not lines (job_log_storage_client /
 * utils.file_tail_iterator: up to 10 lines or 20,000 characters, and `readline` returns half a line
 * while the driver is writing it). This splitter keeps the unfinished end until its newline arrives.
 */
export interface LineSplitter {
  /** The complete lines the chunk finishes (without their newline). */
  push(chunk: string): string[];
  /** What is left after the last newline (the log's last line, when the job has ended). */
  rest(): string;
}

export function createLineSplitter(): LineSplitter {
  let pending = '';
  return {
    push(chunk) {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
    },
    rest: () => pending,
  };
}

/** Ray >= 2.4x caps GET …/logs at the last 16 MiB and says so on the first line. */
export const TRUNCATED_LOG = /^\[LOG TRUNCATED/;
