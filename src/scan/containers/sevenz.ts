import type { Readable } from 'node:stream';
import { ExpandLimit } from './compress.ts';

export interface SevenZMember {
  name: string;
  bytes?: Uint8Array;
  error?: string;
  encrypted?: boolean;
  isDirectory: boolean;
}

interface Parser {
  parse(): Promise<void>;
  getEntries(): { name: string; type?: string; isDirectory?: boolean; size?: number; hasStream?: boolean }[];
  getEntryStream(e: unknown): Readable;
  close(): void;
}

/**
 * Lists and decompresses 7z members in memory through 7z-iterator's parser (pure JavaScript, LZMA,
 * LZMA2, BZip2, Deflate, BCJ). Each member and the total are bounded.
 */
export async function readSevenZip(
  bytes: Uint8Array,
  maxMembers: number,
  maxTotal: number,
): Promise<SevenZMember[]> {
  process.env.LZMA_NATIVE_DISABLE = '1';
  const mod = (await import('7z-iterator')) as unknown as {
    SevenZipParser: new (src: unknown) => Parser;
    BufferSource: new (b: Buffer) => unknown;
  };
  const parser = new mod.SevenZipParser(
    new mod.BufferSource(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
  );
  await parser.parse();
  const out: SevenZMember[] = [];
  let total = 0;
  try {
    for (const e of parser.getEntries()) {
      if (out.length >= maxMembers) throw new ExpandLimit(maxTotal);
      const isDirectory = e.type === 'directory' || e.isDirectory === true;
      if (isDirectory || e.hasStream === false) {
        out.push({ name: e.name, isDirectory: true });
        continue;
      }
      if ((e.size ?? 0) + total > maxTotal) throw new ExpandLimit(maxTotal);
      try {
        const chunks: Buffer[] = [];
        const stream = parser.getEntryStream(e);
        for await (const c of stream) {
          total += (c as Buffer).length;
          if (total > maxTotal) {
            stream.destroy();
            throw new ExpandLimit(maxTotal);
          }
          chunks.push(c as Buffer);
        }
        out.push({ name: e.name, bytes: Buffer.concat(chunks), isDirectory: false });
      } catch (err) {
        if (err instanceof ExpandLimit) throw err;
        const msg = (err as Error).message ?? String(err);
        out.push({
          name: e.name,
          error: msg,
          encrypted: /encrypt|password|aes/i.test(msg),
          isDirectory: false,
        });
      }
    }
  } finally {
    parser.close();
  }
  return out;
}
