import type { Readable } from 'node:stream';
import { ExpandLimit } from './compress.ts';

export interface SevenZMember {
  name: string;
  bytes?: Uint8Array;
  error?: string;
  encrypted?: boolean;
  isDirectory: boolean;
}

interface Coder {
  id: number[];
  numInStreams: number;
  numOutStreams: number;
  properties?: Uint8Array;
}

interface Parser {
  streamsInfo?: { folders?: { coders: Coder[]; unpackSizes: number[] }[] };
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
  const attempt = await readOnce(bytes, maxMembers, maxTotal, true);
  // The shrunken window decodes exactly as the declared one while the output fits in it; otherwise
  // (a lying size, an error) the archive is read again with the window it declares.
  if (attempt.clamped > 0 && (attempt.failed || attempt.total > attempt.clamped))
    return (await readOnce(bytes, maxMembers, maxTotal, false)).members;
  if (attempt.error) throw attempt.error;
  return attempt.members;
}

const MIN_WINDOW = 1 << 16;

function lzma2Window(p: number): number {
  return p >= 40 ? 0xffffffff : (2 | (p & 1)) * 2 ** (Math.floor(p / 2) + 11);
}

/**
 * LZMA/LZMA2 decoders allocate their whole declared dictionary (16 MiB and more is common) even for
 * a member of a few bytes; across many small archives that is most of the garbage collector's work.
 * Folders of one-in/one-out coders get a window no larger than their largest declared unpacked
 * size (at least 64 KiB). Returns the smallest window set, or 0 when nothing was changed.
 */
function shrinkWindows(parser: Parser): number {
  let smallest = 0;
  for (const f of parser.streamsInfo?.folders ?? []) {
    if (f.coders.some((c) => c.numInStreams !== 1 || c.numOutStreams !== 1)) continue;
    let want = MIN_WINDOW;
    for (const n of f.unpackSizes) if (n > want) want = n;
    for (const c of f.coders) {
      const props = c.properties;
      if (!props) continue;
      let set = 0;
      if (c.id.length === 1 && c.id[0] === 0x21 && props.length === 1) {
        let p = 0;
        while (p < 40 && lzma2Window(p) < want) p++;
        if (p < props[0]!) {
          props[0] = p;
          set = lzma2Window(p);
        }
      } else if (c.id.length === 3 && c.id[0] === 3 && c.id[1] === 1 && c.id[2] === 1 && props.length >= 5) {
        const v = new DataView(props.buffer, props.byteOffset, props.byteLength);
        if (v.getUint32(1, true) > want && want <= 0xffffffff) {
          v.setUint32(1, want, true);
          set = want;
        }
      }
      if (set > 0) smallest = smallest === 0 ? set : Math.min(smallest, set);
    }
  }
  return smallest;
}

async function readOnce(
  bytes: Uint8Array,
  maxMembers: number,
  maxTotal: number,
  shrink: boolean,
): Promise<{ members: SevenZMember[]; total: number; clamped: number; failed: boolean; error?: unknown }> {
  process.env.LZMA_NATIVE_DISABLE = '1';
  const mod = (await import('7z-iterator')) as unknown as {
    SevenZipParser: new (src: unknown) => Parser;
    BufferSource: new (b: Buffer) => unknown;
  };
  const parser = new mod.SevenZipParser(
    new mod.BufferSource(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
  );
  await parser.parse();
  const clamped = shrink ? shrinkWindows(parser) : 0;
  const out: SevenZMember[] = [];
  let total = 0;
  let failed = false;
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
        failed = true;
        const msg = (err as Error).message ?? String(err);
        out.push({
          name: e.name,
          error: msg,
          encrypted: /encrypt|password|aes/i.test(msg),
          isDirectory: false,
        });
      }
    }
  } catch (e) {
    if (clamped === 0) throw e;
    return { members: out, total, clamped, failed: true, error: e };
  } finally {
    parser.close();
  }
  return { members: out, total, clamped, failed };
}
