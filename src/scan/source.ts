import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Random access to bytes: a file read on demand (multi-GB checkpoints are never loaded whole) or a
 * buffer already in memory (a decompressed member). Views share storage, never copy.
 */
export interface Source {
  readonly size: number;
  /** Up to `len` bytes at `off` (fewer at the end). */
  read(off: number, len: number): Uint8Array;
  slice(off: number, len: number): Source;
}

export class MemSource implements Source {
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  get size(): number {
    return this.bytes.length;
  }
  read(off: number, len: number): Uint8Array {
    const start = Math.max(0, Math.min(off, this.bytes.length));
    return this.bytes.subarray(start, Math.min(this.bytes.length, start + Math.max(0, len)));
  }
  slice(off: number, len: number): Source {
    return new MemSource(this.read(off, len));
  }
}

export class FileSource implements Source {
  private readonly fd: number;
  private readonly base: number;
  readonly size: number;
  private constructor(fd: number, base: number, size: number) {
    this.fd = fd;
    this.base = base;
    this.size = size;
  }

  static open(path: string): { src: FileSource; close: () => void } {
    const fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    return { src: new FileSource(fd, 0, size), close: () => closeSync(fd) };
  }

  read(off: number, len: number): Uint8Array {
    const start = Math.max(0, Math.min(off, this.size));
    const n = Math.max(0, Math.min(len, this.size - start));
    const buf = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const r = readSync(this.fd, buf, got, n - got, this.base + start + got);
      if (r === 0) break;
      got += r;
    }
    return buf.subarray(0, got);
  }

  slice(off: number, len: number): Source {
    const start = Math.max(0, Math.min(off, this.size));
    return new FileSource(this.fd, this.base + start, Math.max(0, Math.min(len, this.size - start)));
  }
}

/** Whole content in memory, or undefined when larger than `max`. */
export function readAll(src: Source, max: number): Uint8Array | undefined {
  if (src.size > max) return undefined;
  return src.read(0, src.size);
}
