import { z } from 'zod';
import { BulwarkError } from '../../core/index.ts';
import { ROLES } from '../../store/index.ts';
import { defineRoute, Pagination, pageOf } from '../route.ts';

const KeyInfo = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  createdBy: z.string(),
  lastUsedAt: z.string().optional(),
  expiresAt: z.string().optional(),
  revokedAt: z.string().optional(),
});
const AuditEntry = z.object({
  seq: z.number(),
  id: z.string(),
  ts: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

export const adminRoutes = [
  defineRoute({
    method: 'GET',
    url: '/api/v1/keys',
    access: 'admin',
    tag: 'keys',
    summary: 'List API keys (never their secrets)',
    response: z.object({ items: z.array(KeyInfo) }),
    handler: async ({ deps }) => ({ items: await deps.store.keys.list() }),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/keys',
    access: 'admin',
    tag: 'keys',
    summary: 'Create an API key; the key is in this response only',
    body: z
      .object({
        name: z.string().min(1).max(100),
        role: z.enum(ROLES),
        scopes: z.array(z.string().max(200)).max(50).optional(),
        expiresAt: z.iso.datetime().optional(),
      })
      .strict(),
    response: z.object({ key: z.string(), info: KeyInfo }),
    status: 201,
    handler: ({ body, deps, actor }) => deps.store.keys.create(body, actor),
  }),
  defineRoute({
    method: 'DELETE',
    url: '/api/v1/keys/:id',
    access: 'admin',
    tag: 'keys',
    summary: 'Revoke an API key',
    params: z.object({ id: z.string().min(1).max(64) }),
    response: KeyInfo,
    handler: async ({ params, deps, actor, principal }) => {
      if (principal?.keyId === params.id) {
        throw new BulwarkError('BW_ERR_CONFLICT', 'a key cannot revoke itself; use another admin key', {
          field: 'params.id',
        });
      }
      return deps.store.keys.revoke(params.id, actor);
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/audit',
    access: 'admin',
    tag: 'audit',
    summary: 'List audit entries, newest first',
    query: Pagination.extend({
      actor: z.string().max(200).optional(),
      action: z.string().max(100).optional(),
    }).strict(),
    response: pageOf(AuditEntry),
    handler: ({ query, deps }) => deps.store.audit.list(query),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/audit/verify',
    access: 'admin',
    tag: 'audit',
    summary: 'Verify the audit hash chain; reports the first edited, deleted or reordered entry',
    handler: ({ deps }) => deps.store.audit.verify(),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/me',
    access: 'read',
    tag: 'keys',
    summary: 'The identity and role of the calling key',
    response: z.object({ keyId: z.string(), name: z.string(), role: z.enum(ROLES) }),
    handler: async ({ principal }) => ({
      keyId: principal!.keyId,
      name: principal!.name,
      role: principal!.role,
    }),
  }),
];
