import { BulwarkError } from '../core/index.ts';

export interface TableLimits {
  maxColumns: number;
  maxFieldBytes: number;
  maxRows: number;
}

export const TABLE_LIMITS: TableLimits = {
  maxColumns: 1000,
  maxFieldBytes: 1024 * 1024,
  maxRows: 50_000_000,
};

/** A dataset that cannot be read: a syntax error (BW_ERR_PARSE) or a bound exceeded (BW_ERR_PARSE_LIMIT). */
export class TableError extends BulwarkError {
  constructor(file: string, line: number, problem: string, limit = false) {
    super(limit ? 'BW_ERR_PARSE_LIMIT' : 'BW_ERR_PARSE', `${file}:${line}: ${problem}`, {
      details: { file, line },
    });
    this.name = 'TableError';
  }
}

/**
 * Incremental RFC 4180 CSV reader: feed text chunks, get complete records back. Quoted fields may span
 * lines; every field and row count is bounded, and a malformed quote names its line.
 */
export function createCsvReader(file: string, limits: TableLimits = TABLE_LIMITS, delimiter = ',') {
  let field = '';
  let row: string[] = [];
  let inQuotes = false;
  let afterQuote = false;
  let line = 1;
  let rowLine = 1;
  let rows = 0;
  let quoteLine = 1;
  const finishField = () => {
    row.push(field);
    field = '';
    afterQuote = false;
    if (row.length > limits.maxColumns)
      throw new TableError(file, rowLine, `more than ${limits.maxColumns} columns`, true);
  };
  const finishRow = (out: { line: number; fields: string[] }[]) => {
    finishField();
    if (!(row.length === 1 && row[0] === '')) {
      if (++rows > limits.maxRows)
        throw new TableError(file, rowLine, `more than ${limits.maxRows} rows`, true);
      out.push({ line: rowLine, fields: row });
    }
    row = [];
  };
  return {
    push(chunk: string): { line: number; fields: string[] }[] {
      const out: { line: number; fields: string[] }[] = [];
      for (let i = 0; i < chunk.length; i++) {
        const ch = chunk[i]!;
        if (inQuotes) {
          if (ch === '"') {
            if (chunk[i + 1] === '"') {
              field += '"';
              i++;
            } else if (i + 1 === chunk.length) {
              // A quote at the end of a chunk: decide on the next chunk (escaped "" split across chunks).
              inQuotes = false;
              afterQuote = true;
            } else {
              inQuotes = false;
              afterQuote = true;
            }
          } else {
            if (ch === '\n') line++;
            field += ch;
          }
        } else if (ch === '"') {
          if (afterQuote) {
            // "" split over a chunk boundary
            field += '"';
            inQuotes = true;
            afterQuote = false;
          } else if (field === '') {
            inQuotes = true;
            quoteLine = line;
          } else throw new TableError(file, line, 'quote inside an unquoted field');
        } else if (ch === delimiter) finishField();
        else if (ch === '\n') {
          finishRow(out);
          line++;
          rowLine = line;
        } else if (ch === '\r') {
          // CRLF: the \n ends the row
        } else {
          if (afterQuote) throw new TableError(file, line, 'text after a closing quote');
          field += ch;
        }
        if (field.length > limits.maxFieldBytes)
          throw new TableError(file, line, `field longer than ${limits.maxFieldBytes} characters`, true);
      }
      return out;
    },
    end(): { line: number; fields: string[] }[] {
      if (inQuotes) throw new TableError(file, quoteLine, 'unterminated quoted field (opened here)');
      const out: { line: number; fields: string[] }[] = [];
      if (field !== '' || row.length > 0) finishRow(out);
      return out;
    },
  };
}

/** The delimiter of a delimited text file: the one of `,` `;` tab `|` found most often in its first line. */
export function sniffDelimiter(firstChunk: string): string {
  const line = firstChunk.split('\n', 1)[0] ?? '';
  let best = ',';
  let most = 0;
  for (const d of [',', ';', '\t', '|']) {
    const n = line.split(d).length - 1;
    if (n > most) {
      most = n;
      best = d;
    }
  }
  return best;
}
