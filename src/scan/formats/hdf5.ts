import type { Source } from '../source.ts';
import { Cursor, ParseError } from './reader.ts';

/**
 * A bounded HDF5 reader for what a model loader reads first: the attributes of the root group
 * (Keras keeps `model_config`, `training_config` and `keras_version` there). It follows the
 * superblock (versions 0–3) to the root object header (versions 1 and 2, with continuation
 * blocks) and decodes attribute messages whose values are strings, fixed-length or variable-length
 * (through the global heap). Datasets are never read.
 */
export interface Hdf5Attributes {
  attrs: Map<string, string>;
  /** Attributes kept in dense storage (fractal heap), which this reader does not decode. */
  dense: boolean;
}

const MAX_MESSAGES = 10_000;
const MAX_BLOCKS = 64;
const MAX_VALUE = 64 * 1024 * 1024;

export function readRootAttributes(src: Source): Hdf5Attributes {
  const c = new Cursor(src, 8, 64 * 1024);
  const version = c.u8('superblock version');
  let O: number;
  let L: number;
  let rootHeader: number;
  const addr = (what: string): number => {
    const b = c.bytes(O, what);
    let v = 0;
    for (let i = O - 1; i >= 0; i--) v = v * 256 + b[i]!;
    return v;
  };
  if (version === 0 || version === 1) {
    c.pos = 13;
    O = c.u8('size of offsets');
    L = c.u8('size of lengths');
    if (![2, 4, 8].includes(O) || ![2, 4, 8].includes(L))
      throw new ParseError(`HDF5 offset/length sizes ${O}/${L} are invalid`, 13);
    c.pos = version === 0 ? 24 : 28;
    addr('base address');
    addr('free-space address');
    addr('end-of-file address');
    addr('driver information address');
    addr('root link name offset');
    rootHeader = addr('root object header address');
  } else if (version === 2 || version === 3) {
    O = c.u8('size of offsets');
    L = c.u8('size of lengths');
    if (![2, 4, 8].includes(O) || ![2, 4, 8].includes(L))
      throw new ParseError(`HDF5 offset/length sizes ${O}/${L} are invalid`, 9);
    c.u8('flags');
    addr('base address');
    addr('superblock extension address');
    addr('end-of-file address');
    rootHeader = addr('root object header address');
  } else throw new ParseError(`HDF5 superblock version ${version} is not supported`, 8);

  const len = (what: string): number => {
    const b = c.bytes(L, what);
    let v = 0;
    for (let i = L - 1; i >= 0; i--) v = v * 256 + b[i]!;
    return v;
  };
  const out: Hdf5Attributes = { attrs: new Map(), dense: false };
  const blocks: { start: number; end: number; v2: boolean }[] = [];
  let messages = 0;

  // Object header prefix, then its message blocks (continuations are appended as found).
  c.pos = rootHeader;
  const sig = src.read(rootHeader, 4);
  if (sig[0] === 0x4f && sig[1] === 0x48 && sig[2] === 0x44 && sig[3] === 0x52) {
    c.pos = rootHeader + 4;
    const v = c.u8('object header version');
    if (v !== 2) throw new ParseError(`object header version ${v} with OHDR signature`, rootHeader);
    const flags = c.u8('object header flags');
    if (flags & 0x20) c.skip(16, 'object header times');
    if (flags & 0x10) c.skip(4, 'attribute phase change');
    const sizeBytes = 1 << (flags & 3);
    const sb = c.bytes(sizeBytes, 'chunk size');
    let size = 0;
    for (let i = sizeBytes - 1; i >= 0; i--) size = size * 256 + sb[i]!;
    blocks.push({ start: c.pos, end: c.pos + size, v2: true });
    readBlocks(flags);
  } else {
    const v = c.u8('object header version');
    if (v !== 1) throw new ParseError(`object header version ${v} is not supported`, rootHeader);
    c.skip(1, 'reserved');
    c.skip(2, 'message count');
    c.skip(4, 'reference count');
    const size = c.u32('object header size');
    blocks.push({ start: rootHeader + 16, end: rootHeader + 16 + size, v2: false });
    readBlocks(0);
  }
  return out;

  function readBlocks(flags: number): void {
    for (let b = 0; b < blocks.length; b++) {
      if (b >= MAX_BLOCKS)
        throw new ParseError('too many object header continuation blocks', blocks[b]!.start);
      const blk = blocks[b]!;
      if (blk.end > src.size)
        throw new ParseError('object header block runs past the end of the file', blk.start);
      c.pos = blk.start;
      // Version 2 blocks end with a 4-byte checksum; messages stop where no full header fits.
      const end = blk.v2 ? blk.end - (b === 0 ? 0 : 4) : blk.end;
      while (c.pos + (blk.v2 ? 4 : 8) <= end) {
        if (++messages > MAX_MESSAGES) throw new ParseError('too many object header messages', c.pos);
        let type: number;
        let size: number;
        if (blk.v2) {
          type = c.u8('message type');
          size = c.u8('message size') | (c.u8('message size') << 8);
          c.u8('message flags');
          if (flags & 0x04) c.skip(2, 'creation order');
        } else {
          type = c.u8('message type') | (c.u8('message type') << 8);
          size = c.u8('message size') | (c.u8('message size') << 8);
          c.skip(4, 'message flags');
        }
        const at = c.pos;
        if (at + size > end) throw new ParseError(`message of type ${type} runs past its block`, at);
        if (type === 0x10) {
          const off = addr('continuation offset');
          const clen = len('continuation length');
          if (blk.v2) blocks.push({ start: off + 4, end: off + clen, v2: true });
          else blocks.push({ start: off, end: off + clen, v2: false });
        } else if (type === 0x0c) attribute(at, size);
        else if (type === 0x15) out.dense = true;
        c.pos = at + size;
      }
    }
  }

  function attribute(at: number, size: number): void {
    const v = c.u8('attribute version');
    const flags = c.u8('attribute flags');
    const nameSize = c.u8('name size') | (c.u8('name size') << 8);
    const typeSize = c.u8('datatype size') | (c.u8('datatype size') << 8);
    const spaceSize = c.u8('dataspace size') | (c.u8('dataspace size') << 8);
    if (v === 3) c.u8('name encoding');
    const pad = (n: number) => (v === 1 ? Math.ceil(n / 8) * 8 : n);
    const name = Buffer.from(c.bytes(nameSize, 'attribute name')).toString('utf8').replace(/\0+$/, '');
    c.skip(pad(nameSize) - nameSize, 'name padding');
    const typeAt = c.pos;
    const classVer = c.u8('datatype class');
    const bits0 = c.u8('datatype bits');
    c.skip(2, 'datatype bits');
    const elSize = c.u32('datatype size');
    c.pos = typeAt + pad(typeSize);
    const spaceAt = c.pos;
    const sv = c.u8('dataspace version');
    const rank = c.u8('dataspace rank');
    c.u8('dataspace flags');
    if (sv === 1) c.skip(5, 'dataspace reserved');
    let count = 1;
    for (let i = 0; i < rank; i++) count *= len('dimension');
    c.pos = spaceAt + pad(spaceSize);
    void flags;
    const dataEnd = at + size;
    const cls = classVer & 0x0f;
    if (count !== 1) return;
    if (cls === 3) {
      if (elSize > MAX_VALUE || c.pos + elSize > dataEnd) return;
      out.attrs.set(name, Buffer.from(c.bytes(elSize, name)).toString('utf8').replace(/\0+$/, ''));
    } else if (cls === 9 && (bits0 & 0x0f) === 1) {
      // Variable-length string: length, then a global heap id (collection address, object index).
      const n = c.u32('vlen length');
      const coll = addr('global heap collection');
      const index = c.u32('global heap index');
      if (n > MAX_VALUE) return;
      const s = globalHeapObject(coll, index, n);
      if (s !== undefined) out.attrs.set(name, s);
    }
  }

  function globalHeapObject(coll: number, index: number, n: number): string | undefined {
    const save = c.pos;
    try {
      const sig = src.read(coll, 4);
      if (Buffer.from(sig).toString('latin1') !== 'GCOL') return undefined;
      c.pos = coll + 8;
      const collSize = len('collection size');
      const end = coll + collSize;
      if (end > src.size) return undefined;
      for (let k = 0; k < 100_000 && c.pos + 8 + L <= end; k++) {
        const idx = c.u8('heap object index') | (c.u8('heap object index') << 8);
        c.skip(6, 'heap object header');
        const osize = len('heap object size');
        if (idx === 0) return undefined;
        if (idx === index) return Buffer.from(c.bytes(Math.min(n, osize), 'heap object')).toString('utf8');
        c.skip(Math.ceil(osize / 8) * 8, 'heap object');
      }
      return undefined;
    } finally {
      c.pos = save;
    }
  }
}
