// Plain types; the zod schemas that validate assets arriving from outside (API bodies) are in schemas.ts.

export const ASSET_KINDS = ['model', 'dataset', 'endpoint', 'application'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

export const RISK_TIERS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

export interface Asset {
  id: string;
  kind: AssetKind;
  name: string;
  description: string;
  owner: string;
  tags: string[];
  riskTier: RiskTier;
  /** Where the asset lives: a path, a URL, a registry reference. */
  uri: string;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** What a client may send to create an asset; the store fills in id and timestamps, defaults the rest. */
export interface AssetCreate {
  kind: AssetKind;
  name: string;
  description?: string;
  owner?: string;
  tags?: string[];
  riskTier?: RiskTier;
  uri?: string;
  metadata?: Record<string, unknown>;
}

export type AssetUpdate = Partial<AssetCreate>;

export interface AssetVersion {
  id: string;
  assetId: string;
  version: string;
  digest: string;
  size: number;
  uri: string;
  metadata: Record<string, unknown>;
  createdAt: string;
}

export interface AssetVersionCreate {
  version: string;
  digest?: string;
  size?: number;
  uri?: string;
  metadata?: Record<string, unknown>;
}
