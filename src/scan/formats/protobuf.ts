import { type Cursor, ParseError } from './reader.ts';

/**
 * A protobuf wire-format walker over a Cursor: the handler sees each field and either reads it
 * (recursing into sub-messages by range) or lets the walker skip it, so multi-GB tensor payloads
 * inside a model are stepped over, never loaded.
 */
export interface Field {
  no: number;
  wire: number;
  /** Varint / fixed values (numbers; precise below 2^53). */
  value?: number;
  /** For length-delimited fields: where the payload starts and its length. */
  start: number;
  len: number;
}

export const MAX_DEPTH = 64;

export function varint(c: Cursor, what: string): number {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    const b = c.u8(what);
    result += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return result;
    mul *= 128;
  }
  throw new ParseError(`${what}: varint longer than 10 bytes`, c.pos);
}

/** Walks fields in [c.pos, end); `onField` returns true when it consumed a length-delimited payload. */
/** Walks the embedded message a length-delimited field holds (sets the cursor to its start). */
export function walkMessage(
  c: Cursor,
  f: Field,
  depth: number,
  onField: (f: Field) => boolean | undefined,
  what = 'message',
): void {
  c.pos = f.start;
  walk(c, f.start + f.len, depth, onField, what);
}

export function walk(
  c: Cursor,
  end: number,
  depth: number,
  onField: (f: Field) => boolean | undefined,
  what = 'message',
): void {
  if (depth > MAX_DEPTH) throw new ParseError(`${what}: nesting deeper than ${MAX_DEPTH}`, c.pos);
  while (c.pos < end) {
    const keyAt = c.pos;
    const key = varint(c, `${what} field key`);
    const no = Math.floor(key / 8);
    const wire = key % 8;
    if (no === 0) throw new ParseError(`${what}: field number 0 at offset ${keyAt}`, keyAt);
    switch (wire) {
      case 0: {
        const value = varint(c, `${what} field ${no}`);
        onField({ no, wire, value, start: c.pos, len: 0 });
        break;
      }
      case 1: {
        c.skip(8, `${what} field ${no}`);
        onField({ no, wire, start: c.pos - 8, len: 8 });
        break;
      }
      case 5: {
        c.skip(4, `${what} field ${no}`);
        onField({ no, wire, start: c.pos - 4, len: 4 });
        break;
      }
      case 2: {
        const len = varint(c, `${what} field ${no} length`);
        const start = c.pos;
        if (start + len > end)
          throw new ParseError(
            `${what}: field ${no} at offset ${keyAt} runs past its message (${len} bytes)`,
            keyAt,
          );
        const consumed = onField({ no, wire, start, len });
        c.pos = start + len;
        void consumed;
        break;
      }
      default:
        throw new ParseError(`${what}: unsupported wire type ${wire} at offset ${keyAt}`, keyAt);
    }
    if (c.pos > end) throw new ParseError(`${what}: field ${no} overruns its message`, keyAt);
  }
}

export function readString(c: Cursor, f: Field, max = 1 << 20): string {
  c.pos = f.start;
  const n = Math.min(f.len, max);
  return Buffer.from(c.bytes(n, `field ${f.no}`)).toString('utf8');
}
