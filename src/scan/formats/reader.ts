import type { Source } from '../source.ts';

export class ParseError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

/** Sequential little-endian reads over a Source through a sliding window (bounded memory). */
export class Cursor {
  pos: number;
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;
  private readonly src: Source;
  private readonly window: number;
  constructor(src: Source, start = 0, window = 1 << 20) {
    this.src = src;
    this.pos = start;
    this.window = window;
  }
  get size(): number {
    return this.src.size;
  }
  bytes(n: number, what: string): Uint8Array {
    if (n < 0 || this.pos + n > this.src.size)
      throw new ParseError(
        `${what} at offset ${this.pos} needs ${n} byte(s), ${Math.max(0, this.src.size - this.pos)} remain`,
        this.pos,
      );
    const rel = this.pos - this.bufStart;
    if (rel < 0 || rel + n > this.buf.length) {
      this.buf = this.src.read(this.pos, Math.max(n, this.window));
      this.bufStart = this.pos;
    }
    const r = this.pos - this.bufStart;
    this.pos += n;
    return this.buf.subarray(r, r + n);
  }
  u8(what: string): number {
    return this.bytes(1, what)[0]!;
  }
  u32(what: string): number {
    const b = this.bytes(4, what);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  }
  u64(what: string): number {
    const lo = this.u32(what);
    const hi = this.u32(what);
    return hi * 2 ** 32 + lo;
  }
  skip(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.src.size)
      throw new ParseError(`${what} at offset ${this.pos} skips ${n} byte(s) past the end`, this.pos);
    this.pos += n;
  }
}
