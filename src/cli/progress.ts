import { stripTerminalControls } from '../core/untrusted-text';

/**
 * A progress bar on stderr (stdout stays clean for --json). On a terminal it redraws one line; in a
 * log or pipe it prints a line at most every few seconds so CI logs stay readable.
 */
export interface Progress {
  update(done: number, total: number, detail?: string): void;
  log(line: string): void;
  done(line?: string): void;
}

export function createProgress(stream: NodeJS.WriteStream, label: string, quiet = false): Progress {
  const tty = Boolean(stream.isTTY);
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  const clear = () => {
    if (tty && drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    update(done, total, detail) {
      if (quiet) return;
      const now = Date.now();
      const interval = tty ? 100 : 5000;
      if (now - lastDraw < interval && done < total) return;
      lastDraw = now;
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const elapsed = (now - started) / 1000;
      const rate = elapsed > 0 ? done / elapsed : 0;
      const eta = rate > 0 && total > done ? `, ETA ${formatSeconds((total - done) / rate)}` : '';
      const text = `${label} ${done}/${total} (${(frac * 100).toFixed(0)}%${eta})${detail ? ` ${detail}` : ''}`;
      if (tty) {
        const width = 24;
        const filled = Math.round(frac * width);
        stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`);
        drawn = true;
      } else {
        stream.write(`${text}\n`);
      }
    },
    log(line) {
      clear();
      stream.write(`${stripTerminalControls(line)}\n`);
    },
    done(line) {
      clear();
      if (line && !quiet) stream.write(`${line}\n`);
    },
  };
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
