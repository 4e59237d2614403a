// The console reads the same types the server declares; `export type` keeps them out of the bundle.
export type { Asset, AssetKind, AssetVersion, Run, RunStatus, Severity } from '../../src/core/index.ts';
export type { AuditEntry, AuditVerifyResult, Page, Role, StoredFinding } from '../../src/store/index.ts';

import type { Asset, AssetVersion, Run, Severity } from '../../src/core/index.ts';
import type { Role } from '../../src/store/index.ts';

export interface Me {
  keyId: string;
  name: string;
  role: Role;
}

export type SeverityCounts = Record<Severity, number>;
export type AssetDetail = Asset & { versions: AssetVersion[]; findings: SeverityCounts };
export type RunDetail = Run & { findings: SeverityCounts };

/** Most severe first, as the API sorts them. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
export const ASSET_KINDS = ['model', 'dataset', 'endpoint', 'application'] as const;
