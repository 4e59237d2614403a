import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { ExpandLimit } from './compress.ts';

export interface SevenZMember {
  name: string;
  bytes?: Uint8Array;
  error?: string;
  encrypted?: boolean;
  isDirectory: boolean;
}

interface Coder {
  id: number[];
  numInStreams: number;
  numOutStreams: number;
  properties?: Uint8Array;
}

interface Parser {
  streamsInfo?: { folders?: { coders: Coder[]; unpackSizes: number[] }[] };
  parse(): Promise<void>;
  getEntries(): { name: string; type?: string; isDirectory?: boolean; size?: number; hasStream?: boolean }[];
  getEntryStream(e: unknown): Readable;
  close(): void;
}

/**
 * Lists and decompresses 7z members in memory through 7z-iterator's parser (pure JavaScript, LZMA,
 * LZMA2, BZip2, Deflate, BCJ). Each member and the total are bounded.
 */
export async function readSevenZip(
  bytes: Uint8Array,
  maxMembers: number,
  maxTotal: number,
): Promise<SevenZMember[]> {
  const header = shrinkHeaderWindow(bytes);
  const attempt = await readOnce(header ?? bytes, maxMembers, maxTotal, true, header !== undefined);
  // The shrunken window decodes exactly as the declared one while the output fits in it; otherwise
  // (a lying size, an error) the archive is read again as it is.
  if (attempt.shrunk && (attempt.failed || (attempt.clamped > 0 && attempt.total > attempt.clamped)))
    return (await readOnce(bytes, maxMembers, maxTotal, false, false)).members;
  if (attempt.error) throw attempt.error;
  return attempt.members;
}

const MIN_WINDOW = 1 << 16;

function lzma2Window(p: number): number {
  return p >= 40 ? 0xffffffff : (2 | (p & 1)) * 2 ** (Math.floor(p / 2) + 11);
}

/**
 * LZMA/LZMA2 decoders allocate their whole declared dictionary (16 MiB and more is common) even for
 * a member of a few bytes; across many small archives that is most of the garbage collector's work.
 * Folders of one-in/one-out coders get a window no larger than their largest declared unpacked
 * size (at least 64 KiB). Returns the smallest window set, or 0 when nothing was changed.
 */
function shrinkWindows(parser: Parser): number {
  let smallest = 0;
  for (const f of parser.streamsInfo?.folders ?? []) {
    if (f.coders.some((c) => c.numInStreams !== 1 || c.numOutStreams !== 1)) continue;
    let want = MIN_WINDOW;
    for (const n of f.unpackSizes) if (n > want) want = n;
    for (const c of f.coders) {
      const props = c.properties;
      if (!props) continue;
      let set = 0;
      if (c.id.length === 1 && c.id[0] === 0x21 && props.length === 1) {
        let p = 0;
        while (p < 40 && lzma2Window(p) < want) p++;
        if (p < props[0]!) {
          props[0] = p;
          set = lzma2Window(p);
        }
      } else if (c.id.length === 3 && c.id[0] === 3 && c.id[1] === 1 && c.id[2] === 1 && props.length >= 5) {
        const v = new DataView(props.buffer, props.byteOffset, props.byteLength);
        if (v.getUint32(1, true) > want && want <= 0xffffffff) {
          v.setUint32(1, want, true);
          set = want;
        }
      }
      if (set > 0) smallest = smallest === 0 ? set : Math.min(smallest, set);
    }
  }
  return smallest;
}

/** 7z's variable-length NUMBER: leading one bits of the first byte count the extra bytes. */
function readNumber(b: Uint8Array, at: { pos: number }): number | undefined {
  const first = b[at.pos++];
  if (first === undefined) return undefined;
  let mask = 0x80;
  let value = 0;
  for (let i = 0; i < 8; i++) {
    if ((first & mask) === 0) return value + (first & (mask - 1)) * 2 ** (8 * i);
    const next = b[at.pos++];
    if (next === undefined) return undefined;
    value += next * 2 ** (8 * i);
    mask >>= 1;
  }
  return value;
}

/**
 * Archives written by 7-Zip compress their own header, declaring the archive's dictionary (16 MiB by
 * default) for a header of a few hundred bytes, and 7z-iterator decodes it inside parse(). For the
 * simple layout (one folder of plain one-in/one-out coders, CRCs intact) returns a copy of a small
 * archive whose header coder declares a window that still covers the header, with both CRCs
 * recomputed; undefined otherwise. A failed read of the copy falls back to the original bytes.
 */
function shrinkHeaderWindow(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length < 32 || bytes.length > 16 * 1024 * 1024) return undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const off = v.getUint32(12, true) + v.getUint32(16, true) * 2 ** 32;
  const size = v.getUint32(20, true) + v.getUint32(24, true) * 2 ** 32;
  const start = 32 + off;
  if (size < 2 || start + size > bytes.length) return undefined;
  const next = bytes.subarray(start, start + size);
  if (crc32(bytes.subarray(12, 32)) >>> 0 !== v.getUint32(8, true)) return undefined;
  if (crc32(next) >>> 0 !== v.getUint32(28, true)) return undefined;
  const at = { pos: 0 };
  // kEncodedHeader, kPackInfo: packPos, numPackStreams, [kSize sizes…], kEnd.
  if (next[at.pos++] !== 0x17 || next[at.pos++] !== 0x06) return undefined;
  if (readNumber(next, at) === undefined) return undefined;
  const packs = readNumber(next, at);
  if (packs !== 1 || next[at.pos++] !== 0x09 || readNumber(next, at) === undefined) return undefined;
  if (next[at.pos++] !== 0x00) return undefined;
  // kUnpackInfo, kFolder, one folder, not external.
  if (next[at.pos++] !== 0x07 || next[at.pos++] !== 0x0b) return undefined;
  if (readNumber(next, at) !== 1 || next[at.pos++] !== 0x00) return undefined;
  const numCoders = readNumber(next, at);
  if (numCoders === undefined || numCoders < 1 || numCoders > 4) return undefined;
  const props: { id: number[]; at: number; len: number }[] = [];
  for (let c = 0; c < numCoders; c++) {
    const flag = next[at.pos++];
    if (flag === undefined || flag & 0xd0) return undefined;
    const id = [...next.subarray(at.pos, at.pos + (flag & 0x0f))];
    at.pos += flag & 0x0f;
    if (flag & 0x20) {
      const len = readNumber(next, at);
      if (len === undefined || at.pos + len > next.length) return undefined;
      props.push({ id, at: at.pos, len });
      at.pos += len;
    }
  }
  for (let c = 0; c < numCoders - 1; c++)
    if (readNumber(next, at) === undefined || readNumber(next, at) === undefined) return undefined;
  if (next[at.pos++] !== 0x0c) return undefined;
  let want = MIN_WINDOW;
  for (let c = 0; c < numCoders; c++) {
    const n = readNumber(next, at);
    if (n === undefined) return undefined;
    if (n > want) want = n;
  }
  if (at.pos > next.length) return undefined;
  let copy: Uint8Array | undefined;
  for (const p of props) {
    if (p.id.length === 1 && p.id[0] === 0x21 && p.len === 1) {
      let w = 0;
      while (w < 40 && lzma2Window(w) < want) w++;
      if (w >= next[p.at]!) continue;
      copy ??= Uint8Array.from(bytes);
      copy[start + p.at] = w;
    } else if (p.id.length === 3 && p.id[0] === 3 && p.id[1] === 1 && p.id[2] === 1 && p.len === 5) {
      const dv = new DataView(next.buffer, next.byteOffset + p.at + 1, 4);
      if (dv.getUint32(0, true) <= want || want > 0xffffffff) continue;
      copy ??= Uint8Array.from(bytes);
      new DataView(copy.buffer, start + p.at + 1, 4).setUint32(0, want, true);
    }
  }
  if (!copy) return undefined;
  const cv = new DataView(copy.buffer);
  cv.setUint32(28, crc32(copy.subarray(start, start + size)) >>> 0, true);
  cv.setUint32(8, crc32(copy.subarray(12, 32)) >>> 0, true);
  return copy;
}

async function readOnce(
  bytes: Uint8Array,
  maxMembers: number,
  maxTotal: number,
  shrink: boolean,
  headerShrunk: boolean,
): Promise<{
  members: SevenZMember[];
  total: number;
  clamped: number;
  shrunk: boolean;
  failed: boolean;
  error?: unknown;
}> {
  process.env.LZMA_NATIVE_DISABLE = '1';
  const mod = (await import('7z-iterator')) as unknown as {
    SevenZipParser: new (src: unknown) => Parser;
    BufferSource: new (b: Buffer) => unknown;
  };
  const parser = new mod.SevenZipParser(
    new mod.BufferSource(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
  );
  try {
    await parser.parse();
  } catch (e) {
    if (!headerShrunk) throw e;
    return { members: [], total: 0, clamped: 0, shrunk: true, failed: true, error: e };
  }
  const clamped = shrink ? shrinkWindows(parser) : 0;
  const shrunk = headerShrunk || clamped > 0;
  const out: SevenZMember[] = [];
  let total = 0;
  let failed = false;
  try {
    for (const e of parser.getEntries()) {
      if (out.length >= maxMembers) throw new ExpandLimit(maxTotal);
      const isDirectory = e.type === 'directory' || e.isDirectory === true;
      if (isDirectory || e.hasStream === false) {
        out.push({ name: e.name, isDirectory: true });
        continue;
      }
      if ((e.size ?? 0) + total > maxTotal) throw new ExpandLimit(maxTotal);
      try {
        const chunks: Buffer[] = [];
        const stream = parser.getEntryStream(e);
        for await (const c of stream) {
          total += (c as Buffer).length;
          if (total > maxTotal) {
            stream.destroy();
            throw new ExpandLimit(maxTotal);
          }
          chunks.push(c as Buffer);
        }
        out.push({ name: e.name, bytes: Buffer.concat(chunks), isDirectory: false });
      } catch (err) {
        if (err instanceof ExpandLimit) throw err;
        failed = true;
        const msg = (err as Error).message ?? String(err);
        out.push({
          name: e.name,
          error: msg,
          encrypted: /encrypt|password|aes/i.test(msg),
          isDirectory: false,
        });
      }
    }
  } catch (e) {
    if (!shrunk) throw e;
    return { members: out, total, clamped, shrunk, failed: true, error: e };
  } finally {
    parser.close();
  }
  return { members: out, total, clamped, shrunk, failed };
}
