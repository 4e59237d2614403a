import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { BulwarkError } from './errors.ts';

export interface FileDigest {
  /** Path relative to the hashed root, with `/` separators. */
  path: string;
  sha256: string;
  size: number;
}

export interface DirectoryDigest {
  /** SHA-256 over the raw (32-byte) file digests in manifest order. */
  sha256: string;
  files: FileDigest[];
  size: number;
}

/** Streams a file through SHA-256 in 1 MiB chunks: multi-GB checkpoints hash in constant memory. */
export async function sha256File(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } catch (e) {
    throw new BulwarkError('BW_ERR_IO', `${path}: cannot read (${(e as Error).message})`, { cause: e });
  }
  return { sha256: hash.digest('hex'), size };
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Compares paths component by component (`a/b` < `a.b` < `a0`), so that the order does not depend on
 * how `/` sorts against other characters — the order the OpenSSF model-signing manifest uses.
 */
export function comparePathComponents(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

export interface WalkOptions {
  /** Relative paths (with `/`) or bare names to skip, such as `.git`. */
  ignore?: (relPath: string, name: string) => boolean;
}

/** Lists regular files under `root` (symlinks are not followed: they could point outside the tree). */
export async function listFiles(root: string, options: WalkOptions = {}): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      const abs = join(dir, e.name);
      const rel = relative(root, abs).split(sep).join('/');
      if (options.ignore?.(rel, e.name)) continue;
      if (e.isDirectory()) await walk(abs);
      else if (e.isFile()) out.push(rel);
    }
  }
  await walk(root);
  return out.sort(comparePathComponents);
}

/** Hashes a file or a directory tree; for a directory, a digest over the sorted per-file digests. */
export async function sha256Path(path: string, options: WalkOptions = {}): Promise<DirectoryDigest> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(path);
  } catch (e) {
    throw new BulwarkError('BW_ERR_IO', `${path}: no such file or directory`, { cause: e });
  }
  if (st.isFile()) {
    const d = await sha256File(path);
    return { sha256: d.sha256, size: d.size, files: [{ path: '', ...d }] };
  }
  if (!st.isDirectory()) throw new BulwarkError('BW_ERR_IO', `${path}: not a regular file or directory`);
  const files: FileDigest[] = [];
  for (const rel of await listFiles(path, options)) {
    const d = await sha256File(join(path, rel));
    files.push({ path: rel, ...d });
  }
  const combined = createHash('sha256');
  let size = 0;
  for (const f of files) {
    combined.update(Buffer.from(f.sha256, 'hex'));
    size += f.size;
  }
  return { sha256: combined.digest('hex'), files, size };
}

/** Canonical JSON (sorted keys, no whitespace): the form that audit hashes and signatures cover. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const keys = Object.keys(value as Record<string, unknown>)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}
