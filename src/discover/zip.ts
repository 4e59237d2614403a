/**
 * Just enough of the ZIP format to list member names from the central directory (PyTorch, Keras 3
 * and NumPy .npz files are zips, and their member names tell them apart) and to peek at the first
 * bytes of the members in the head (a pickle named data.txt is still a pickle). Bounded: reads only
 * the slices it is given, stops at `maxEntries`, inflates at most 4 KiB into 512 bytes per member.
 */
import { constants, inflateRawSync } from 'node:zlib';

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CDIR_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

export interface CentralDirectory {
  /** Absolute offset of the central directory in the file. */
  offset: number;
  size: number;
  entries: number;
}

function buf(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

export function isZip(head: Uint8Array): boolean {
  return head.length >= 4 && buf(head).readUInt32LE(0) === LOCAL_SIG;
}

/**
 * Finds the end-of-central-directory record in the last bytes of a file (`tail` holds the last
 * `tail.length` bytes of a file of `fileSize` bytes). Returns undefined when there is none or when
 * it points outside the file.
 */
export function findCentralDirectory(tail: Uint8Array, fileSize: number): CentralDirectory | undefined {
  const t = buf(tail);
  const tailStart = fileSize - t.length;
  for (let i = t.length - 22; i >= 0; i--) {
    if (t.readUInt32LE(i) !== EOCD_SIG) continue;
    let entries = t.readUInt16LE(i + 10);
    let size = t.readUInt32LE(i + 12);
    let offset = t.readUInt32LE(i + 16);
    if (offset === 0xffffffff || size === 0xffffffff || entries === 0xffff) {
      // ZIP64: the locator sits just before the EOCD and points at the zip64 record.
      const loc = i - 20;
      if (loc < 0 || t.readUInt32LE(loc) !== ZIP64_LOCATOR_SIG) continue;
      const recAbs = Number(t.readBigUInt64LE(loc + 8));
      const rec = recAbs - tailStart;
      if (rec < 0 || rec + 56 > t.length || t.readUInt32LE(rec) !== ZIP64_EOCD_SIG) continue;
      entries = Number(t.readBigUInt64LE(rec + 32));
      size = Number(t.readBigUInt64LE(rec + 40));
      offset = Number(t.readBigUInt64LE(rec + 48));
    }
    if (offset + size > fileSize || !Number.isSafeInteger(offset + size)) continue;
    return { offset, size, entries };
  }
  return undefined;
}

/** Lists member names from central-directory bytes; stops at the first malformed record. */
export function listCentralDirectory(cd: Uint8Array, maxEntries = 10_000): string[] {
  const b = buf(cd);
  const names: string[] = [];
  let p = 0;
  while (p + 46 <= b.length && names.length < maxEntries) {
    if (b.readUInt32LE(p) !== CDIR_SIG) break;
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    if (p + 46 + nameLen > b.length) break;
    names.push(b.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

const START_BYTES = 512;

/**
 * The first bytes of a member's data: stored bytes as they are, deflated ones inflated from a bounded
 * slice (a sync flush lets zlib hand back what a truncated stream holds). Encrypted members (flag bit 0)
 * are ciphertext and skipped by the caller.
 */
function memberStart(
  head: Uint8Array,
  data: number,
  method: number,
  compressed: number,
): Uint8Array | undefined {
  if (data >= head.length) return undefined;
  if (method === 0) return head.subarray(data, Math.min(head.length, data + START_BYTES));
  if (method !== 8) return undefined;
  const end = Math.min(head.length, data + Math.min(compressed || 4096, 4096));
  try {
    return inflateRawSync(head.subarray(data, end), {
      finishFlush: constants.Z_SYNC_FLUSH,
      maxOutputLength: START_BYTES,
    });
  } catch {
    return undefined;
  }
}

export interface LocalMember {
  name: string;
  /** The first bytes of the member's data when it is stored uncompressed, else undefined. */
  start?: Uint8Array;
}

/**
 * The members whose local headers fit in `head`, with the first bytes of stored (uncompressed) ones:
 * a fallback when the central directory is out of reach, and a look inside members whatever their name.
 */
export function readLocalMembers(head: Uint8Array, maxEntries = 64): LocalMember[] {
  const b = buf(head);
  const out: LocalMember[] = [];
  let p = 0;
  while (p + 30 <= b.length && out.length < maxEntries) {
    if (b.readUInt32LE(p) !== LOCAL_SIG) break;
    const flags = b.readUInt16LE(p + 6);
    const method = b.readUInt16LE(p + 8);
    const compressed = b.readUInt32LE(p + 18);
    const nameLen = b.readUInt16LE(p + 26);
    const extraLen = b.readUInt16LE(p + 28);
    if (p + 30 + nameLen > b.length) break;
    const name = b.toString('utf8', p + 30, p + 30 + nameLen);
    const data = p + 30 + nameLen + extraLen;
    const start = (flags & 0x01) === 0 ? memberStart(head, data, method, compressed) : undefined;
    out.push({ name, ...(start ? { start } : {}) });
    // With a data descriptor the size is not known up front: stop rather than guess.
    if (flags & 0x08 || compressed === 0xffffffff) break;
    p = data + compressed;
  }
  return out;
}

export function listLocalHeaders(head: Uint8Array, maxEntries = 64): string[] {
  return readLocalMembers(head, maxEntries).map((m) => m.name);
}
