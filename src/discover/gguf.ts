/**
 * Reads the GGUF header (llama.cpp's model format) and the first metadata key/values that fit in the
 * bytes given: architecture and name usually come first. Bounded by the buffer and by `maxKeys`;
 * gives up quietly (returning what it has) on anything malformed.
 */

export interface GgufHeader {
  version: number;
  tensorCount: number;
  kvCount: number;
  metadata: Record<string, string | number | boolean>;
}

const MAGIC = 0x46554747; // "GGUF" little-endian
const FIXED_SIZES: Record<number, number> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};
const WANTED =
  /^general\.(architecture|name|file_type|quantization_version|size_label|basename)$|\.context_length$/;

class OutOfBytes extends Error {}

export function isGguf(head: Uint8Array): boolean {
  return head.length >= 8 && Buffer.from(head.buffer, head.byteOffset, 4).readUInt32LE(0) === MAGIC;
}

export function readGgufHeader(head: Uint8Array, maxKeys = 256): GgufHeader | undefined {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (!isGguf(head)) return undefined;
  const version = b.readUInt32LE(4);
  if (version < 1 || version > 3) return undefined;
  const wide = version >= 2; // v1 used 32-bit counts and string lengths
  let p = 8;
  const need = (n: number) => {
    if (!Number.isSafeInteger(n) || n < 0 || p + n > b.length) throw new OutOfBytes();
  };
  const count = (): number => {
    need(wide ? 8 : 4);
    const v = wide ? Number(b.readBigUInt64LE(p)) : b.readUInt32LE(p);
    p += wide ? 8 : 4;
    return v;
  };
  const str = (): string => {
    const len = count();
    need(len);
    const s = b.toString('utf8', p, p + len);
    p += len;
    return s;
  };
  const out: GgufHeader = { version, tensorCount: 0, kvCount: 0, metadata: {} };
  try {
    out.tensorCount = count();
    out.kvCount = count();
    for (let k = 0; k < Math.min(out.kvCount, maxKeys); k++) {
      const key = str();
      need(4);
      const type = b.readUInt32LE(p);
      p += 4;
      if (type === 8) {
        const v = str();
        if (WANTED.test(key)) out.metadata[key] = v.slice(0, 200);
      } else if (type === 9) {
        need(4);
        const itemType = b.readUInt32LE(p);
        p += 4;
        const n = count();
        if (itemType === 8) for (let i = 0; i < n; i++) str();
        else {
          const size = FIXED_SIZES[itemType];
          if (size === undefined) break;
          need(n * size);
          p += n * size;
        }
      } else {
        const size = FIXED_SIZES[type];
        if (size === undefined) break;
        need(size);
        if (WANTED.test(key)) {
          out.metadata[key] =
            type === 7
              ? b[p] !== 0
              : size === 8
                ? Number(type === 12 ? b.readDoubleLE(p) : b.readBigUInt64LE(p))
                : size === 4
                  ? type === 6
                    ? b.readFloatLE(p)
                    : b.readUInt32LE(p)
                  : size === 2
                    ? b.readUInt16LE(p)
                    : b[p]!;
        }
        p += size;
      }
    }
  } catch (e) {
    if (!(e instanceof OutOfBytes)) throw e;
  }
  return out;
}
