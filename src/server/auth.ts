import type { FastifyRequest } from 'fastify';
import { BulwarkError } from '../core/index.ts';
import type { ApiKeyInfo, Role, Store } from '../store/index.ts';

/** Who may call a route. Least privilege: every route names its roles; there is no default-open route. */
export const ACCESS = {
  /** Anyone with a valid key. */
  read: ['viewer', 'analyst', 'service', 'admin'],
  /** People and machines that record results (scans, runs, findings, discovered assets). */
  write: ['analyst', 'service', 'admin'],
  /** People who triage; machines (service) cannot. */
  analyst: ['analyst', 'admin'],
  /** Keys, audit log, destructive changes. */
  admin: ['admin'],
  /** Liveness, readiness: no key. */
  public: [],
} as const satisfies Record<string, readonly Role[]>;

export type Access = keyof typeof ACCESS;

export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  /** What the audit log records as the actor: `key:<id> (<name>)`. */
  actor: string;
}

export function principalOf(info: ApiKeyInfo): Principal {
  return { keyId: info.id, name: info.name, role: info.role, actor: `key:${info.id}` };
}

/** Reads `Authorization: Bearer <key>` and resolves it; throws 401 or 403 with a JSON error. */
export async function authenticate(
  req: FastifyRequest,
  store: Store,
  access: Access,
): Promise<Principal | undefined> {
  if (access === 'public') return undefined;
  const header = req.headers.authorization;
  if (!header) {
    throw new BulwarkError(
      'BW_ERR_UNAUTHENTICATED',
      'missing API key: send it as "Authorization: Bearer <key>"',
      {
        field: 'headers.authorization',
      },
    );
  }
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) {
    throw new BulwarkError(
      'BW_ERR_UNAUTHENTICATED',
      'malformed Authorization header: expected "Bearer <key>"',
      {
        field: 'headers.authorization',
      },
    );
  }
  const info = await store.keys.authenticate(m[1]!);
  if (!info) {
    throw new BulwarkError('BW_ERR_UNAUTHENTICATED', 'invalid, revoked or expired API key', {
      field: 'headers.authorization',
    });
  }
  const allowed: readonly Role[] = ACCESS[access];
  if (!allowed.includes(info.role)) {
    throw new BulwarkError(
      'BW_ERR_FORBIDDEN',
      `role ${info.role} may not ${req.method} ${req.routeOptions.url ?? req.url}; it needs one of: ${allowed.join(', ')}`,
    );
  }
  return principalOf(info);
}
