/**
 * The line of a failed process's output that says what went wrong: the first line that names an error
 * — Python's exception line ("ModuleNotFoundError: No module named 'torch'", after the traceback's
 * frames), Node's ("Error: ENOENT: no such file or directory, open …", before its "at …" frames), or a
 * tool's "ERROR:" / "error:" / "fatal:" line. Null when no line does. The last lines of such output are
 * usually stack frames, which say where, not what.
 */
export function firstErrorLine(text: string): string | null {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (ERROR_LINE.test(line)) return line.length > 500 ? `${line.slice(0, 500)}…` : line;
  }
  return null;
}

// "ValueError: …", "torch.cuda.OutOfMemoryError: …", "Error: …", "ERROR: …", "error: …", "fatal: …", "[Errno 2] …"
const ERROR_LINE =
  /^(?:[A-Za-z_][\w.]*(?:Error|Exception)|Error|ERROR|error|fatal|FATAL)\b\s*(?:\[[^\]]*\])?\s*:|^\[Errno \d+\]/;
