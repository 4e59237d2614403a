import { z } from 'zod';
import {
  Asset,
  AssetCreate,
  AssetKind,
  AssetUpdate,
  AssetVersion,
  AssetVersionCreate,
  RiskTier,
} from '../../core/schemas.ts';
import { defineRoute, Pagination, pageOf } from '../route.ts';

const IdParams = z.object({ id: z.string().min(1).max(64) });

export const assetRoutes = [
  defineRoute({
    method: 'GET',
    url: '/api/v1/assets',
    access: 'read',
    tag: 'assets',
    summary: 'List assets, filtered by kind, owner, tag, risk tier or a name search',
    query: Pagination.extend({
      kind: AssetKind.optional(),
      owner: z.string().max(200).optional(),
      tag: z.string().max(64).optional(),
      riskTier: RiskTier.optional(),
      q: z.string().max(200).optional(),
    }).strict(),
    response: pageOf(Asset),
    handler: ({ query, deps }) => deps.store.assets.list(query),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/assets',
    access: 'write',
    tag: 'assets',
    summary: 'Register an asset (model, dataset, endpoint, application)',
    body: AssetCreate.strict(),
    response: Asset,
    status: 201,
    handler: ({ body, deps, actor }) => deps.store.assets.create(body, actor),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/assets/:id',
    access: 'read',
    tag: 'assets',
    summary: 'Show an asset with its versions and open findings by severity',
    params: IdParams,
    response: Asset.extend({ versions: z.array(AssetVersion), findings: z.record(z.string(), z.number()) }),
    handler: async ({ params, deps }) => {
      const asset = await deps.store.assets.get(params.id);
      const [versions, findings] = await Promise.all([
        deps.store.assets.listVersions(asset.id),
        deps.store.findings.countBySeverity({ assetId: asset.id }),
      ]);
      return { ...asset, versions, findings };
    },
  }),
  defineRoute({
    method: 'PATCH',
    url: '/api/v1/assets/:id',
    access: 'write',
    tag: 'assets',
    summary: 'Update fields of an asset',
    params: IdParams,
    body: AssetUpdate,
    response: Asset,
    handler: ({ params, body, deps, actor }) => deps.store.assets.update(params.id, body, actor),
  }),
  defineRoute({
    method: 'DELETE',
    url: '/api/v1/assets/:id',
    access: 'admin',
    tag: 'assets',
    summary: 'Delete an asset (its findings stay, unlinked)',
    params: IdParams,
    status: 204,
    handler: async ({ params, deps, actor }) => {
      await deps.store.assets.delete(params.id, actor);
      return undefined;
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/assets/:id/versions',
    access: 'write',
    tag: 'assets',
    summary: 'Add a version to an asset',
    params: IdParams,
    body: AssetVersionCreate.strict(),
    response: AssetVersion,
    status: 201,
    handler: ({ params, body, deps, actor }) => deps.store.assets.addVersion(params.id, body, actor),
  }),
];
