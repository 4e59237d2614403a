import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { BulwarkError } from '../core/index.ts';
import type { Role, Store } from '../store/index.ts';

export interface Principal {
  /** `k_…` for API keys, `jwt:<sub>` for tokens. */
  id: string;
  role: Role;
  scopes: string[];
}

export interface AuthOptions {
  store?: Store;
  apiKeys: boolean;
  cacheTtlMs: number;
  jwt?: { jwks: string; issuer?: string; audience?: string; roleClaim: string; scopeClaim: string };
}

const ROLES = new Set(['admin', 'analyst', 'service', 'viewer']);

export class AuthError extends BulwarkError {
  constructor(message: string) {
    super('BW_ERR_UNAUTHENTICATED', message, { status: 401 });
    this.name = 'AuthError';
  }
}

/**
 * Verifies the bearer credential of every request (zero trust). Verified API keys are cached for a
 * short TTL, keyed by a hash of the key, so the hot path does not wait on the database each time.
 */
export function createAuthenticator(options: AuthOptions) {
  const cache = new Map<string, { p: Principal | undefined; until: number }>();
  let jwks: JWTVerifyGetKey | undefined;
  if (options.jwt) {
    const text = readFileSync(options.jwt.jwks, 'utf8');
    jwks = createLocalJWKSet(JSON.parse(text));
  }
  async function viaKey(token: string): Promise<Principal | undefined> {
    if (!options.store) return undefined;
    // One-shot hash: a Hash object per request is a native handle that every young-generation GC must
    // process (see docs/gateway.md, latency).
    const h = hash('sha256', token, 'base64url');
    const hit = cache.get(h);
    const t = Date.now();
    if (hit && hit.until > t) return hit.p;
    const info = await options.store.keys.authenticate(token);
    const p = info ? { id: info.id, role: info.role, scopes: info.scopes } : undefined;
    if (cache.size > 10_000) cache.clear();
    // Unknown keys are cached briefly too, so a flood of bad keys does not become a flood of queries.
    cache.set(h, { p, until: t + (p ? options.cacheTtlMs : Math.min(options.cacheTtlMs, 5_000)) });
    return p;
  }
  async function viaJwt(token: string): Promise<Principal> {
    const cfg = options.jwt!;
    try {
      const { payload } = await jwtVerify(token, jwks!, {
        ...(cfg.issuer ? { issuer: cfg.issuer } : {}),
        ...(cfg.audience ? { audience: cfg.audience } : {}),
      });
      const role = payload[cfg.roleClaim];
      if (typeof role !== 'string' || !ROLES.has(role))
        throw new AuthError(`token claim ${cfg.roleClaim} must be a Bulwark role`);
      const raw = payload[cfg.scopeClaim];
      const scopes =
        typeof raw === 'string'
          ? raw.split(/\s+/).filter(Boolean)
          : Array.isArray(raw)
            ? raw.map(String)
            : [];
      if (!payload.sub) throw new AuthError('token has no sub claim');
      return { id: `jwt:${payload.sub}`, role: role as Role, scopes };
    } catch (e) {
      if (e instanceof AuthError) throw e;
      throw new AuthError(`invalid token: ${(e as Error).message}`);
    }
  }
  return {
    async authenticate(header: string | undefined): Promise<Principal> {
      const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
      if (!m) throw new AuthError('missing bearer credential (Authorization: Bearer <key>)');
      const token = m[1]!;
      if (token.startsWith('bwk_')) {
        if (!options.apiKeys) throw new AuthError('API keys are disabled on this gateway');
        const p = await viaKey(token);
        if (!p) throw new AuthError('invalid, revoked or expired API key');
        return p;
      }
      if (jwks && token.split('.').length === 3) return viaJwt(token);
      throw new AuthError('unrecognised credential');
    },
  };
}

/** A route admits a principal when its role is listed and, if the route names scopes, it holds one. */
export function authorise(p: Principal, route: { roles: string[]; scopes: string[] }): string | undefined {
  if (!route.roles.includes(p.role)) return `role ${p.role} may not use this route`;
  if (route.scopes.length && !p.scopes.includes('*') && !route.scopes.some((s) => p.scopes.includes(s)))
    return `key lacks a scope for this route (needs one of: ${route.scopes.join(', ')})`;
  return undefined;
}
