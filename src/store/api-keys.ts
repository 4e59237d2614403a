import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ulid } from '../core/index.ts';

export const ROLES = ['admin', 'analyst', 'service', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Key format `bwk_<id>_<secret>`: the id finds the row, the 256-bit secret is checked against a
 * SHA-256 stored in the database. A fast hash is enough because the secret is random and long (no
 * dictionary to brute-force); the plaintext key is shown once and never stored or logged.
 */
export function generateApiKey(): { id: string; key: string; hash: string } {
  const id = `k_${ulid()}`;
  const secret = randomBytes(32).toString('base64url');
  return { id, key: `bwk_${id.slice(2)}_${secret}`, hash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function parseApiKey(key: string): { id: string; secret: string } | undefined {
  const m = /^bwk_([0-9A-HJKMNP-TV-Z]{26})_([A-Za-z0-9_-]{43})$/.exec(key);
  return m ? { id: `k_${m[1]}`, secret: m[2]! } : undefined;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
