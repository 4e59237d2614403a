import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { z } from 'zod';
import { BulwarkError } from '../core/index.ts';
import type { KekProvider } from './kek.ts';

/**
 * Bulwark encrypted file, version 1:
 *   [0, 8)     magic "BWENC01\n"
 *   [8, 12)    header length L, u32 big-endian
 *   [12, 12+L) header JSON; the rest of the 4 KiB header area is zero bytes (checked)
 *   [4096, …)  records: AES-256-GCM ciphertext of one chunk ‖ its 16-byte tag
 * Each record's IV is noncePrefix ‖ u64 index and its AAD binds the immutable header fields, the
 * index and a final flag, so reordered, dropped, duplicated or appended records fail authentication.
 * The wrapped data key is not in the AAD: rotation rewrites the header area in place, never the data.
 */
export const MAGIC = Buffer.from('BWENC01\n', 'latin1');
export const HEADER_AREA = 4096;
export const TAG_BYTES = 16;
export const DEFAULT_CHUNK_SIZE = 1 << 20;
export const MAX_CHUNK_SIZE = 16 << 20;
export const ENCRYPTED_SUFFIX = '.bwenc';

const Header = z.object({
  v: z.literal(1),
  cipher: z.literal('aes-256-gcm'),
  chunkSize: z.number().int().min(1024).max(MAX_CHUNK_SIZE),
  fileId: z.string().regex(/^[0-9a-f]{32}$/),
  noncePrefix: z.string().regex(/^[0-9a-f]{8}$/),
  kek: z.object({ provider: z.string().min(1).max(100), keyId: z.string().min(1).max(200) }),
  wrappedKey: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
  created: z.string(),
});
export type EncryptedHeader = z.infer<typeof Header>;

function headerDigest(h: EncryptedHeader): Buffer {
  return createHash('sha256')
    .update(MAGIC)
    .update(`${h.v}|${h.cipher}|${h.chunkSize}|${h.fileId}|${h.noncePrefix}|${h.created}`)
    .digest();
}

function recordAad(digest: Buffer, index: number, final: boolean): Buffer {
  const aad = Buffer.alloc(32 + 8 + 1);
  digest.copy(aad, 0);
  aad.writeBigUInt64BE(BigInt(index), 32);
  aad[40] = final ? 1 : 0;
  return aad;
}

function recordIv(prefix: Buffer, index: number): Buffer {
  const iv = Buffer.alloc(12);
  prefix.copy(iv, 0);
  iv.writeBigUInt64BE(BigInt(index), 4);
  return iv;
}

/** The AAD the data key is wrapped with: ties the key to this one file. */
function wrapContext(fileId: string): Buffer {
  return Buffer.from(`bulwark-dek:${fileId}`, 'utf8');
}

/** The header in writing order: one fixed key order, so the bytes are canonical. */
function headerFields(h: EncryptedHeader): EncryptedHeader {
  return {
    v: h.v,
    cipher: h.cipher,
    chunkSize: h.chunkSize,
    fileId: h.fileId,
    noncePrefix: h.noncePrefix,
    kek: { provider: h.kek.provider, keyId: h.kek.keyId },
    wrappedKey: h.wrappedKey,
    created: h.created,
  };
}

function encodeHeaderArea(h: EncryptedHeader, where: string): Buffer {
  const json = Buffer.from(JSON.stringify(headerFields(h)), 'utf8');
  if (json.length > HEADER_AREA - 12)
    throw new BulwarkError(
      'BW_ERR_VALIDATION',
      `${where}: encryption header too large (${json.length} bytes)`,
    );
  const area = Buffer.alloc(HEADER_AREA);
  MAGIC.copy(area, 0);
  area.writeUInt32BE(json.length, 8);
  json.copy(area, 12);
  return area;
}

/** Code of errors that mean the ciphertext failed authentication (the CLI exits 1, a failed check). */
export const INTEGRITY_ERROR = 'BW_ERR_INTEGRITY';

function tampered(where: string, detail: string): BulwarkError {
  return new BulwarkError(INTEGRITY_ERROR, `${where}: ${detail}: the file was tampered with or truncated`, {
    status: 422,
  });
}

function decodeHeaderArea(area: Buffer, where: string): EncryptedHeader {
  if (area.length < HEADER_AREA || !area.subarray(0, 8).equals(MAGIC))
    throw new BulwarkError('BW_ERR_PARSE', `${where}: not a Bulwark encrypted file (bad magic at byte 0)`);
  const len = area.readUInt32BE(8);
  if (len > HEADER_AREA - 12) throw tampered(where, `header length ${len} at byte 8 is out of range`);
  for (let i = 12 + len; i < HEADER_AREA; i++)
    if (area[i] !== 0) throw tampered(where, `non-zero padding at byte ${i}`);
  let raw: unknown;
  try {
    raw = JSON.parse(area.subarray(12, 12 + len).toString('utf8'));
  } catch {
    throw tampered(where, 'header at byte 12 is not JSON');
  }
  const parsed = Header.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw tampered(where, `header field ${issue.path.join('.')}: ${issue.message}`);
  }
  // Only the form the writer produces is accepted, so no header byte can change unnoticed
  // (equivalent JSON spellings would otherwise slip past the AAD).
  const canonical = Buffer.from(JSON.stringify(headerFields(parsed.data)), 'utf8');
  if (!canonical.equals(area.subarray(12, 12 + len)))
    throw tampered(where, 'header at byte 12 is not in canonical form');
  return parsed.data;
}

async function openOrThrow(path: string, flags: string): Promise<FileHandle> {
  try {
    return await open(path, flags, 0o600);
  } catch (e) {
    throw new BulwarkError('BW_ERR_IO', `${path}: cannot open (${(e as Error).message})`, { cause: e });
  }
}

async function readFull(fh: FileHandle, buf: Buffer, position: number): Promise<number> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

export interface EncryptOptions {
  kek: KekProvider;
  chunkSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface EncryptResult {
  out: string;
  bytes: number;
  chunks: number;
  kek: { provider: string; keyId: string };
}

/** Writes to `out.partial` and renames on success, so a failed run never leaves a plausible file. */
async function withPartial<T>(out: string, fn: (fh: FileHandle) => Promise<T>): Promise<T> {
  const tmp = `${out}.partial`;
  const fh = await openOrThrow(tmp, 'w');
  try {
    const r = await fn(fh);
    await fh.sync();
    await fh.close();
    await rename(tmp, out);
    return r;
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Encrypts a file with a fresh data key, streaming chunk by chunk (memory: about two chunks). */
export async function encryptFile(
  input: string,
  out: string,
  options: EncryptOptions,
): Promise<EncryptResult> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1024 || chunkSize > MAX_CHUNK_SIZE)
    throw new BulwarkError('BW_ERR_USAGE', `chunk size must be between 1024 and ${MAX_CHUNK_SIZE} bytes`);
  const src = await openOrThrow(input, 'r');
  try {
    const total = (await src.stat()).size;
    const dataKey = randomBytes(32);
    const fileId = randomBytes(16).toString('hex');
    const prefix = randomBytes(4);
    const wrapped = await options.kek.wrap(dataKey, wrapContext(fileId));
    const header: EncryptedHeader = {
      v: 1,
      cipher: 'aes-256-gcm',
      chunkSize,
      fileId,
      noncePrefix: prefix.toString('hex'),
      kek: { provider: options.kek.name, keyId: wrapped.keyId },
      wrappedKey: wrapped.wrapped.toString('base64'),
      created: new Date().toISOString(),
    };
    const digest = headerDigest(header);
    return await withPartial(out, async (dst) => {
      await dst.write(encodeHeaderArea(header, out), 0, HEADER_AREA, 0);
      let position = HEADER_AREA;
      let cur = Buffer.alloc(chunkSize);
      let next = Buffer.alloc(chunkSize);
      let curLen = await readFull(src, cur, 0);
      let read = curLen;
      let index = 0;
      for (;;) {
        // Read one chunk ahead: the last chunk is only known when the next read comes back empty.
        const nextLen = curLen === chunkSize ? await readFull(src, next, read) : 0;
        read += nextLen;
        const final = nextLen === 0;
        const c = createCipheriv('aes-256-gcm', dataKey, recordIv(prefix, index));
        c.setAAD(recordAad(digest, index, final));
        const body = c.update(cur.subarray(0, curLen));
        c.final();
        const tag = c.getAuthTag();
        await dst.write(body, 0, body.length, position);
        position += body.length;
        await dst.write(tag, 0, TAG_BYTES, position);
        position += TAG_BYTES;
        index++;
        options.onProgress?.(read, total);
        if (final) break;
        [cur, next] = [next, cur];
        curLen = nextLen;
      }
      return { out, bytes: read, chunks: index, kek: header.kek };
    });
  } finally {
    await src.close();
  }
}

export interface DecryptOptions {
  /** Providers by the name recorded in the header (`local`, `env`, …). */
  keks: Record<string, KekProvider>;
  onProgress?: (done: number, total: number) => void;
}

async function readHeader(fh: FileHandle, where: string): Promise<EncryptedHeader> {
  const area = Buffer.alloc(HEADER_AREA);
  const got = await readFull(fh, area, 0);
  if (got < HEADER_AREA) {
    if (got >= 8 && area.subarray(0, 8).equals(MAGIC)) throw tampered(where, `header cut at byte ${got}`);
    throw new BulwarkError('BW_ERR_PARSE', `${where}: not a Bulwark encrypted file (bad magic at byte 0)`);
  }
  return decodeHeaderArea(area, where);
}

async function unwrapFor(
  h: EncryptedHeader,
  keks: Record<string, KekProvider>,
  where: string,
): Promise<Buffer> {
  const provider = keks[h.kek.provider];
  if (!provider)
    throw new BulwarkError(
      'BW_ERR_USAGE',
      `${where}: data key is wrapped by the ${h.kek.provider} key provider, which is not configured`,
    );
  try {
    return await provider.unwrap(h.kek.keyId, Buffer.from(h.wrappedKey, 'base64'), wrapContext(h.fileId));
  } catch (e) {
    throw new BulwarkError('BW_ERR_VALIDATION', `${where}: ${(e as Error).message}`, { cause: e });
  }
}

/** Decrypts and authenticates every chunk before writing it; any tampered byte is an error naming the file. */
export async function decryptFile(
  input: string,
  out: string,
  options: DecryptOptions,
): Promise<{ out: string; bytes: number; chunks: number }> {
  const src = await openOrThrow(input, 'r');
  try {
    const size = (await src.stat()).size;
    const h = await readHeader(src, input);
    const dataKey = await unwrapFor(h, options.keks, input);
    const digest = headerDigest(h);
    const prefix = Buffer.from(h.noncePrefix, 'hex');
    const recordSize = h.chunkSize + TAG_BYTES;
    const dataLen = size - HEADER_AREA;
    const records = Math.ceil(dataLen / recordSize);
    if (records === 0) throw tampered(input, 'no data records after the header');
    return await withPartial(out, async (dst) => {
      const buf = Buffer.alloc(recordSize);
      let written = 0;
      for (let i = 0; i < records; i++) {
        const offset = HEADER_AREA + i * recordSize;
        const len = Math.min(recordSize, size - offset);
        if (len < TAG_BYTES) throw tampered(input, `record ${i} at byte ${offset} is shorter than its tag`);
        const got = await readFull(src, buf.subarray(0, len), offset);
        if (got !== len) throw tampered(input, `file shrank while reading record ${i} at byte ${offset}`);
        const final = i === records - 1;
        const d = createDecipheriv('aes-256-gcm', dataKey, recordIv(prefix, i));
        d.setAAD(recordAad(digest, i, final));
        d.setAuthTag(buf.subarray(len - TAG_BYTES, len));
        const plain = d.update(buf.subarray(0, len - TAG_BYTES));
        try {
          d.final();
        } catch {
          throw tampered(
            input,
            `authentication failed for record ${i} (bytes ${offset}–${offset + len - 1})`,
          );
        }
        // A short record anywhere but the end means records were dropped or the file was cut.
        if (!final && len !== recordSize) throw tampered(input, `record ${i} at byte ${offset} is short`);
        await dst.write(plain, 0, plain.length, written);
        written += plain.length;
        options.onProgress?.(offset + len, size);
      }
      return { out, bytes: written, chunks: records };
    });
  } finally {
    await src.close();
  }
}

/** Re-wraps a file's data key under the provider's current key, rewriting only the header area. */
export async function rewrapFile(
  path: string,
  options: { from: Record<string, KekProvider>; to: KekProvider },
): Promise<{
  path: string;
  from: { provider: string; keyId: string };
  to: { provider: string; keyId: string };
}> {
  const fh = await openOrThrow(path, 'r+');
  try {
    const h = await readHeader(fh, path);
    const dataKey = await unwrapFor(h, options.from, path);
    const wrapped = await options.to.wrap(dataKey, wrapContext(h.fileId));
    const next: EncryptedHeader = {
      ...h,
      kek: { provider: options.to.name, keyId: wrapped.keyId },
      wrappedKey: wrapped.wrapped.toString('base64'),
    };
    await fh.write(encodeHeaderArea(next, path), 0, HEADER_AREA, 0);
    await fh.sync();
    return { path, from: h.kek, to: next.kek };
  } finally {
    await fh.close();
  }
}

/** Reads the header of an encrypted file (for `--json` reports and rotation planning). */
export async function readEncryptedHeader(path: string): Promise<EncryptedHeader> {
  const fh = await openOrThrow(path, 'r');
  try {
    return await readHeader(fh, path);
  } finally {
    await fh.close();
  }
}
