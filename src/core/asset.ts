import { z } from 'zod';

export const AssetKind = z.enum(['model', 'dataset', 'endpoint', 'application']);
export type AssetKind = z.infer<typeof AssetKind>;

export const RiskTier = z.enum(['low', 'medium', 'high', 'critical']);
export type RiskTier = z.infer<typeof RiskTier>;

const Name = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\u0000-\u001f]+$/, 'must not contain control characters');
const Tag = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:/=-]*$/, 'tags are letters, digits and _.:/=-');

export const Asset = z
  .object({
    id: z.string(),
    kind: AssetKind,
    name: Name,
    description: z.string().max(4000).default(''),
    owner: z.string().max(200).default(''),
    tags: z.array(Tag).max(50).default([]),
    riskTier: RiskTier.default('medium'),
    /** Where the asset lives: a path, a URL, a registry reference. */
    uri: z.string().max(2000).default(''),
    metadata: z.record(z.string(), z.unknown()).default({}),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .strict();
export type Asset = z.infer<typeof Asset>;

/** What a client may send to create an asset; the store fills in id and timestamps. */
export const AssetCreate = Asset.omit({ id: true, createdAt: true, updatedAt: true });
export type AssetCreate = z.input<typeof AssetCreate>;

export const AssetUpdate = AssetCreate.partial().strict();
export type AssetUpdate = z.input<typeof AssetUpdate>;

export const AssetVersion = z
  .object({
    id: z.string(),
    assetId: z.string(),
    version: z.string().min(1).max(100),
    digest: z.string().default(''),
    size: z.number().int().nonnegative().default(0),
    uri: z.string().default(''),
    metadata: z.record(z.string(), z.unknown()).default({}),
    createdAt: z.string(),
  })
  .strict();
export type AssetVersion = z.infer<typeof AssetVersion>;

export const AssetVersionCreate = AssetVersion.omit({ id: true, assetId: true, createdAt: true });
export type AssetVersionCreate = z.input<typeof AssetVersionCreate>;
