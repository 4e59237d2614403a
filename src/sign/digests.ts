import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { BulwarkError, sha256File } from '../core/index.ts';

export interface RecordedDigest {
  /** Relative path with `/` separators ('' for a single-file artifact). */
  path: string;
  sha256: string;
  size?: number;
}

export interface DigestCheck {
  ok: boolean;
  verified: number;
  changed: string[];
  missing: string[];
}

/**
 * Re-hashes stored artifacts against the digests recorded when they were pushed: what the registry
 * runs on demand and on its schedule. Extra files are not reported (the record names what matters).
 */
export async function checkDigests(root: string, recorded: readonly RecordedDigest[]): Promise<DigestCheck> {
  const out: DigestCheck = { ok: true, verified: 0, changed: [], missing: [] };
  for (const r of recorded) {
    const abs = r.path === '' ? root : join(root, ...r.path.split('/'));
    const st = await lstat(abs).catch(() => undefined);
    if (!st?.isFile()) {
      out.missing.push(r.path);
      continue;
    }
    if (r.size !== undefined && st.size !== r.size) {
      out.changed.push(r.path);
      continue;
    }
    try {
      if ((await sha256File(abs)).sha256 === r.sha256) out.verified++;
      else out.changed.push(r.path);
    } catch (e) {
      throw new BulwarkError('BW_ERR_IO', `${abs}: cannot read (${(e as Error).message})`, { cause: e });
    }
  }
  out.ok = out.changed.length === 0 && out.missing.length === 0;
  return out;
}
