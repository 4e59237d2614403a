import { inflateRawSync } from 'node:zlib';
import { TimeLimit } from '../context.ts';
import { decodeBzip2 } from './bzip2.ts';
import { ExpandLimit } from './compress.ts';
import { decodeLzma, decodeLzma2 } from './lzma.ts';

/**
 * 7z reader written for the scanner: the signature header, the (usually LZMA-compressed) header,
 * folders of chained one-in/one-out coders — Copy, LZMA, LZMA2, BZip2, Deflate, BCJ x86, Delta — and
 * the files mapped onto their substreams. Everything is synchronous and bounded: member count, total
 * output (checked before and during decoding), and the caller's `tick` (a deadline) inside every
 * decoder. Anything else (BCJ2, PPMd, AES, an external header) is an error naming what it is, so the
 * caller reports it: fail closed.
 */
export interface SevenZMember {
  name: string;
  bytes?: Uint8Array;
  error?: string;
  encrypted?: boolean;
  isDirectory: boolean;
}

export class SevenZError extends Error {
  readonly encrypted: boolean;
  constructor(message: string, encrypted = false) {
    super(message);
    this.encrypted = encrypted;
  }
}

export interface SevenZArchive {
  members: SevenZMember[];
  /**
   * Data the listing does not account for — packed bytes no stream covers, data streams no file uses —
   * which 7-Zip never writes and no reader extracts: a damaged or crafted header. The caller reports
   * each rather than trust the listing.
   */
  problems: string[];
}

export interface SevenZBounds {
  maxMembers: number;
  /** Most decompressed bytes for the whole archive (header included). */
  maxTotal: number;
  tick?: () => void;
}

const SIGNATURE = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];

// Property ids of the 7z header.
const K_END = 0x00;
const K_HEADER = 0x01;
const K_ARCHIVE_PROPERTIES = 0x02;
const K_ADDITIONAL_STREAMS = 0x03;
const K_MAIN_STREAMS = 0x04;
const K_FILES_INFO = 0x05;
const K_PACK_INFO = 0x06;
const K_UNPACK_INFO = 0x07;
const K_SUBSTREAMS_INFO = 0x08;
const K_SIZE = 0x09;
const K_CRC = 0x0a;
const K_FOLDER = 0x0b;
const K_CODERS_UNPACK_SIZE = 0x0c;
const K_NUM_UNPACK_STREAM = 0x0d;
const K_EMPTY_STREAM = 0x0e;
const K_EMPTY_FILE = 0x0f;
const K_NAME = 0x11;
const K_WIN_ATTRIBUTES = 0x15;
const K_ENCODED_HEADER = 0x17;

const CODERS: Record<string, string> = {
  '00': 'Copy',
  '030101': 'LZMA',
  '21': 'LZMA2',
  '040202': 'BZip2',
  '040108': 'Deflate',
  '03030103': 'BCJ',
  '03': 'Delta',
  '0303011b': 'BCJ2',
  '030401': 'PPMD',
  '06f10701': 'AES',
  '040109': 'Deflate64',
};

class Reader {
  pos: number;
  private readonly b: Uint8Array;
  private readonly end: number;
  constructor(b: Uint8Array, pos = 0, end = b.length) {
    this.b = b;
    this.pos = pos;
    this.end = end;
  }
  byte(): number {
    if (this.pos >= this.end) throw new SevenZError(`7z header is truncated at byte ${this.pos}`);
    return this.b[this.pos++]!;
  }
  /** 7z's variable-length NUMBER: leading one bits of the first byte count the extra bytes. */
  number(): number {
    const first = this.byte();
    let mask = 0x80;
    let value = 0;
    for (let i = 0; i < 8; i++) {
      if ((first & mask) === 0) return value + (first & (mask - 1)) * 2 ** (8 * i);
      value += this.byte() * 2 ** (8 * i);
      mask >>>= 1;
    }
    if (value > Number.MAX_SAFE_INTEGER) throw new SevenZError('7z header number is too large');
    return value;
  }
  /** A count that must be backed by at least `per` bytes each of what is left (no huge arrays). */
  count(per: number, what: string): number {
    const n = this.number();
    if (n * per > this.end - this.pos)
      throw new SevenZError(`7z header declares ${n} ${what}, more than it holds`);
    return n;
  }
  u32(): number {
    const v = this.byte() | (this.byte() << 8) | (this.byte() << 16) | (this.byte() << 24);
    return v >>> 0;
  }
  bytes(n: number): Uint8Array {
    if (n > this.end - this.pos) throw new SevenZError(`7z header is truncated at byte ${this.pos}`);
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  bits(n: number): boolean[] {
    const out: boolean[] = [];
    let cur = 0;
    for (let i = 0; i < n; i++) {
      if (i % 8 === 0) cur = this.byte();
      out.push((cur & (0x80 >>> (i % 8))) !== 0);
    }
    return out;
  }
  /** AllAreDefined byte, else a bit vector. */
  defined(n: number): boolean[] {
    return this.byte() ? new Array<boolean>(n).fill(true) : this.bits(n);
  }
}

interface Coder {
  id: string;
  numIn: number;
  numOut: number;
  props: Uint8Array;
}

interface Folder {
  coders: Coder[];
  bindPairs: { inIndex: number; outIndex: number }[];
  packed: number[];
  unpackSizes: number[];
  crc?: number;
}

interface Streams {
  packPos: number;
  packSizes: number[];
  folders: Folder[];
  /** Per folder: its substream sizes (one per file with data). */
  substreams: number[][];
  /** Per folder: each substream's CRC where the archive stores one. */
  crcs: (number | undefined)[][];
}

function readFolder(r: Reader): Folder {
  const numCoders = r.number();
  // 7-Zip writes at most 4 coders and 4 streams per coder (BCJ2); the caps keep the bind-pair
  // lookups below small whatever a header declares.
  if (numCoders < 1 || numCoders > 32) throw new SevenZError(`7z folder has ${numCoders} coders`);
  const coders: Coder[] = [];
  let totalIn = 0;
  let totalOut = 0;
  for (let i = 0; i < numCoders; i++) {
    const flag = r.byte();
    if (flag & 0x80) throw new SevenZError('7z alternative coder methods are not supported');
    const id = Buffer.from(r.bytes(flag & 0x0f)).toString('hex');
    const numIn = flag & 0x10 ? r.number() : 1;
    const numOut = flag & 0x10 ? r.number() : 1;
    if (numIn > 8 || numOut > 8) throw new SevenZError('7z coder has too many streams');
    const props = flag & 0x20 ? r.bytes(r.number()) : new Uint8Array(0);
    coders.push({ id, numIn, numOut, props });
    totalIn += numIn;
    totalOut += numOut;
  }
  const bindPairs: Folder['bindPairs'] = [];
  for (let i = 0; i < totalOut - 1; i++) bindPairs.push({ inIndex: r.number(), outIndex: r.number() });
  const numPacked = totalIn - bindPairs.length;
  if (numPacked < 1) throw new SevenZError('7z folder has no packed stream');
  const packed: number[] = [];
  if (numPacked === 1) {
    for (let i = 0; i < totalIn; i++)
      if (!bindPairs.some((b) => b.inIndex === i)) {
        packed.push(i);
        break;
      }
  } else for (let i = 0; i < numPacked; i++) packed.push(r.number());
  return { coders, bindPairs, packed, unpackSizes: [] };
}

function totalOut(f: Folder): number {
  return f.coders.reduce((n, c) => n + c.numOut, 0);
}

/** The folder's final output: the one out stream no bind pair consumes. */
function mainOut(f: Folder): number {
  const n = totalOut(f);
  for (let i = 0; i < n; i++) if (!f.bindPairs.some((b) => b.outIndex === i)) return i;
  throw new SevenZError('7z folder has no main output stream');
}

function unpackSize(f: Folder): number {
  return f.unpackSizes[mainOut(f)] ?? 0;
}

function readStreams(r: Reader, maxMembers: number): Streams {
  const s: Streams = { packPos: 0, packSizes: [], folders: [], substreams: [], crcs: [] };
  let id = r.byte();
  if (id === K_PACK_INFO) {
    s.packPos = r.number();
    const n = r.count(1, 'packed streams');
    for (;;) {
      id = r.byte();
      if (id === K_END) break;
      if (id === K_SIZE) for (let i = 0; i < n; i++) s.packSizes.push(r.number());
      else if (id === K_CRC) {
        const def = r.defined(n);
        for (const d of def) if (d) r.u32();
      } else throw new SevenZError(`7z pack info has unknown property ${id}`);
    }
    id = r.byte();
  }
  if (id === K_UNPACK_INFO) {
    if (r.byte() !== K_FOLDER) throw new SevenZError('7z unpack info has no folders');
    const n = r.count(2, 'folders');
    if (r.byte() !== 0) throw new SevenZError('7z external folder lists are not supported');
    for (let i = 0; i < n; i++) s.folders.push(readFolder(r));
    if (r.byte() !== K_CODERS_UNPACK_SIZE) throw new SevenZError('7z unpack info has no sizes');
    for (const f of s.folders) for (let i = totalOut(f); i > 0; i--) f.unpackSizes.push(r.number());
    for (;;) {
      id = r.byte();
      if (id === K_END) break;
      if (id === K_CRC) {
        const def = r.defined(n);
        for (let i = 0; i < n; i++) if (def[i]) s.folders[i]!.crc = r.u32();
      } else throw new SevenZError(`7z unpack info has unknown property ${id}`);
    }
    id = r.byte();
  }
  const counts = s.folders.map(() => 1);
  if (id === K_SUBSTREAMS_INFO) {
    id = r.byte();
    if (id === K_NUM_UNPACK_STREAM) {
      let total = 0;
      for (let i = 0; i < counts.length; i++) {
        counts[i] = r.number();
        total += counts[i]!;
        if (total > maxMembers) throw new ExpandLimit(maxMembers);
      }
      id = r.byte();
    }
    for (let i = 0; i < s.folders.length; i++) {
      const size = unpackSize(s.folders[i]!);
      const sizes: number[] = [];
      if (counts[i] === 0) {
        s.substreams.push(sizes);
        continue;
      }
      let sum = 0;
      if (id === K_SIZE)
        for (let j = 1; j < counts[i]!; j++) {
          const v = r.number();
          sizes.push(v);
          sum += v;
        }
      else if (counts[i]! > 1) throw new SevenZError('7z substreams have no sizes');
      if (sum > size) throw new SevenZError('7z substream sizes exceed their folder');
      sizes.push(size - sum);
      s.substreams.push(sizes);
    }
    if (id === K_SIZE) id = r.byte();
    // A folder of one substream with a folder CRC already has its digest; the others are listed here.
    const known = (i: number) => counts[i] === 1 && s.folders[i]!.crc !== undefined;
    let unknownCrcs = 0;
    for (let i = 0; i < s.folders.length; i++) if (!known(i)) unknownCrcs += counts[i]!;
    const digests: (number | undefined)[] = [];
    while (id !== K_END) {
      if (id !== K_CRC) throw new SevenZError(`7z substreams info has unknown property ${id}`);
      for (const d of r.defined(unknownCrcs)) digests.push(d ? r.u32() : undefined);
      id = r.byte();
    }
    let k = 0;
    for (let i = 0; i < s.folders.length; i++)
      s.crcs.push(
        known(i)
          ? [s.folders[i]!.crc]
          : Array.from({ length: counts[i]! }, () => (digests.length ? digests[k++] : undefined)),
      );
    id = r.byte();
  } else
    for (const f of s.folders) {
      s.substreams.push([unpackSize(f)]);
      s.crcs.push([f.crc]);
    }
  if (id !== K_END) throw new SevenZError(`7z streams info has unknown property ${id}`);
  return s;
}

/** BCJ x86 decoder (xz's simple/x86.c): converts CALL/JMP targets back from absolute to relative. */
function bcjX86(buf: Uint8Array): Uint8Array {
  const allowed = [true, true, true, false, true, false, false, false];
  const bitNumber = [0, 1, 2, 2, 3, 3, 3, 3];
  const ms = (b: number) => b === 0 || b === 0xff;
  let prevMask = 0;
  let prevPos = -5;
  let i = 0;
  while (i + 5 <= buf.length) {
    const op = buf[i]!;
    if (op !== 0xe8 && op !== 0xe9) {
      i++;
      continue;
    }
    const offset = i - prevPos;
    prevPos = i;
    if (offset > 5) prevMask = 0;
    else for (let k = 0; k < offset; k++) prevMask = ((prevMask & 0x77) << 1) & 0xff;
    let b = buf[i + 4]!;
    if (ms(b) && allowed[(prevMask >>> 1) & 7] && prevMask >>> 1 < 0x10) {
      let src = ((b << 24) | (buf[i + 3]! << 16) | (buf[i + 2]! << 8) | buf[i + 1]!) >>> 0;
      let dest: number;
      for (;;) {
        dest = (src - (i + 5)) >>> 0;
        if (prevMask === 0) break;
        const n = bitNumber[prevMask >>> 1]!;
        b = (dest >>> (24 - n * 8)) & 0xff;
        if (!ms(b)) break;
        src = (dest ^ (2 ** (32 - n * 8) - 1)) >>> 0;
      }
      buf[i + 4] = ~(((dest >>> 24) & 1) - 1) & 0xff;
      buf[i + 3] = (dest >>> 16) & 0xff;
      buf[i + 2] = (dest >>> 8) & 0xff;
      buf[i + 1] = dest & 0xff;
      i += 5;
      prevMask = 0;
    } else {
      i++;
      prevMask |= 1;
      if (ms(b)) prevMask |= 0x10;
    }
  }
  return buf;
}

function delta(buf: Uint8Array, props: Uint8Array): Uint8Array {
  const dist = (props[0] ?? 0) + 1;
  for (let i = dist; i < buf.length; i++) buf[i] = (buf[i]! + buf[i - dist]!) & 0xff;
  return buf;
}

class Decoder {
  total = 0;
  private readonly bytes: Uint8Array;
  private readonly bounds: SevenZBounds;
  constructor(bytes: Uint8Array, bounds: SevenZBounds) {
    this.bytes = bytes;
    this.bounds = bounds;
  }

  private readonly starts = new WeakMap<Streams, { index: number[]; offset: number[] }>();

  /** First packed stream of folder `fi` and its offset from the pack position (computed once per list). */
  private packStarts(s: Streams, fi: number): { index: number; offset: number } {
    let t = this.starts.get(s);
    if (!t) {
      t = { index: [], offset: [] };
      let index = 0;
      let offset = 0;
      for (const f of s.folders) {
        t.index.push(index);
        t.offset.push(offset);
        for (let k = 0; k < f.packed.length; k++) offset += s.packSizes[index + k] ?? 0;
        index += f.packed.length;
      }
      this.starts.set(s, t);
    }
    return { index: t.index[fi]!, offset: t.offset[fi]! };
  }

  /** Decodes folder `fi` of `s` (its packed streams start at `packStart`, absolute). */
  folder(s: Streams, fi: number, packStart: number): Uint8Array {
    const f = s.folders[fi]!;
    const { index, offset } = this.packStarts(s, fi);
    const packIndex = index;
    const packOffsets: number[] = [];
    let off = packStart + offset;
    for (let i = 0; i < f.packed.length; i++) {
      packOffsets.push(off);
      off += s.packSizes[packIndex + i] ?? 0;
    }
    const visiting = new Set<number>();
    const outOf = (outIndex: number): Uint8Array => {
      let ci = 0;
      let first = 0;
      while (ci < f.coders.length && first + f.coders[ci]!.numOut <= outIndex)
        first += f.coders[ci++]!.numOut;
      const c = f.coders[ci];
      if (!c) throw new SevenZError('7z bind pair points past the coders');
      const name = CODERS[c.id] ?? `0x${c.id}`;
      if (c.id === '06f10701') throw new SevenZError('7z data is encrypted (AES)', true);
      if (c.numIn !== 1 || c.numOut !== 1) throw new SevenZError(`7z coder ${name} is not supported`);
      if (visiting.has(ci)) throw new SevenZError('7z coders form a cycle');
      visiting.add(ci);
      let inIndex = 0;
      for (let k = 0; k < ci; k++) inIndex += f.coders[k]!.numIn;
      const bound = f.bindPairs.find((b) => b.inIndex === inIndex);
      let input: Uint8Array;
      if (bound) input = outOf(bound.outIndex);
      else {
        const p = f.packed.indexOf(inIndex);
        if (p < 0) throw new SevenZError('7z coder input is neither bound nor packed');
        const start = packOffsets[p]!;
        const size = s.packSizes[packIndex + p];
        if (size === undefined || start + size > this.bytes.length)
          throw new SevenZError('7z packed stream lies past the end of the archive');
        input = this.bytes.subarray(start, start + size);
      }
      const size = f.unpackSizes[outIndex] ?? -1;
      return this.coder(c, name, input, size);
    };
    const out = outOf(mainOut(f));
    if (f.crc !== undefined && crc32(out) !== f.crc) throw new SevenZError('7z folder CRC does not match');
    return out;
  }

  private coder(c: Coder, name: string, input: Uint8Array, size: number): Uint8Array {
    const left = this.bounds.maxTotal - this.total;
    if (size > left) throw new ExpandLimit(this.bounds.maxTotal);
    const bounds = { max: left, ...(this.bounds.tick ? { tick: this.bounds.tick } : {}) };
    let out: Uint8Array;
    switch (name) {
      case 'Copy':
        out = input.slice();
        break;
      case 'LZMA':
        if (c.props.length < 5) throw new SevenZError('7z LZMA properties are truncated');
        out = decodeLzma(c.props, input, size, bounds);
        break;
      case 'LZMA2':
        out = decodeLzma2(input, size, bounds);
        break;
      case 'BZip2':
        out = decodeBzip2(input, bounds);
        break;
      case 'Deflate':
        try {
          out = inflateRawSync(input, { maxOutputLength: Math.max(1, left) });
        } catch (e) {
          if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError)
            throw new ExpandLimit(this.bounds.maxTotal);
          throw e;
        }
        break;
      case 'BCJ':
        out = bcjX86(input.slice());
        break;
      case 'Delta':
        out = delta(input.slice(), c.props);
        break;
      default:
        throw new SevenZError(`7z coder ${name} is not supported`);
    }
    if (size >= 0 && out.length !== size)
      throw new SevenZError(`7z ${name} stream decoded to ${out.length} bytes, ${size} declared`);
    this.total += out.length;
    return out;
  }
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    t[i] = c;
  }
  return t;
})();

function crc32(b: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < b.length; i++) c = (c >>> 8) ^ CRC_TABLE[(c ^ b[i]!) & 0xff]!;
  return ~c >>> 0;
}

function readFiles(r: Reader, maxMembers: number): { name: string; hasStream: boolean; isDir: boolean }[] {
  const n = r.count(0, 'files');
  if (n > maxMembers) throw new ExpandLimit(maxMembers);
  let emptyStream = new Array<boolean>(n).fill(false);
  let emptyFile: boolean[] = [];
  let names: string[] = [];
  let attrs: (number | undefined)[] = [];
  for (;;) {
    const id = r.byte();
    if (id === K_END) break;
    const size = r.number();
    const end = r.pos + size;
    const sub = new Reader(r.bytes(size));
    switch (id) {
      case K_EMPTY_STREAM:
        emptyStream = sub.bits(n);
        break;
      case K_EMPTY_FILE:
        emptyFile = sub.bits(emptyStream.filter(Boolean).length);
        break;
      case K_NAME: {
        if (sub.byte() !== 0) throw new SevenZError('7z external file names are not supported');
        const text = Buffer.from(sub.bytes(size - 1)).toString('utf16le');
        names = text.split('\0').slice(0, n);
        break;
      }
      case K_WIN_ATTRIBUTES: {
        const def = sub.defined(n);
        if (sub.byte() !== 0) throw new SevenZError('7z external attributes are not supported');
        attrs = def.map((d) => (d ? sub.u32() : undefined));
        break;
      }
      default:
      // Times, anti items, start positions, padding (kDummy): not needed to read members.
    }
    r.pos = end;
  }
  const out: { name: string; hasStream: boolean; isDir: boolean }[] = [];
  let empties = 0;
  for (let i = 0; i < n; i++) {
    const hasStream = !emptyStream[i];
    const isEmptyFile = hasStream ? false : (emptyFile[empties++] ?? false);
    const attr = attrs[i];
    const isDir = (!hasStream && !isEmptyFile) || (attr !== undefined && (attr & 0x10) !== 0);
    out.push({ name: names[i] ?? `file${i}`, hasStream, isDir });
  }
  return out;
}

function packedRange(s: Streams): [number, number] {
  return [32 + s.packPos, 32 + s.packPos + s.packSizes.reduce((a, b) => a + b, 0)];
}

/** Bytes of [start, end) outside every range. */
function uncovered(start: number, end: number, ranges: [number, number][]): number {
  let at = start;
  let gaps = 0;
  for (const [a, b] of [...ranges].sort((x, y) => x[0] - y[0])) {
    if (a > at) gaps += Math.min(a, end) - at;
    at = Math.max(at, b);
    if (at >= end) break;
  }
  return gaps + Math.max(0, end - at);
}

/** Lists and decompresses the members of a 7z archive in memory, within `bounds`. */
export function readSevenZip(bytes: Uint8Array, bounds: SevenZBounds): SevenZArchive {
  if (bytes.length < 32 || SIGNATURE.some((b, i) => bytes[i] !== b))
    throw new SevenZError('not a 7z archive');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (crc32(bytes.subarray(12, 32)) !== v.getUint32(8, true))
    throw new SevenZError('7z start header CRC does not match');
  const nextOff = v.getUint32(12, true) + v.getUint32(16, true) * 2 ** 32;
  const nextSize = v.getUint32(20, true) + v.getUint32(24, true) * 2 ** 32;
  if (nextSize === 0) return { members: [], problems: unused(uncovered(32, 32 + nextOff, [])) };
  if (32 + nextOff + nextSize > bytes.length)
    throw new SevenZError('7z header lies past the end of the archive');
  let header = bytes.subarray(32 + nextOff, 32 + nextOff + nextSize);
  if (crc32(header) !== v.getUint32(28, true)) throw new SevenZError('7z header CRC does not match');
  const decoder = new Decoder(bytes, bounds);
  const ranges: [number, number][] = [];
  // An encoded header is itself a folder to decode (7-Zip compresses its headers by default); a
  // decoded header may in principle be encoded again, so this loops, a bounded number of times.
  for (let round = 0; ; round++) {
    const r = new Reader(header);
    const id = r.byte();
    if (id === K_HEADER) {
      const problems: string[] = [];
      const members = readHeader(r, decoder, bounds, ranges, problems);
      problems.unshift(...unused(uncovered(32, 32 + nextOff, ranges)));
      return { members, problems };
    }
    if (id !== K_ENCODED_HEADER) throw new SevenZError(`7z header starts with unknown property ${id}`);
    if (round >= 4) throw new SevenZError('7z header is encoded too many times');
    const s = readStreams(r, bounds.maxMembers);
    ranges.push(packedRange(s));
    if (s.folders.length === 0) throw new SevenZError('7z encoded header has no folder');
    try {
      header = decoder.folder(s, 0, 32 + s.packPos);
    } catch (e) {
      if (e instanceof SevenZError && e.encrypted)
        throw new SevenZError('7z header is encrypted (AES): file names and contents are hidden', true);
      throw e;
    }
  }
}

function unused(n: number): string[] {
  return n > 0 ? [`${n} byte(s) of packed data that no stream uses`] : [];
}

function readHeader(
  r: Reader,
  decoder: Decoder,
  bounds: SevenZBounds,
  ranges: [number, number][],
  problems: string[],
): SevenZMember[] {
  let id = r.byte();
  if (id === K_ARCHIVE_PROPERTIES) {
    for (;;) {
      const t = r.byte();
      if (t === K_END) break;
      r.bytes(r.number());
    }
    id = r.byte();
  }
  if (id === K_ADDITIONAL_STREAMS) {
    ranges.push(packedRange(readStreams(r, bounds.maxMembers)));
    id = r.byte();
  }
  let streams: Streams = { packPos: 0, packSizes: [], folders: [], substreams: [], crcs: [] };
  if (id === K_MAIN_STREAMS) {
    streams = readStreams(r, bounds.maxMembers);
    ranges.push(packedRange(streams));
    id = r.byte();
  }
  let files: ReturnType<typeof readFiles> = [];
  if (id === K_FILES_INFO) {
    files = readFiles(r, bounds.maxMembers);
    id = r.byte();
  }
  if (id !== K_END) throw new SevenZError(`7z header has unknown property ${id}`);
  const out: SevenZMember[] = [];
  let fi = 0;
  let si = 0;
  let folderBytes: Uint8Array | undefined;
  let folderError: SevenZError | undefined;
  let offset = 0;
  for (const f of files) {
    if (!f.hasStream) {
      out.push({ name: f.name, isDirectory: f.isDir, ...(f.isDir ? {} : { bytes: new Uint8Array(0) }) });
      continue;
    }
    while (fi < streams.folders.length && si >= (streams.substreams[fi]?.length ?? 0)) {
      fi++;
      si = 0;
      folderBytes = undefined;
      folderError = undefined;
      offset = 0;
    }
    if (fi >= streams.folders.length) {
      out.push({ name: f.name, isDirectory: false, error: 'no data stream for this file' });
      continue;
    }
    if (!folderBytes && !folderError) {
      try {
        folderBytes = decoder.folder(streams, fi, 32 + streams.packPos);
      } catch (e) {
        // Limits stop the whole archive; a member that does not decode is reported on its own.
        if (e instanceof ExpandLimit || e instanceof TimeLimit || !(e instanceof Error)) throw e;
        folderError = e instanceof SevenZError ? e : new SevenZError(e.message);
      }
    }
    const crc = streams.crcs[fi]?.[si];
    const size = streams.substreams[fi]![si++]!;
    if (folderError)
      out.push({
        name: f.name,
        isDirectory: false,
        error: folderError.message,
        encrypted: folderError.encrypted,
      });
    else {
      const bytes = folderBytes!.subarray(offset, offset + size);
      offset += size;
      // 7-Zip refuses a member whose CRC differs; so does the scanner, rather than scan altered bytes.
      if (bytes.length !== size) out.push({ name: f.name, isDirectory: false, error: 'data is truncated' });
      else if (crc !== undefined && crc32(bytes) !== crc)
        out.push({ name: f.name, isDirectory: false, error: 'CRC does not match' });
      else out.push({ name: f.name, isDirectory: false, bytes });
    }
  }
  const streamsTotal = streams.substreams.reduce((n, f) => n + f.length, 0);
  const withData = files.filter((f) => f.hasStream).length;
  if (streamsTotal > withData)
    problems.push(`${streamsTotal - withData} data stream(s) that no listed file uses`);
  return out;
}
