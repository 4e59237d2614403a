import { z } from 'zod';
import { BulwarkError } from '../../core/index.ts';
import { STAGES } from '../../sign/index.ts';
import { allowedPath } from '../paths.ts';
import { defineRoute, type RouteDeps } from '../route.ts';

const Name = z.string().min(1).max(200);
const Version = z.string().min(1).max(100);

function registryOf(deps: RouteDeps) {
  if (!deps.registry) throw new BulwarkError('BW_ERR_INTERNAL', 'the registry is not enabled on this server');
  return deps.registry;
}

export const registryRoutes = [
  defineRoute({
    method: 'GET',
    url: '/api/v1/registry',
    access: 'read',
    tag: 'registry',
    summary: 'Registered models with their versions, stages and check results',
    handler: async ({ deps }) => ({ items: await registryOf(deps).list() }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/registry/:name',
    access: 'read',
    tag: 'registry',
    summary: 'One model: versions, stages, signature/scan/integrity status and stage history',
    params: z.object({ name: Name }),
    handler: ({ params, deps }) => registryOf(deps).show(params.name),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/registry',
    access: 'write',
    tag: 'registry',
    summary:
      'Push a model version from a path under server.allowedPaths (hashed, signature-checked, scanned, BOM built)',
    body: z
      .object({
        path: z.string().min(1).max(4096),
        name: Name,
        version: Version,
        owner: z.string().max(200).optional(),
        storeArtifact: z.boolean().optional(),
      })
      .strict(),
    status: 201,
    handler: async ({ body, deps, actor }) => {
      const path = await allowedPath(body.path, deps.allowedPaths ?? [], 'body.path');
      return registryOf(deps).push({
        path,
        name: body.name,
        version: body.version,
        actor,
        ...(body.owner ? { owner: body.owner } : {}),
        ...(body.storeArtifact !== undefined ? { storeArtifact: body.storeArtifact } : {}),
      });
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/registry/:name/versions/:version/gates',
    access: 'read',
    tag: 'registry',
    summary: 'Evaluate the gates of a stage for a version without promoting it',
    params: z.object({ name: Name, version: Version }),
    query: z.object({ to: z.enum(['approved', 'production']) }).strict(),
    handler: async ({ params, query, deps }) => ({
      to: query.to,
      gates: await registryOf(deps).check(params.name, params.version, query.to),
    }),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/registry/:name/versions/:version/promote',
    access: 'analyst',
    tag: 'registry',
    summary: 'Move a version to the next stage; 409 with the failed gates when refused',
    params: z.object({ name: Name, version: Version }),
    body: z.object({ to: z.enum(STAGES), reason: z.string().max(2000).optional() }).strict(),
    handler: ({ params, body, deps, actor }) =>
      registryOf(deps).promote({
        name: params.name,
        version: params.version,
        to: body.to,
        actor,
        ...(body.reason ? { reason: body.reason } : {}),
      }),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/registry/:name/rollback',
    access: 'analyst',
    tag: 'registry',
    summary: 'Return production to the previous production version (reason required, audited)',
    params: z.object({ name: Name }),
    body: z.object({ reason: z.string().min(1).max(2000) }).strict(),
    handler: ({ params, body, deps, actor }) =>
      registryOf(deps).rollback({ name: params.name, actor, reason: body.reason }),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/registry/verify',
    access: 'write',
    tag: 'registry',
    summary: 'Re-hash stored artifacts against their digests (all models, one model, or one version)',
    body: z.object({ name: Name.optional(), version: Version.optional() }).strict().default({}),
    handler: async ({ body, deps, actor }) => ({
      results: await registryOf(deps).verify({
        actor,
        ...(body.name ? { name: body.name } : {}),
        ...(body.version ? { version: body.version } : {}),
      }),
    }),
  }),
];
