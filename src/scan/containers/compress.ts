import { Readable, type Transform } from 'node:stream';
import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

/** Raised when a stream would decompress past its budget: the caller reports a limit finding. */
export class ExpandLimit extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`decompressed size exceeds ${limit} bytes`);
    this.limit = limit;
  }
}

export type Codec = 'deflate-raw' | 'zlib' | 'gzip' | 'bz2' | 'xz' | 'lzma-alone' | 'lzma-zip' | 'lz4';

function zlibBounded(fn: typeof inflateSync, data: Uint8Array, max: number): Uint8Array {
  try {
    return fn(data, { maxOutputLength: Math.max(1, max) });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError)
      throw new ExpandLimit(max);
    throw e;
  }
}

/**
 * xz-compat would try to install a native module at run time unless told not to; nothing may be
 * downloaded while scanning, so the switch is set before its first (lazy) import.
 */
async function xzCompat(): Promise<typeof import('xz-compat')> {
  process.env.LZMA_NATIVE_DISABLE = '1';
  return import('xz-compat');
}

async function drain(stream: Transform, data: Uint8Array, max: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (c: Buffer) => {
      total += c.length;
      if (total > max) {
        stream.destroy();
        reject(new ExpandLimit(max));
        return;
      }
      chunks.push(c);
    });
    stream.once('error', reject);
    stream.once('end', () => resolve());
    stream.once('close', () => resolve());
    Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)]).pipe(stream);
  });
  return Buffer.concat(chunks);
}

/**
 * Decompresses `data` with at most `max` bytes of output; throws ExpandLimit past that. `tick` is
 * called periodically by Bulwark's own decoders (bz2, LZMA) and throws to stop them (a deadline).
 */
export async function decompress(
  codec: Codec,
  data: Uint8Array,
  max: number,
  tick?: () => void,
): Promise<Uint8Array> {
  switch (codec) {
    case 'deflate-raw':
      return zlibBounded(inflateRawSync, data, max);
    case 'zlib':
      return zlibBounded(inflateSync, data, max);
    case 'gzip':
      return zlibBounded(gunzipSync, data, max);
    case 'lz4':
      return (await import('./lz4.ts')).decodeLz4Frames(data, max);
    case 'bz2':
      return (await import('./bzip2.ts')).decodeBzip2(data, { max, ...(tick ? { tick } : {}) });
    case 'xz': {
      const xz = await xzCompat();
      return drain(xz.createXZDecoder() as unknown as Transform, data, max);
    }
    case 'lzma-alone': {
      // .lzma: 5 property bytes, 8-byte little-endian size (all ones when unknown), raw LZMA.
      if (data.length < 13) throw new Error('LZMA header is truncated');
      const props = data.subarray(0, 5);
      const view = new DataView(data.buffer, data.byteOffset + 5, 8);
      const lo = view.getUint32(0, true);
      const hi = view.getUint32(4, true);
      const unknown = lo === 0xffffffff && hi === 0xffffffff;
      const size = unknown ? -1 : hi * 2 ** 32 + lo;
      if (size > max) throw new ExpandLimit(max);
      return (await import('./lzma.ts')).decodeLzma(props, data.subarray(13), size, {
        max,
        ...(tick ? { tick } : {}),
      });
    }
    case 'lzma-zip': {
      // Zip method 14: 2-byte version, 2-byte props size, props, raw LZMA (end marker).
      if (data.length < 9) throw new Error('zip LZMA header is truncated');
      const plen = data[2]! | (data[3]! << 8);
      if (4 + plen > data.length) throw new Error('zip LZMA properties are truncated');
      return (await import('./lzma.ts')).decodeLzma(data.subarray(4, 4 + plen), data.subarray(4 + plen), -1, {
        max,
        ...(tick ? { tick } : {}),
      });
    }
  }
}
