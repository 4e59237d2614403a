import { newId } from '../core/index.ts';
import type { Stage } from '../sign/index.ts';
import type { Db } from './db.ts';

/** Registry state of one model version: where its artifact is, and what checks said about it. */

export interface ManifestEntry {
  path: string;
  sha256: string;
  size: number;
}

export interface SignatureStatus {
  status: 'verified' | 'unsigned' | 'invalid' | 'not-checked';
  /** Fingerprint (SHA-256 of the SPKI DER) of the key that verified it. */
  keyFingerprint?: string;
  algorithm?: string;
  postQuantum?: string;
  detail?: string;
  checkedAt?: string;
}

export interface ScanStatus {
  status: 'clean' | 'findings' | 'error' | 'not-scanned';
  runId?: string;
  maxSeverity?: string;
  counts?: Record<string, number>;
  scannedAt?: string;
}

export interface IntegrityStatus {
  ok?: boolean;
  checkedAt?: string;
  changed?: string[];
  missing?: string[];
  added?: string[];
}

export interface RegistryVersion {
  versionId: string;
  assetId: string;
  version: string;
  stage: Stage;
  artifactPath: string;
  stored: boolean;
  digest: string;
  size: number;
  manifest: ManifestEntry[];
  signature: SignatureStatus;
  scan: ScanStatus;
  bom: Record<string, unknown> | null;
  integrity: IntegrityStatus;
  stageChangedAt: string;
  createdAt: string;
}

export interface HistoryEntry {
  id: string;
  assetId: string;
  versionId: string;
  version: string;
  fromStage: Stage | null;
  toStage: Stage;
  action: 'push' | 'promote' | 'rollback' | 'retire';
  actor: string;
  reason: string;
  gates: unknown[];
  ts: string;
}

type Row = Record<string, unknown>;
const parse = <T>(s: unknown, fallback: T): T =>
  typeof s === 'string' && s.length ? (JSON.parse(s) as T) : fallback;

function fromRow(r: Row): RegistryVersion {
  return {
    versionId: r.version_id as string,
    assetId: r.asset_id as string,
    version: r.version as string,
    stage: r.stage as Stage,
    artifactPath: r.artifact_path as string,
    stored: Number(r.stored) === 1,
    digest: r.digest as string,
    size: Number(r.size),
    manifest: parse(r.manifest, []),
    signature: parse(r.signature, { status: 'not-checked' }),
    scan: parse(r.scan, { status: 'not-scanned' }),
    bom: parse(r.bom, null),
    integrity: parse(r.integrity, {}),
    stageChangedAt: r.stage_changed_at as string,
    createdAt: r.created_at as string,
  };
}

function historyFromRow(r: Row): HistoryEntry {
  return {
    id: r.id as string,
    assetId: r.asset_id as string,
    versionId: r.version_id as string,
    version: r.version as string,
    fromStage: (r.from_stage as Stage | null) ?? null,
    toStage: r.to_stage as Stage,
    action: r.action as HistoryEntry['action'],
    actor: r.actor as string,
    reason: r.reason as string,
    gates: parse(r.gates, []),
    ts: r.ts as string,
  };
}

const SELECT =
  'SELECT rv.*, v.version, v.digest, v.size, v.created_at FROM registry_versions rv JOIN asset_versions v ON v.id = rv.version_id';

/** Queries of the model registry; callers run writes inside `store.audited` so the audit entry commits with them. */
export function registryQueries(db: Db) {
  return {
    async insert(
      tx: Db,
      v: {
        versionId: string;
        assetId: string;
        artifactPath: string;
        stored: boolean;
        manifest: ManifestEntry[];
        signature: SignatureStatus;
        scan: ScanStatus;
        bom: unknown;
      },
    ): Promise<void> {
      await tx.run(
        'INSERT INTO registry_versions (version_id, asset_id, stage, artifact_path, stored, manifest, signature, scan, bom, integrity, stage_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          v.versionId,
          v.assetId,
          'candidate',
          v.artifactPath,
          v.stored ? 1 : 0,
          JSON.stringify(v.manifest),
          JSON.stringify(v.signature),
          JSON.stringify(v.scan),
          v.bom ? JSON.stringify(v.bom) : null,
          '{}',
          new Date().toISOString(),
        ],
      );
    },
    async get(versionId: string, tx: Db = db): Promise<RegistryVersion | undefined> {
      const r = await tx.get<Row>(`${SELECT} WHERE rv.version_id = ?`, [versionId]);
      return r ? fromRow(r) : undefined;
    },
    async byAssetVersion(
      assetId: string,
      version: string,
      tx: Db = db,
    ): Promise<RegistryVersion | undefined> {
      const r = await tx.get<Row>(`${SELECT} WHERE rv.asset_id = ? AND v.version = ?`, [assetId, version]);
      return r ? fromRow(r) : undefined;
    },
    async list(assetId: string, tx: Db = db): Promise<RegistryVersion[]> {
      return (
        await tx.all<Row>(`${SELECT} WHERE rv.asset_id = ? ORDER BY v.created_at, v.id`, [assetId])
      ).map(fromRow);
    },
    async all(tx: Db = db): Promise<RegistryVersion[]> {
      return (await tx.all<Row>(`${SELECT} ORDER BY rv.asset_id, v.created_at, v.id`)).map(fromRow);
    },
    async inStage(assetId: string, stage: Stage, tx: Db = db): Promise<RegistryVersion[]> {
      return (
        await tx.all<Row>(
          `${SELECT} WHERE rv.asset_id = ? AND rv.stage = ? ORDER BY rv.stage_changed_at DESC`,
          [assetId, stage],
        )
      ).map(fromRow);
    },
    async setStage(tx: Db, versionId: string, stage: Stage): Promise<void> {
      await tx.run('UPDATE registry_versions SET stage = ?, stage_changed_at = ? WHERE version_id = ?', [
        stage,
        new Date().toISOString(),
        versionId,
      ]);
    },
    async setIntegrity(versionId: string, integrity: IntegrityStatus, tx: Db = db): Promise<void> {
      await tx.run('UPDATE registry_versions SET integrity = ? WHERE version_id = ?', [
        JSON.stringify(integrity),
        versionId,
      ]);
    },
    async setChecks(
      versionId: string,
      checks: { signature?: SignatureStatus; scan?: ScanStatus; bom?: unknown },
      tx: Db = db,
    ): Promise<void> {
      if (checks.signature)
        await tx.run('UPDATE registry_versions SET signature = ? WHERE version_id = ?', [
          JSON.stringify(checks.signature),
          versionId,
        ]);
      if (checks.scan)
        await tx.run('UPDATE registry_versions SET scan = ? WHERE version_id = ?', [
          JSON.stringify(checks.scan),
          versionId,
        ]);
      if (checks.bom !== undefined)
        await tx.run('UPDATE registry_versions SET bom = ? WHERE version_id = ?', [
          JSON.stringify(checks.bom),
          versionId,
        ]);
    },
    async addHistory(tx: Db, h: Omit<HistoryEntry, 'id' | 'ts'>): Promise<void> {
      await tx.run(
        'INSERT INTO registry_history (id, asset_id, version_id, version, from_stage, to_stage, action, actor, reason, gates, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          newId('e'),
          h.assetId,
          h.versionId,
          h.version,
          h.fromStage,
          h.toStage,
          h.action,
          h.actor,
          h.reason,
          JSON.stringify(h.gates),
          new Date().toISOString(),
        ],
      );
    },
    async history(assetId: string, tx: Db = db): Promise<HistoryEntry[]> {
      return (
        await tx.all<Row>('SELECT * FROM registry_history WHERE asset_id = ? ORDER BY ts DESC, id DESC', [
          assetId,
        ])
      ).map(historyFromRow);
    },
  };
}

export type RegistryQueries = ReturnType<typeof registryQueries>;
