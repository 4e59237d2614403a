import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { BulwarkError } from '../core/index.ts';

/**
 * Where key-encryption keys live. The local keyring and an environment variable implement it here;
 * a cloud KMS implements the same two calls (wrap under its current key, unwrap by key id).
 */
export interface KekProvider {
  /** Recorded in each encrypted file's header so decryption knows where to look. */
  readonly name: string;
  wrap(dataKey: Buffer, context: Buffer): Promise<{ keyId: string; wrapped: Buffer }>;
  unwrap(keyId: string, wrapped: Buffer, context: Buffer): Promise<Buffer>;
}

/** AES-256-GCM key wrap: iv (12) ‖ ciphertext ‖ tag (16), bound to `context` as AAD. */
export function wrapKey(kek: Buffer, dataKey: Buffer, context: Buffer): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', kek, iv);
  c.setAAD(context);
  return Buffer.concat([iv, c.update(dataKey), c.final(), c.getAuthTag()]);
}

export function unwrapKey(kek: Buffer, wrapped: Buffer, context: Buffer): Buffer | undefined {
  if (wrapped.length < 12 + 16 + 1) return undefined;
  try {
    const d = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, 12));
    d.setAAD(context);
    d.setAuthTag(wrapped.subarray(wrapped.length - 16));
    return Buffer.concat([d.update(wrapped.subarray(12, wrapped.length - 16)), d.final()]);
  } catch {
    return undefined;
  }
}

const KeyringFile = z.object({
  version: z.literal(1),
  active: z.string(),
  keys: z.array(z.object({ id: z.string(), created: z.string(), key: z.string() })).min(1),
});
type KeyringFile = z.infer<typeof KeyringFile>;

export const KEYRING_FILE = 'keyring.json';

function newKey(): KeyringFile['keys'][number] {
  return {
    id: `kek-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`,
    created: new Date().toISOString(),
    key: randomBytes(32).toString('base64'),
  };
}

async function writeKeyring(path: string, ring: KeyringFile): Promise<void> {
  // Write then rename, so a crash never leaves a half-written keyring (losing it loses every file).
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(ring, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

async function readKeyring(path: string): Promise<KeyringFile | undefined> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch {
    return undefined;
  }
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0)
    throw new BulwarkError(
      'BW_ERR_VALIDATION',
      `${path}: keyring is readable by other users (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 ${path}`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new BulwarkError('BW_ERR_PARSE', `${path}: keyring is not JSON (${(e as Error).message})`);
  }
  const parsed = KeyringFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BulwarkError('BW_ERR_PARSE', `${path}: ${issue.path.join('.')}: ${issue.message}`);
  }
  if (!parsed.data.keys.some((k) => k.id === parsed.data.active))
    throw new BulwarkError('BW_ERR_PARSE', `${path}: active: no key with id ${parsed.data.active}`);
  return parsed.data;
}

/** Reads the keyring under `home`, creating it (mode 0600, one fresh key) on first use. */
export async function openKeyring(home: string): Promise<KeyringFile & { path: string }> {
  const path = join(home, KEYRING_FILE);
  let ring = await readKeyring(path);
  if (!ring) {
    await mkdir(home, { recursive: true, mode: 0o700 });
    const key = newKey();
    ring = { version: 1, active: key.id, keys: [key] };
    await writeKeyring(path, ring);
  }
  return { ...ring, path };
}

/** Adds a new key-encryption key and makes it active; older keys stay to unwrap older files. */
export async function rotateKek(home: string): Promise<{ keyId: string; previous: string; path: string }> {
  const ring = await openKeyring(home);
  const key = newKey();
  const next: KeyringFile = { version: 1, active: key.id, keys: [...ring.keys, key] };
  await writeKeyring(ring.path, next);
  return { keyId: key.id, previous: ring.active, path: ring.path };
}

/** The local keyring file under BULWARK_HOME. */
export function localKeyringProvider(home: string): KekProvider {
  return {
    name: 'local',
    async wrap(dataKey, context) {
      const ring = await openKeyring(home);
      const k = ring.keys.find((x) => x.id === ring.active)!;
      return { keyId: k.id, wrapped: wrapKey(Buffer.from(k.key, 'base64'), dataKey, context) };
    },
    async unwrap(keyId, wrapped, context) {
      const ring = await openKeyring(home);
      const k = ring.keys.find((x) => x.id === keyId);
      if (!k)
        throw new BulwarkError('BW_ERR_VALIDATION', `key-encryption key ${keyId} is not in ${ring.path}`);
      const out = unwrapKey(Buffer.from(k.key, 'base64'), wrapped, context);
      if (!out) throw new BulwarkError('BW_ERR_VALIDATION', `data key does not unwrap under ${keyId}`);
      return out;
    },
  };
}

/** A 32-byte key in an environment variable (base64 or 64 hex digits), for CI and containers. */
export function envKekProvider(variable: string, env: NodeJS.ProcessEnv = process.env): KekProvider {
  const load = (): { key: Buffer; keyId: string } => {
    const raw = env[variable];
    if (!raw) throw new BulwarkError('BW_ERR_USAGE', `environment variable ${variable} is not set`);
    const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
    if (key.length !== 32)
      throw new BulwarkError(
        'BW_ERR_USAGE',
        `${variable}: expected a 32-byte key (base64 or 64 hex digits), got ${key.length} bytes`,
      );
    // The id names the key without revealing it, so a wrong variable is reported clearly.
    return { key, keyId: `env-${createHash('sha256').update(key).digest('hex').slice(0, 16)}` };
  };
  return {
    name: 'env',
    async wrap(dataKey, context) {
      const { key, keyId } = load();
      return { keyId, wrapped: wrapKey(key, dataKey, context) };
    },
    async unwrap(keyId, wrapped, context) {
      const { key, keyId: have } = load();
      if (have !== keyId)
        throw new BulwarkError(
          'BW_ERR_VALIDATION',
          `data key was wrapped under ${keyId}, but ${variable} holds ${have}`,
        );
      const out = unwrapKey(key, wrapped, context);
      if (!out) throw new BulwarkError('BW_ERR_VALIDATION', `data key does not unwrap under ${keyId}`);
      return out;
    },
  };
}
