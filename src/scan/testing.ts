import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/**
 * Writes a PyTorch-layout zip checkpoint (`archive/data.pkl` + one stored member per tensor storage)
 * of about `totalBytes`, for tests and benchmarks where torch is not installed. Storage data is
 * zeros written as sparse regions, so a multi-GB file costs little disk and time; CRCs are real.
 */
export function writeTorchCheckpoint(path: string, totalBytes: number, tensors = 8): void {
  const per = Math.max(4, Math.floor(totalBytes / tensors / 4) * 4);
  const pkl = statePickle(tensors, per / 4);
  const fd = openSync(path, 'w');
  const central: Buffer[] = [];
  let off = 0;
  const zeroCrc = crcOfZeros(per);
  const add = (name: string, data: Buffer | number, crc: number) => {
    const size = typeof data === 'number' ? data : data.length;
    const nameB = Buffer.from(name);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt32LE(crc >>> 0, 14);
    lh.writeUInt32LE(size, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(nameB.length, 26);
    writeSync(fd, lh, 0, 30, off);
    writeSync(fd, nameB, 0, nameB.length, off + 30);
    if (typeof data !== 'number') writeSync(fd, data, 0, data.length, off + 30 + nameB.length);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt32LE(crc >>> 0, 16);
    ch.writeUInt32LE(size, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(nameB.length, 28);
    ch.writeUInt32LE(off, 42);
    central.push(ch, nameB);
    off += 30 + nameB.length + size;
  };
  add('archive/data.pkl', pkl, crc32(pkl));
  add('archive/version', Buffer.from('3\n'), crc32(Buffer.from('3\n')));
  for (let i = 0; i < tensors; i++) add(`archive/data/${i}`, per, zeroCrc);
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(tensors + 2, 8);
  eocd.writeUInt16LE(tensors + 2, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(off, 16);
  ftruncateSync(fd, off);
  writeSync(fd, cd, 0, cd.length, off);
  writeSync(fd, eocd, 0, 22, off + cd.length);
  closeSync(fd);
}

function crcOfZeros(n: number): number {
  const chunk = Buffer.alloc(Math.min(n, 1 << 20));
  let c = 0;
  for (let left = n; left > 0; left -= chunk.length)
    c = crc32(left >= chunk.length ? chunk : chunk.subarray(0, left), c);
  return c;
}

/** An OrderedDict of `_rebuild_tensor_v2` calls over persistent storage ids, as torch.save writes. */
export function statePickle(tensors: number, numel: number): Buffer {
  const parts: Buffer[] = [];
  const s = (x: string) => {
    const b = Buffer.from(x);
    parts.push(Buffer.from([0x58]), u32(b.length), b);
  };
  const op = (...b: number[]) => parts.push(Buffer.from(b));
  const glob = (m: string, n: string) => parts.push(Buffer.from(`c${m}\n${n}\n`));
  const int = (n: number) => parts.push(Buffer.from([0x4a]), u32(n));
  op(0x80, 0x02);
  glob('collections', 'OrderedDict');
  op(0x29, 0x52, 0x28);
  for (let i = 0; i < tensors; i++) {
    s(`layers.${i}.weight`);
    glob('torch._utils', '_rebuild_tensor_v2');
    op(0x28, 0x28);
    s('storage');
    glob('torch', 'FloatStorage');
    s(String(i));
    s('cpu');
    int(numel);
    op(0x74, 0x51);
    int(0);
    int(numel);
    op(0x85);
    int(1);
    op(0x85, 0x89);
    glob('collections', 'OrderedDict');
    op(0x29, 0x52, 0x74, 0x52);
  }
  op(0x75, 0x2e);
  return Buffer.concat(parts);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
}
