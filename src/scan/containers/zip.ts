import type { Source } from '../source.ts';

/**
 * A zip reader that opens archives the way PyTorch's loader does: entries from the central directory,
 * data located through each local header, CRC and flag bits not enforced. Differences between the
 * local and central views are reported, not fatal. Falls back to a walk of local headers when the
 * central directory is missing or damaged.
 */
export interface ZipEntry {
  name: string;
  localName?: string;
  method: number;
  flags: number;
  localFlags?: number;
  crc: number;
  csize: number;
  usize: number;
  localOffset: number;
  /** Offset of the member's first data byte, or -1 when the local header is unreadable. */
  dataOffset: number;
  isSymlink: boolean;
  problems: string[];
}

export interface ZipListing {
  entries: ZipEntry[];
  centralDirectory: boolean;
  problems: string[];
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_LOC64 = 0x07064b50;

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

const dec = new TextDecoder('utf-8');

function zip64Extra(extra: Uint8Array, e: { usize: number; csize: number; localOffset: number }): void {
  const v = dv(extra);
  let p = 0;
  while (p + 4 <= extra.length) {
    const id = v.getUint16(p, true);
    const len = v.getUint16(p + 2, true);
    if (id === 0x0001) {
      let q = p + 4;
      const u64 = () => {
        if (q + 8 > p + 4 + len || q + 8 > extra.length) return undefined;
        const x = v.getUint32(q, true) + v.getUint32(q + 4, true) * 2 ** 32;
        q += 8;
        return x;
      };
      if (e.usize === 0xffffffff) e.usize = u64() ?? e.usize;
      if (e.csize === 0xffffffff) e.csize = u64() ?? e.csize;
      if (e.localOffset === 0xffffffff) e.localOffset = u64() ?? e.localOffset;
      return;
    }
    p += 4 + len;
  }
}

function findEocd(src: Source): number {
  const tail = Math.min(src.size, 65_557);
  const buf = src.read(src.size - tail, tail);
  for (let i = buf.length - 22; i >= 0; i--) {
    if (buf[i] === 0x50 && buf[i + 1] === 0x4b && buf[i + 2] === 0x05 && buf[i + 3] === 0x06)
      return src.size - tail + i;
  }
  return -1;
}

function readLocal(src: Source, e: ZipEntry): void {
  const h = src.read(e.localOffset, 30);
  if (h.length < 30 || dv(h).getUint32(0, true) !== SIG_LOCAL) {
    e.problems.push(`no local header at offset ${e.localOffset}`);
    e.dataOffset = -1;
    return;
  }
  const v = dv(h);
  e.localFlags = v.getUint16(6, true);
  const nameLen = v.getUint16(26, true);
  const extraLen = v.getUint16(28, true);
  e.localName = dec.decode(src.read(e.localOffset + 30, nameLen));
  e.dataOffset = e.localOffset + 30 + nameLen + extraLen;
  if (e.localName !== e.name)
    e.problems.push(
      `local header name ${JSON.stringify(e.localName)} differs from central directory name ${JSON.stringify(e.name)}`,
    );
  const lmethod = v.getUint16(8, true);
  if (lmethod !== e.method)
    e.problems.push(`local header method ${lmethod} differs from central directory method ${e.method}`);
  if (e.dataOffset + e.csize > src.size) e.problems.push('member data extends past the end of the archive');
}

export function listZip(src: Source, maxMembers: number): ZipListing {
  const problems: string[] = [];
  const eocd = findEocd(src);
  if (eocd >= 0) {
    const v = dv(src.read(eocd, 22));
    let count = v.getUint16(10, true);
    let cdSize = v.getUint32(12, true);
    let cdOffset = v.getUint32(16, true);
    if (eocd >= 20) {
      const loc = src.read(eocd - 20, 20);
      if (loc.length === 20 && dv(loc).getUint32(0, true) === SIG_LOC64) {
        const off64 = dv(loc).getUint32(8, true) + dv(loc).getUint32(12, true) * 2 ** 32;
        const r = src.read(off64, 56);
        if (r.length === 56 && dv(r).getUint32(0, true) === SIG_EOCD64) {
          const rv = dv(r);
          count = rv.getUint32(32, true) + rv.getUint32(36, true) * 2 ** 32;
          cdSize = rv.getUint32(40, true) + rv.getUint32(44, true) * 2 ** 32;
          cdOffset = rv.getUint32(48, true) + rv.getUint32(52, true) * 2 ** 32;
        }
      }
    }
    if (cdOffset + cdSize <= src.size && cdSize <= 512 * 1024 * 1024) {
      const cd = src.read(cdOffset, cdSize);
      const cv = dv(cd);
      const entries: ZipEntry[] = [];
      let p = 0;
      while (p + 46 <= cd.length && cv.getUint32(p, true) === SIG_CENTRAL) {
        if (entries.length >= maxMembers) {
          problems.push(`more than ${maxMembers} members`);
          break;
        }
        const nameLen = cv.getUint16(p + 28, true);
        const extraLen = cv.getUint16(p + 30, true);
        const commentLen = cv.getUint16(p + 32, true);
        const ext = cv.getUint32(p + 38, true);
        const e: ZipEntry = {
          name: dec.decode(cd.subarray(p + 46, p + 46 + nameLen)),
          method: cv.getUint16(p + 10, true),
          flags: cv.getUint16(p + 8, true),
          crc: cv.getUint32(p + 16, true),
          csize: cv.getUint32(p + 20, true),
          usize: cv.getUint32(p + 24, true),
          localOffset: cv.getUint32(p + 42, true),
          dataOffset: -1,
          isSymlink: ((ext >>> 16) & 0o170000) === 0o120000,
          problems: [],
        };
        zip64Extra(cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen), e);
        readLocal(src, e);
        entries.push(e);
        p += 46 + nameLen + extraLen + commentLen;
      }
      if (entries.length !== count && entries.length < maxMembers)
        problems.push(`central directory lists ${entries.length} member(s), end record says ${count}`);
      if (entries.length > 0 || count === 0) return { entries, centralDirectory: true, problems };
    } else problems.push('central directory lies outside the file');
  } else problems.push('no end-of-central-directory record');
  return { entries: walkLocal(src, maxMembers), centralDirectory: false, problems };
}

/** Sequential walk of local headers, for archives whose central directory is gone. */
function walkLocal(src: Source, maxMembers: number): ZipEntry[] {
  const out: ZipEntry[] = [];
  let off = 0;
  while (off + 30 <= src.size && out.length < maxMembers) {
    const h = src.read(off, 30);
    const v = dv(h);
    if (v.getUint32(0, true) !== SIG_LOCAL) break;
    const nameLen = v.getUint16(26, true);
    const extraLen = v.getUint16(28, true);
    const e: ZipEntry = {
      name: dec.decode(src.read(off + 30, nameLen)),
      method: v.getUint16(8, true),
      flags: v.getUint16(6, true),
      crc: v.getUint32(14, true),
      csize: v.getUint32(18, true),
      usize: v.getUint32(22, true),
      localOffset: off,
      dataOffset: off + 30 + nameLen + extraLen,
      isSymlink: false,
      problems: [],
    };
    zip64Extra(src.read(off + 30 + nameLen, extraLen), e);
    if (e.flags & 0x08 && e.csize === 0) {
      e.problems.push('sizes in a data descriptor: member length unknown without a central directory');
      out.push(e);
      break;
    }
    out.push(e);
    off = e.dataOffset + e.csize;
  }
  return out;
}

/** Unsafe member paths: absolute, drive-qualified, or climbing with `..`. */
export function unsafePath(name: string): string | undefined {
  if (name.startsWith('/') || name.startsWith('\\')) return 'absolute path';
  if (/^[a-zA-Z]:/.test(name)) return 'drive-qualified path';
  if (name.split(/[\\/]/).includes('..')) return 'parent-directory component';
  return undefined;
}
