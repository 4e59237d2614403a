import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BulwarkError, comparePathComponents, sha256File } from '../core/index.ts';

/** Paths model_signing leaves out by default, besides the signature file itself. */
export const DEFAULT_IGNORE_PATHS = ['.git', '.gitattributes', '.github', '.gitignore'] as const;

/** Default shard size of model_signing's `shards` method (1 GB). */
export const DEFAULT_SHARD_SIZE = 1_000_000_000;

export type Serialization =
  | { method: 'files'; hash_type: 'sha256'; allow_symlinks: boolean; ignore_paths?: string[] }
  | {
      method: 'shards';
      hash_type: 'sha256';
      shard_size: number;
      allow_symlinks: boolean;
      ignore_paths?: string[];
    };

/** One manifest item: a file (`path`) or a shard (`path:start:end`), with its SHA-256. */
export interface ManifestResource {
  name: string;
  /** The file the resource belongs to (the whole name for the files method). */
  path: string;
  start?: number;
  end?: number;
  sha256: string;
}

export interface ModelManifest {
  modelName: string;
  serialization: Serialization;
  resources: ManifestResource[];
  /** SHA-256 over the raw resource digests, in manifest order: the statement's subject digest. */
  rootDigest: string;
}

export interface WalkResult {
  files: { path: string; size: number }[];
  /** Symbolic links found (not followed: they could point outside the model). */
  symlinks: string[];
}

/** True when `rel` is an ignored path or lies under an ignored directory. */
export function isIgnored(rel: string, ignorePaths: readonly string[]): boolean {
  for (const p of ignorePaths) {
    const clean = p.replace(/\/+$/, '');
    if (rel === clean || rel.startsWith(`${clean}/`)) return true;
  }
  return false;
}

/** Lists regular files (sorted by path component) and symlinks under a model directory. */
export async function walkModel(root: string, ignorePaths: readonly string[]): Promise<WalkResult> {
  const files: { path: string; size: number }[] = [];
  const symlinks: string[] = [];
  async function walk(dir: string, prefix: string): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      throw new BulwarkError('BW_ERR_IO', `${dir}: cannot list directory (${(e as Error).message})`, {
        cause: e,
      });
    }
    for (const e of entries) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (isIgnored(rel, ignorePaths)) continue;
      const abs = join(dir, e.name);
      if (e.isSymbolicLink()) symlinks.push(rel);
      else if (e.isDirectory()) await walk(abs, rel);
      else if (e.isFile()) files.push({ path: rel, size: (await lstat(abs)).size });
    }
  }
  await walk(root, '');
  files.sort((a, b) => comparePathComponents(a.path, b.path));
  symlinks.sort(comparePathComponents);
  return { files, symlinks };
}

/** SHA-256 of bytes [start, end) of a file, streamed. */
export async function sha256Range(path: string, start: number, end: number): Promise<string> {
  const hash = createHash('sha256');
  if (end > start) {
    try {
      for await (const chunk of createReadStream(path, { start, end: end - 1, highWaterMark: 1 << 20 }))
        hash.update(chunk as Buffer);
    } catch (e) {
      throw new BulwarkError('BW_ERR_IO', `${path}: cannot read (${(e as Error).message})`, { cause: e });
    }
  }
  return hash.digest('hex');
}

/** Manifest order: by path component, then by shard start — the order model_signing sorts keys in. */
export function compareResources(a: ManifestResource, b: ManifestResource): number {
  return (
    comparePathComponents(a.path, b.path) || (a.start ?? 0) - (b.start ?? 0) || (a.end ?? 0) - (b.end ?? 0)
  );
}

export function rootDigestOf(resources: readonly ManifestResource[]): string {
  const h = createHash('sha256');
  for (const r of resources) h.update(Buffer.from(r.sha256, 'hex'));
  return h.digest('hex');
}

/** Parses a resource name under a serialization (`path` or `path:start:end`). */
export function parseResourceName(name: string, method: Serialization['method']): ManifestResource {
  if (method === 'files') return { name, path: name, sha256: '' };
  const m = /^(.*):(\d+):(\d+)$/.exec(name);
  if (!m) throw new BulwarkError('BW_ERR_PARSE', `resource ${JSON.stringify(name)}: expected path:start:end`);
  return { name, path: m[1]!, start: Number(m[2]), end: Number(m[3]), sha256: '' };
}

export interface HashModelOptions {
  /** Relative paths to leave out (recorded in the signature). */
  ignorePaths: string[];
  /** Split files into shards of this many bytes (model_signing's `shards` method); files method when unset. */
  shardSize?: number;
  modelName: string;
  /** Called after each resource is hashed, for progress bars. */
  onProgress?: (done: number, total: number, name: string) => void;
}

/** Hashes a model directory (or one file) into a model_signing manifest. */
export async function hashModel(root: string, options: HashModelOptions): Promise<ModelManifest> {
  const st = await lstat(root).catch((e: unknown) => {
    throw new BulwarkError('BW_ERR_IO', `${root}: no such file or directory`, { cause: e });
  });
  const ignore_paths = [...options.ignorePaths].sort(comparePathComponents);
  const serialization: Serialization =
    options.shardSize === undefined
      ? { method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths }
      : {
          method: 'shards',
          hash_type: 'sha256',
          shard_size: options.shardSize,
          allow_symlinks: false,
          ignore_paths,
        };
  let listing: WalkResult;
  let base: string;
  if (st.isFile()) {
    // A single-file model: the resource is named after the file, relative to its directory.
    const name = root.split(/[\\/]/).pop()!;
    listing = { files: [{ path: name, size: st.size }], symlinks: [] };
    base = root.slice(0, root.length - name.length) || '.';
  } else if (st.isDirectory()) {
    listing = await walkModel(root, ignore_paths);
    base = root;
  } else {
    throw new BulwarkError('BW_ERR_IO', `${root}: not a regular file or directory`);
  }
  if (listing.symlinks.length > 0) {
    throw new BulwarkError(
      'BW_ERR_VALIDATION',
      `${root}: symbolic links are not signed (${listing.symlinks.slice(0, 5).join(', ')}); replace them with files or ignore them`,
    );
  }
  const todo: ManifestResource[] = [];
  for (const f of listing.files) {
    if (options.shardSize === undefined) todo.push({ name: f.path, path: f.path, sha256: '' });
    else {
      const size = options.shardSize;
      // An empty file is one empty shard, so that it is still covered by the signature.
      for (let start = 0; start < f.size || start === 0; start += size) {
        const end = Math.min(f.size, start + size);
        todo.push({ name: `${f.path}:${start}:${end}`, path: f.path, start, end, sha256: '' });
        if (end >= f.size) break;
      }
    }
  }
  todo.sort(compareResources);
  let done = 0;
  for (const r of todo) {
    const abs = join(base, r.path);
    r.sha256 =
      r.start === undefined ? (await sha256File(abs)).sha256 : await sha256Range(abs, r.start, r.end!);
    options.onProgress?.(++done, todo.length, r.name);
  }
  return { modelName: options.modelName, serialization, resources: todo, rootDigest: rootDigestOf(todo) };
}
