// The console reads the same types the server declares; `export type` keeps them out of the bundle.
export type { Asset, AssetKind, AssetVersion, Run, RunStatus, Severity } from '../../src/core/index.ts';
export type { AuditEntry, AuditVerifyResult, Page, Role, StoredFinding } from '../../src/store/index.ts';

import type { Asset, AssetVersion, Run, Severity } from '../../src/core/index.ts';
import type { GateResult, Stage } from '../../src/sign/index.ts';
import type { HistoryEntry, RegistryVersion, Role, StoredFinding } from '../../src/store/index.ts';

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

// Model registry and scans (the Registry and Scans pages).
export type {
  HistoryEntry,
  IntegrityStatus,
  ManifestEntry,
  RegistryVersion,
  ScanStatus,
  SignatureStatus,
} from '../../src/store/index.ts';
export type { GateResult, Stage } from '../../src/sign/index.ts';

/** One scanned file as a scan run's summary records it. */
export interface ScannedFile {
  path: string;
  format: string;
  sha256: string;
  size: number;
  findings: number;
  unscannable: boolean;
}

/** What a scan run's `summary` holds (uploads and path scans; registry scans may carry a file count). */
export interface ScanSummary {
  bySeverity?: Partial<SeverityCounts>;
  maxSeverity?: Severity;
  files?: ScannedFile[] | number;
  durationMs?: number;
  policy?: string;
  error?: string;
}

export interface ScanDetail {
  run: Run;
  findings: StoredFinding[];
  totalFindings: number;
}

export interface RegistryModel {
  asset: Asset;
  versions: RegistryVersion[];
}
export type RegistryModelDetail = RegistryModel & { history: HistoryEntry[] };
export interface GateCheck {
  to: Stage;
  gates: GateResult[];
}
export interface VerifyResult {
  name: string;
  version: string;
  stage: Stage;
  ok: boolean;
  changed: string[];
  missing: string[];
  added: string[];
}

/** Stages in order; a version moves one step forward, or to retired from anywhere. */
export const STAGE_ORDER: readonly Stage[] = ['candidate', 'approved', 'production', 'retired'];
