import { ExpandLimit } from './compress.ts';

/**
 * bzip2 decoder (joblib's bz2 compressor, zip method 12, 7z's BZip2 coder), written for the scanner:
 * synchronous, output bounded by `max` exactly — a bz2 block's final run-length stage can expand far
 * beyond its 900 KB, so the bound is checked per output byte, not per block — and `tick` is called
 * between stages and every 64 KiB of output so a caller's deadline stops it. Block and stream CRCs are
 * checked as libbzip2 (Python's bz2 module) checks them. Streams back to back are decoded as Python's
 * BZ2File does; trailing bytes that are not a stream end the output.
 */
export interface Bzip2Bounds {
  max: number;
  tick?: () => void;
}

export class Bzip2Error extends Error {}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

class Bits {
  private readonly b: Uint8Array;
  pos = 0; // in bits
  constructor(b: Uint8Array) {
    this.b = b;
  }
  get left(): number {
    return this.b.length * 8 - this.pos;
  }
  read(n: number): number {
    if (n > this.left) throw new Bzip2Error(`bz2 stream is truncated at byte ${this.b.length}`);
    let v = 0;
    for (let i = 0; i < n; i++) {
      const p = this.pos++;
      v = v * 2 + ((this.b[p >>> 3]! >>> (7 - (p & 7))) & 1);
    }
    return v;
  }
  bit(): number {
    if (this.pos >= this.b.length * 8)
      throw new Bzip2Error(`bz2 stream is truncated at byte ${this.b.length}`);
    const p = this.pos++;
    return (this.b[p >>> 3]! >>> (7 - (p & 7))) & 1;
  }
  alignByte(): void {
    this.pos = (this.pos + 7) & ~7;
  }
}

interface Table {
  limit: Int32Array;
  base: Int32Array;
  perm: Int32Array;
  minLen: number;
  maxLen: number;
}

function huffmanTable(lengths: Uint8Array, n: number): Table {
  let minLen = 32;
  let maxLen = 0;
  for (let i = 0; i < n; i++) {
    minLen = Math.min(minLen, lengths[i]!);
    maxLen = Math.max(maxLen, lengths[i]!);
  }
  const perm = new Int32Array(n);
  let pp = 0;
  for (let len = minLen; len <= maxLen; len++)
    for (let s = 0; s < n; s++) if (lengths[s] === len) perm[pp++] = s;
  const count = new Int32Array(22);
  for (let i = 0; i < n; i++) count[lengths[i]!]!++;
  const limit = new Int32Array(22).fill(-1);
  const base = new Int32Array(22);
  let code = 0;
  let index = 0;
  for (let len = minLen; len <= maxLen; len++) {
    base[len] = index - code;
    code += count[len]!;
    index += count[len]!;
    limit[len] = code - 1;
    code <<= 1;
  }
  return { limit, base, perm, minLen, maxLen };
}

function decodeSymbol(bits: Bits, t: Table): number {
  let len = t.minLen;
  let code = bits.read(len);
  for (;;) {
    if (code <= t.limit[len]!) {
      const i = code + t.base[len]!;
      if (i < 0 || i >= t.perm.length) break;
      return t.perm[i]!;
    }
    if (++len > t.maxLen) break;
    code = (code << 1) | bits.bit();
  }
  throw new Bzip2Error('bz2 Huffman code is invalid');
}

class Out {
  buf: Uint8Array;
  pos = 0;
  private nextTick = 1 << 16;
  readonly max: number;
  private readonly tick?: () => void;
  constructor(max: number, tick?: () => void) {
    this.max = max;
    this.tick = tick;
    this.buf = new Uint8Array(Math.min(max, 1 << 16));
  }
  put(b: number): void {
    if (this.pos >= this.buf.length) {
      if (this.pos >= this.max) throw new ExpandLimit(this.max);
      const next = new Uint8Array(Math.min(this.max, Math.max(this.buf.length * 2, 1024)));
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.pos++] = b;
    if (this.pos >= this.nextTick) {
      this.nextTick = this.pos + (1 << 16);
      this.tick?.();
    }
  }
}

/** Decodes one block after its magic; returns the block's CRC as computed. */
function decodeBlock(bits: Bits, blockMax: number, out: Out, tick?: () => void): number {
  const expectedCrc = bits.read(32) >>> 0;
  if (bits.bit()) throw new Bzip2Error('bz2 randomised blocks (bzip2 0.9.0) are not supported');
  const origPtr = bits.read(24);
  // Symbol map: 16 ranges of 16 byte values.
  const used = bits.read(16);
  const seqToUnseq: number[] = [];
  for (let i = 0; i < 16; i++)
    if (used & (0x8000 >>> i)) {
      const m = bits.read(16);
      for (let j = 0; j < 16; j++) if (m & (0x8000 >>> j)) seqToUnseq.push(i * 16 + j);
    }
  if (seqToUnseq.length === 0) throw new Bzip2Error('bz2 block uses no symbols');
  const alphaSize = seqToUnseq.length + 2;
  const nTrees = bits.read(3);
  if (nTrees < 2 || nTrees > 6) throw new Bzip2Error(`bz2 block has ${nTrees} Huffman tables`);
  const nSelectors = bits.read(15);
  if (nSelectors < 1) throw new Bzip2Error('bz2 block has no selectors');
  const mtfTrees = [0, 1, 2, 3, 4, 5].slice(0, nTrees);
  const selectors = new Uint8Array(nSelectors);
  for (let i = 0; i < nSelectors; i++) {
    let j = 0;
    while (bits.bit()) if (++j >= nTrees) throw new Bzip2Error('bz2 selector is out of range');
    const v = mtfTrees[j]!;
    mtfTrees.splice(j, 1);
    mtfTrees.unshift(v);
    selectors[i] = v;
  }
  const tables: Table[] = [];
  const lengths = new Uint8Array(alphaSize);
  for (let t = 0; t < nTrees; t++) {
    let len = bits.read(5);
    for (let s = 0; s < alphaSize; s++) {
      for (;;) {
        if (len < 1 || len > 20) throw new Bzip2Error('bz2 Huffman code length is out of range');
        if (!bits.bit()) break;
        len += bits.bit() ? -1 : 1;
      }
      lengths[s] = len;
    }
    tables.push(huffmanTable(lengths, alphaSize));
  }
  // Huffman + MTF + RUNA/RUNB into tt (the BWT block).
  const tt = new Uint32Array(blockMax);
  const counts = new Int32Array(256);
  const mtf = seqToUnseq.slice();
  const eob = alphaSize - 1;
  let n = 0;
  let group = 0;
  let groupLeft = 0;
  let table = tables[0]!;
  let run = 0;
  let runWeight = 1;
  for (;;) {
    if (groupLeft === 0) {
      if (group >= nSelectors) throw new Bzip2Error('bz2 block runs past its selectors');
      table = tables[selectors[group++]!]!;
      groupLeft = 50;
    }
    groupLeft--;
    const sym = decodeSymbol(bits, table);
    if (sym <= 1) {
      run += (sym + 1) * runWeight;
      runWeight *= 2;
      if (run > blockMax) throw new Bzip2Error('bz2 block is larger than its declared size');
      continue;
    }
    if (run > 0) {
      if (n + run > blockMax) throw new Bzip2Error('bz2 block is larger than its declared size');
      const b = mtf[0]!;
      counts[b]! += run;
      tt.fill(b, n, n + run);
      n += run;
      run = 0;
      runWeight = 1;
    }
    if (sym === eob) break;
    if (n >= blockMax) throw new Bzip2Error('bz2 block is larger than its declared size');
    const idx = sym - 1;
    const b = mtf[idx]!;
    mtf.splice(idx, 1);
    mtf.unshift(b);
    counts[b]!++;
    tt[n++] = b;
  }
  if (origPtr >= n) throw new Bzip2Error('bz2 block origin pointer is out of range');
  tick?.();
  // Inverse BWT: each entry keeps its byte in the low 8 bits and the next index above them.
  const start = new Int32Array(256);
  for (let i = 0, sum = 0; i < 256; i++) {
    start[i] = sum;
    sum += counts[i]!;
  }
  for (let i = 0; i < n; i++) {
    const b = tt[i]! & 0xff;
    tt[start[b]!]! |= i << 8;
    start[b]!++;
  }
  tick?.();
  // Walk the BWT and undo the initial run-length stage (4 equal bytes, then a repeat count).
  let crc = 0xffffffff;
  const emit = (b: number) => {
    out.put(b);
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  };
  let pos = tt[origPtr]! >>> 8;
  let last = -1;
  let same = 0;
  for (let i = 0; i < n; i++) {
    const e = tt[pos]!;
    const b = e & 0xff;
    pos = e >>> 8;
    if (same === 4) {
      for (let k = 0; k < b; k++) emit(last);
      same = 0;
      last = -1;
      continue;
    }
    if (b === last) same++;
    else {
      last = b;
      same = 1;
    }
    emit(b);
  }
  crc = ~crc >>> 0;
  if (crc !== expectedCrc) throw new Bzip2Error('bz2 block CRC does not match');
  return crc;
}

export function decodeBzip2(input: Uint8Array, bounds: Bzip2Bounds): Uint8Array {
  const out = new Out(bounds.max, bounds.tick);
  const bits = new Bits(input);
  let streams = 0;
  for (;;) {
    bits.alignByte();
    if (bits.left < 32) break;
    const h = bits.pos >>> 3;
    const level = input[h + 3]!;
    if (input[h] !== 0x42 || input[h + 1] !== 0x5a || input[h + 2] !== 0x68 || level < 0x31 || level > 0x39) {
      if (streams === 0) throw new Bzip2Error('not a bz2 stream');
      break; // trailing bytes, ignored as Python's BZ2File ignores them
    }
    bits.read(32);
    const blockMax = (level - 0x30) * 100_000;
    let combined = 0;
    for (;;) {
      const hi = bits.read(24);
      const lo = bits.read(24);
      if (hi === 0x314159 && lo === 0x265359) {
        const crc = decodeBlock(bits, blockMax, out, bounds.tick);
        combined = (((combined << 1) | (combined >>> 31)) ^ crc) >>> 0;
      } else if (hi === 0x177245 && lo === 0x385090) {
        if (bits.read(32) >>> 0 !== combined) throw new Bzip2Error('bz2 stream CRC does not match');
        break;
      } else throw new Bzip2Error('bz2 block magic is invalid');
    }
    streams++;
  }
  return out.buf.subarray(0, out.pos);
}
