import { BulwarkError, isBulwarkError, type Severity } from '../core/index.ts';

/** Exit codes shared by every command: CI relies on them. */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2 } as const;

/** Raised by a command to stop with a usage/input error (exit 2) and a message naming the problem. */
export class UsageError extends BulwarkError {
  constructor(message: string, field?: string) {
    super('BW_ERR_USAGE', message, field ? { field } : {});
    this.name = 'UsageError';
  }
}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Colour and progress bars only when the stream is a TTY and NO_COLOR is unset. */
  color: boolean;
  isTTY: boolean;
  /** Indent JSON for people when stdout is a terminal; pipes and files get one compact line. */
  prettyJson?: boolean;
}

export function processIo(): Io {
  const isTTY = Boolean(process.stdout.isTTY);
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    color: isTTY && !process.env.NO_COLOR,
    isTTY: Boolean(process.stderr.isTTY),
    prettyJson: isTTY,
  };
}

const CODES = { red: 31, yellow: 33, green: 32, cyan: 36, gray: 90, bold: 1, magenta: 35 } as const;
export type Color = keyof typeof CODES;

export function paint(io: Io, color: Color, s: string): string {
  return io.color ? `\u001b[${CODES[color]}m${s}\u001b[0m` : s;
}

export function paintSeverity(io: Io, s: Severity): string {
  const c: Record<Severity, Color> = {
    critical: 'magenta',
    high: 'red',
    medium: 'yellow',
    low: 'cyan',
    info: 'gray',
  };
  return paint(io, c[s], s);
}

// Strips ANSI codes so column widths count visible characters only.
const ANSI = /\u001b\[[0-9;]*m/g;
function visible(s: string): number {
  return s.replace(ANSI, '').length;
}

/** A short, aligned table for people; long cells are cut so rows stay on one line. */
export function table(headers: string[], rows: string[][], maxCell = 60): string {
  const cut = (s: string) => (visible(s) > maxCell ? `${s.replace(ANSI, '').slice(0, maxCell - 1)}…` : s);
  const cells = rows.map((r) => r.map((c) => cut(c ?? '')));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => visible(r[i] ?? ''))));
  const line = (r: string[]) =>
    r
      .map((c, i) => c + ' '.repeat(Math.max(0, widths[i]! - visible(c))))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/**
 * One JSON document on stdout. Indented on a terminal; compact otherwise, since a report of thousands of
 * findings is read by programs (jq pretty-prints it) and indenting doubled both its size and its cost.
 */
export function printJson(io: Io, value: unknown): void {
  io.out(`${io.prettyJson ? JSON.stringify(value, null, 2) : JSON.stringify(value)}\n`);
}

/** Progress on stderr, redrawn in place; silent when stderr is not a TTY (CI logs stay clean). */
export function progress(
  io: Io,
  label: string,
): { update: (done: number, total: number, note?: string) => void; done: () => void } {
  if (!io.isTTY) return { update: () => {}, done: () => {} };
  let last = 0;
  return {
    update(done, total, note = '') {
      const now = Date.now();
      if (now - last < 80 && done < total) return;
      last = now;
      const width = 24;
      const filled = total > 0 ? Math.round((done / total) * width) : 0;
      io.err(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${note.slice(0, 40).padEnd(40)}`,
      );
    },
    done() {
      io.err('\r\u001b[2K');
    },
  };
}

/** Maps any thrown error to a message and an exit code: usage/input/config errors are 2. */
export function reportError(io: Io, e: unknown, json: boolean): number {
  if (isBulwarkError(e)) {
    if (json) printJson(io, { error: e.toJSON() });
    else io.err(`error: ${e.message}${e.code && !e.message.includes(e.code) ? ` [${e.code}]` : ''}\n`);
    return EXIT.USAGE;
  }
  const err = e as Error;
  if (json) printJson(io, { error: { code: 'BW_ERR_INTERNAL', message: err?.message ?? String(e) } });
  else io.err(`error: ${err?.message ?? String(e)}\n`);
  return EXIT.USAGE;
}
