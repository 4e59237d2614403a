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
  /** Attributes were kept in dense storage (a fractal heap indexed by a v2 B-tree) and read from it. */
  dense: boolean;
}

const MAX_MESSAGES = 10_000;
/** Dense storage: B-tree nodes visited and heap indirection depth. */
const MAX_NODES = 10_000;
const MAX_HEAP_DEPTH = 8;
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
  const denseInfo: number[] = [];
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
  for (const at of denseInfo) readDense(at);
  return out;

  /**
   * Attribute Info message: attributes in a fractal heap, indexed by name in a v2 B-tree (HDF5 moves
   * them there when they are many, or one is over 64 KiB — a large Keras model_config). Every record
   * of the name index is a heap id; the heap object is the attribute message itself.
   */
  function readDense(at: number): void {
    c.pos = at;
    const v = c.u8('attribute info version');
    if (v !== 0) throw new ParseError(`attribute info version ${v} is not supported`, at);
    const flags = c.u8('attribute info flags');
    if (flags & 1) c.skip(2, 'maximum creation index');
    const heapAddr = addr('fractal heap address');
    const nameIndex = addr('attribute name index address');
    if (isUndefined(heapAddr) || isUndefined(nameIndex)) return;
    out.dense = true;
    const heap = readHeapHeader(heapAddr);
    // Type 8 records (attribute names): heap id (8 bytes), message flags, creation order, name hash.
    for (const heapId of btreeRecords(nameIndex, 17, (r) => r.subarray(0, 8))) {
      const obj = heapObject(heap, heapId);
      c.pos = obj.addr;
      attribute(obj.addr, obj.len);
    }
  }

  function isUndefined(a: number): boolean {
    return a === 2 ** (8 * O) - 1 || (O === 8 && a >= 2 ** 64 - 2 ** 11);
  }

  interface Heap {
    at: number;
    idLen: number;
    offSize: number;
    lenSize: number;
    width: number;
    startSize: number;
    maxDirect: number;
    rootAddr: number;
    rootRows: number;
    hugeIndex: number;
    hugeIdSize: number;
    checksummedDirect: boolean;
  }

  function readHeapHeader(at: number): Heap {
    c.pos = at;
    if (Buffer.from(c.bytes(4, 'fractal heap signature')).toString('latin1') !== 'FRHP')
      throw new ParseError('fractal heap signature is missing', at);
    c.u8('fractal heap version');
    const idLen = c.u8('heap id length') | (c.u8('heap id length') << 8);
    const filterLen = c.u8('filter length') | (c.u8('filter length') << 8);
    const flags = c.u8('fractal heap flags');
    const maxManaged = c.u32('maximum managed object size');
    len('next huge object id');
    const hugeIndex = addr('huge object index');
    len('free space');
    addr('free space manager');
    for (let i = 0; i < 8; i++) len('heap statistics');
    const width = c.u8('table width') | (c.u8('table width') << 8);
    const startSize = len('starting block size');
    const maxDirect = len('maximum direct block size');
    const maxHeapBits = c.u8('maximum heap size') | (c.u8('maximum heap size') << 8);
    c.skip(2, 'starting rows');
    const rootAddr = addr('root block address');
    const rootRows = c.u8('root rows') | (c.u8('root rows') << 8);
    // Compressed heap blocks would need their filters run: not decoded (the caller falls back).
    if (filterLen > 0) throw new ParseError('fractal heap has I/O filters', at);
    if (width < 1 || width > 65536 || startSize < 1 || maxDirect < startSize || maxHeapBits > 64)
      throw new ParseError('fractal heap doubling table is invalid', at);
    const log2 = (n: number) => Math.floor(Math.log2(n));
    const lenSize = Math.min(
      Math.ceil(log2(maxDirect) / 8),
      Math.floor(log2(Math.max(1, maxManaged)) / 8) + 1,
    );
    return {
      at,
      idLen,
      offSize: Math.ceil(maxHeapBits / 8),
      lenSize,
      width,
      startSize,
      maxDirect,
      rootAddr,
      rootRows,
      hugeIndex,
      hugeIdSize: Math.min(idLen - 1, L),
      checksummedDirect: (flags & 2) !== 0,
    };
  }

  function le(b: Uint8Array, from: number, n: number): number {
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + b[from + i]!;
    return v;
  }

  /** File address and length of the object a heap id names (managed or huge; tiny ids are inline). */
  function heapObject(h: Heap, id: Uint8Array): { addr: number; len: number } {
    const type = (id[0]! >>> 4) & 3;
    if (type === 0) {
      const off = le(id, 1, h.offSize);
      const n = le(id, 1 + h.offSize, h.lenSize);
      return { addr: managedAddress(h, h.rootAddr, h.rootRows, 0, off, 0), len: n };
    }
    if (type === 1) {
      if (isUndefined(h.hugeIndex)) throw new ParseError('huge heap object without an index', h.at);
      const key = le(id, 1, h.hugeIdSize);
      // Type 1 records (not filtered): address, length, id.
      for (const r of btreeRecords(h.hugeIndex, O + L + L, (rec) => rec))
        if (le(r, O + L, L) === key) return { addr: le(r, 0, O), len: le(r, O, L) };
      throw new ParseError(`huge heap object ${key} is not in its index`, h.hugeIndex);
    }
    throw new ParseError(`heap id type ${type} is not supported for attributes`, h.at);
  }

  /** Size of the blocks in row `r` of a doubling table. */
  function rowSize(h: Heap, r: number): number {
    return r <= 1 ? h.startSize : h.startSize * 2 ** (r - 1);
  }

  /**
   * Follows the doubling table from a block (direct when `rows` is 0) to the direct block holding
   * heap offset `off`; returns the object's file address (offsets count from the block's start,
   * header included).
   */
  function managedAddress(
    h: Heap,
    blockAddr: number,
    rows: number,
    blockOff: number,
    off: number,
    depth: number,
  ): number {
    if (depth > MAX_HEAP_DEPTH) throw new ParseError('fractal heap is nested too deeply', blockAddr);
    if (rows === 0) {
      const end = blockOff + (depth === 0 ? h.startSize : 0);
      if (depth === 0 && off >= end)
        throw new ParseError('heap object lies outside the root block', blockAddr);
      return blockAddr + (off - blockOff);
    }
    c.pos = blockAddr;
    if (Buffer.from(c.bytes(4, 'indirect block signature')).toString('latin1') !== 'FHIB')
      throw new ParseError('fractal heap indirect block signature is missing', blockAddr);
    c.skip(1 + O + h.offSize, 'indirect block header');
    const maxDirectRows = Math.floor(Math.log2(h.maxDirect)) - Math.floor(Math.log2(h.startSize)) + 2;
    let start = blockOff;
    let entry = c.pos;
    if (rows > 64 || rows * h.width > 1 << 16)
      throw new ParseError(
        `fractal heap indirect block of ${rows} rows × ${h.width} is too large`,
        blockAddr,
      );
    for (let r = 0; r < rows; r++) {
      const size = rowSize(h, r);
      for (let k = 0; k < h.width; k++) {
        c.pos = entry;
        const child = addr('heap block address');
        entry = c.pos;
        if (off >= start && off < start + size) {
          if (isUndefined(child)) throw new ParseError('heap object lies in an unallocated block', blockAddr);
          if (r < maxDirectRows) return child + (off - start);
          const childRows = Math.floor(Math.log2(size)) - Math.floor(Math.log2(h.startSize * h.width)) + 1;
          return managedAddress(h, child, childRows, start, off, depth + 1);
        }
        start += size;
      }
    }
    throw new ParseError('heap object offset lies past the heap', blockAddr);
  }

  /**
   * Records of a version 2 B-tree, in order. Node layouts follow HDF5's own sizing: an internal
   * node's child pointers carry record counts in as many bytes as the largest count needs.
   */
  function btreeRecords(at: number, recSize: number, pick: (rec: Uint8Array) => Uint8Array): Uint8Array[] {
    c.pos = at;
    if (Buffer.from(c.bytes(4, 'B-tree signature')).toString('latin1') !== 'BTHD')
      throw new ParseError('v2 B-tree header signature is missing', at);
    c.skip(2, 'B-tree version and type');
    const nodeSize = c.u32('B-tree node size');
    const rrec = c.u8('B-tree record size') | (c.u8('B-tree record size') << 8);
    const depth = c.u8('B-tree depth') | (c.u8('B-tree depth') << 8);
    c.skip(2, 'B-tree split and merge');
    const root = addr('B-tree root');
    const rootN = c.u8('root records') | (c.u8('root records') << 8);
    if (rrec !== recSize) throw new ParseError(`B-tree records are ${rrec} bytes, ${recSize} expected`, at);
    if (depth > 16 || nodeSize < 16 || nodeSize > 1 << 24)
      throw new ParseError('B-tree shape is invalid', at);
    const enc = (n: number) => Math.floor(Math.log2(Math.max(1, n)) / 8) + 1;
    // Per depth: most records in a node, bytes of that count, and of the cumulated count below.
    const info: { max: number; maxSize: number; cum: number; cumSize: number }[] = [];
    const leafMax = Math.floor((nodeSize - 10) / rrec);
    info.push({ max: leafMax, maxSize: enc(leafMax), cum: leafMax, cumSize: enc(leafMax) });
    for (let u = 1; u <= depth; u++) {
      const ptr = O + info[u - 1]!.maxSize + (u > 1 ? info[u - 1]!.cumSize : 0);
      const max = Math.floor((nodeSize - 10 - ptr) / (rrec + ptr));
      const cum = (max + 1) * info[u - 1]!.cum + max;
      info.push({ max, maxSize: enc(max), cum, cumSize: enc(cum) });
    }
    const out: Uint8Array[] = [];
    let nodes = 0;
    const visit = (node: number, n: number, d: number): void => {
      if (++nodes > MAX_NODES) throw new ParseError('B-tree has too many nodes', node);
      if (n > info[d]!.max) throw new ParseError('B-tree node holds more records than fit', node);
      c.pos = node;
      const sig = Buffer.from(c.bytes(4, 'B-tree node signature')).toString('latin1');
      if (sig !== (d === 0 ? 'BTLF' : 'BTIN'))
        throw new ParseError(`B-tree node signature ${JSON.stringify(sig)}`, node);
      c.skip(2, 'B-tree node version and type');
      const recs: Uint8Array[] = [];
      for (let i = 0; i < n; i++) recs.push(Uint8Array.from(c.bytes(rrec, 'B-tree record')));
      if (d === 0) {
        for (const r of recs) out.push(pick(r));
        return;
      }
      const children: { addr: number; n: number }[] = [];
      for (let i = 0; i <= n; i++) {
        const a = addr('B-tree child');
        const cn = le(c.bytes(info[d - 1]!.maxSize, 'B-tree child records'), 0, info[d - 1]!.maxSize);
        if (d > 1) c.skip(info[d - 1]!.cumSize, 'B-tree child total records');
        children.push({ addr: a, n: cn });
      }
      for (let i = 0; i <= n; i++) {
        visit(children[i]!.addr, children[i]!.n, d - 1);
        if (i < n) out.push(pick(recs[i]!));
      }
    };
    if (!isUndefined(root) && rootN > 0) visit(root, rootN, depth);
    return out;
  }

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
        else if (type === 0x15) denseInfo.push(at);
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
