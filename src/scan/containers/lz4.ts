import { ExpandLimit } from './compress.ts';

/**
 * LZ4 frame decoder (joblib's `lz4` compressor writes LZ4 frames): frame header, blocks (compressed
 * or stored, optional checksums, linked or independent), end mark, several frames back to back.
 * Output is bounded by `max`; checksums are not verified (a loader that ignores them would not either).
 */
export function decodeLz4Frames(input: Uint8Array, max: number): Uint8Array {
  let out = new Uint8Array(Math.min(max, Math.max(1024, input.length * 4)));
  let op = 0;
  let ip = 0;
  const need = (n: number, what: string) => {
    if (ip + n > input.length) throw new Error(`LZ4 ${what} at offset ${ip} is truncated`);
  };
  const grow = (n: number) => {
    if (op + n <= out.length) return;
    if (op + n > max) throw new ExpandLimit(max);
    const next = new Uint8Array(Math.min(max, Math.max(op + n, out.length * 2)));
    next.set(out.subarray(0, op));
    out = next;
  };
  const u32 = () => {
    need(4, 'field');
    const v = (input[ip]! | (input[ip + 1]! << 8) | (input[ip + 2]! << 16) | (input[ip + 3]! << 24)) >>> 0;
    ip += 4;
    return v;
  };
  let frames = 0;
  while (ip < input.length) {
    const magic = u32();
    if (magic >= 0x184d2a50 && magic <= 0x184d2a5f) {
      // Skippable frame.
      const n = u32();
      need(n, 'skippable frame');
      ip += n;
      continue;
    }
    if (magic !== 0x184d2204) {
      if (frames > 0) break;
      throw new Error(`not an LZ4 frame (magic 0x${magic.toString(16)})`);
    }
    frames++;
    need(2, 'frame descriptor');
    const flg = input[ip++]!;
    ip++; // BD: block maximum size, not needed to decode
    if (flg >> 6 !== 1) throw new Error(`unsupported LZ4 frame version ${flg >> 6}`);
    const blockChecksum = (flg & 0x10) !== 0;
    if (flg & 0x08) {
      need(8, 'content size');
      ip += 8;
    }
    if (flg & 0x01) {
      need(4, 'dictionary id');
      ip += 4;
    }
    need(1, 'header checksum');
    ip++;
    for (;;) {
      const raw = u32();
      if (raw === 0) break;
      const stored = (raw & 0x80000000) !== 0;
      const size = raw & 0x7fffffff;
      need(size, 'block');
      if (stored) {
        grow(size);
        out.set(input.subarray(ip, ip + size), op);
        op += size;
      } else decodeBlock(ip, ip + size);
      ip += size;
      if (blockChecksum) {
        need(4, 'block checksum');
        ip += 4;
      }
    }
    if (flg & 0x04) {
      need(4, 'content checksum');
      ip += 4;
    }
  }
  return out.subarray(0, op);

  function decodeBlock(start: number, end: number): void {
    let p = start;
    while (p < end) {
      const token = input[p++]!;
      let lit = token >> 4;
      if (lit === 15) {
        let b: number;
        do {
          if (p >= end) throw new Error('LZ4 literal length runs past its block');
          b = input[p++]!;
          lit += b;
        } while (b === 255);
      }
      if (p + lit > end) throw new Error('LZ4 literals run past their block');
      grow(lit);
      out.set(input.subarray(p, p + lit), op);
      op += lit;
      p += lit;
      if (p >= end) return;
      if (p + 2 > end) throw new Error('LZ4 match offset is truncated');
      const offset = input[p]! | (input[p + 1]! << 8);
      p += 2;
      if (offset === 0 || offset > op) throw new Error(`LZ4 match offset ${offset} points before the output`);
      let len = token & 15;
      if (len === 15) {
        let b: number;
        do {
          if (p >= end) throw new Error('LZ4 match length runs past its block');
          b = input[p++]!;
          len += b;
        } while (b === 255);
      }
      len += 4;
      grow(len);
      let from = op - offset;
      for (let k = 0; k < len; k++) out[op++] = out[from++]!;
    }
  }
}
