import { W2sError } from '../errors';

export interface CsvRow {
  /** Line on which the row starts (1-based); a quoted field may span lines. */
  readonly line: number;
  readonly cells: string[];
}

/** RFC 4180: comma separated, double-quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(name: string, text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '"' && cell === '') {
      const quoteLine = line;
      i++;
      for (;;) {
        if (i >= n) throw new W2sError(`${name}:${quoteLine}: a quoted CSV field is never closed.`, 'BAD_CSV');
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        cell += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new W2sError(`${name}:${line}: unexpected text after a closing quote in a CSV field.`, 'BAD_CSV');
      }
      continue;
    }
    if (c === ',') {
      cells.push(cell);
      cell = '';
      i++;
    } else if (c === '\r' || c === '\n') {
      cells.push(cell);
      rows.push({ line: rowLine, cells });
      cells = [];
      cell = '';
      if (c === '\r' && text[i + 1] === '\n') i++;
      i++;
      line++;
      rowLine = line;
    } else {
      cell += c;
      i++;
    }
  }
  if (cell !== '' || cells.length > 0) {
    cells.push(cell);
    rows.push({ line: rowLine, cells });
  }
  return rows;
}
