import {
  type Asset,
  type AssetVersion,
  BulwarkError,
  type Engine,
  type Finding,
  NotFoundError,
  newId,
  type Run,
  type RunStatus,
  type Severity,
  SEVERITIES,
  severityRank,
} from '../core/index.ts';
import { AssetCreate, AssetUpdate, AssetVersionCreate } from '../core/schemas.ts';
import { type AuditEntry, type AuditVerifyResult, entryHash, GENESIS, verifyChain } from './audit-chain.ts';
import { generateApiKey, parseApiKey, type Role, secretMatches } from './api-keys.ts';
import type { Db, Param } from './db.ts';
import { createJobs } from './jobs.ts';
import { registryQueries } from './registry.ts';

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface PageQuery {
  limit?: number;
  offset?: number;
}

const MAX_LIMIT = 500;
function page(q: PageQuery): { limit: number; offset: number } {
  return { limit: Math.min(Math.max(q.limit ?? 50, 1), MAX_LIMIT), offset: Math.max(q.offset ?? 0, 0) };
}

const now = () => new Date().toISOString();
const json = (v: unknown) => JSON.stringify(v ?? null);
const parse = <T>(s: unknown, fallback: T): T =>
  typeof s === 'string' && s.length ? (JSON.parse(s) as T) : fallback;
// LIKE patterns built from user input: escape the wildcards.
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

type Row = Record<string, unknown>;

/** Collects WHERE conditions and their parameters in step. */
function conditions() {
  const where: string[] = [];
  const params: Param[] = [];
  return {
    add(sql: string, ...p: Param[]) {
      where.push(sql);
      params.push(...p);
    },
    sql: () => (where.length ? `WHERE ${where.join(' AND ')}` : ''),
    params,
  };
}

function assetFromRow(r: Row): Asset {
  return {
    id: r.id as string,
    kind: r.kind as Asset['kind'],
    name: r.name as string,
    description: r.description as string,
    owner: r.owner as string,
    tags: parse(r.tags, []),
    riskTier: r.risk_tier as Asset['riskTier'],
    uri: r.uri as string,
    metadata: parse(r.metadata, {}),
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

function versionFromRow(r: Row): AssetVersion {
  return {
    id: r.id as string,
    assetId: r.asset_id as string,
    version: r.version as string,
    digest: r.digest as string,
    size: Number(r.size),
    uri: r.uri as string,
    metadata: parse(r.metadata, {}),
    createdAt: r.created_at as string,
  };
}

function runFromRow(r: Row): Run {
  return {
    id: r.id as string,
    engine: r.engine as Engine,
    ...(r.asset_id ? { assetId: r.asset_id as string } : {}),
    status: r.status as RunStatus,
    target: r.target as string,
    summary: parse(r.summary, {}),
    startedAt: r.started_at as string,
    ...(r.finished_at ? { finishedAt: r.finished_at as string } : {}),
    ...(r.duration_ms !== null && r.duration_ms !== undefined ? { durationMs: Number(r.duration_ms) } : {}),
  };
}

export interface StoredFinding extends Finding {
  assetId?: string;
  createdAt: string;
}

function findingFromRow(r: Row): StoredFinding {
  const asset = parse<Finding['asset'] | null>(r.asset, null);
  return {
    id: r.id as string,
    ...(r.run_id ? { runId: r.run_id as string } : {}),
    ...(r.asset_id ? { assetId: r.asset_id as string } : {}),
    ruleId: r.rule_id as string,
    title: r.title as string,
    severity: r.severity as Severity,
    confidence: r.confidence as Finding['confidence'],
    ...(asset ? { asset } : {}),
    location: parse(r.location, {}),
    evidence: parse(r.evidence, {}),
    remediation: r.remediation as string,
    refs: parse(r.refs, []),
    createdAt: r.created_at as string,
  };
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  role: Role;
  scopes: string[];
  createdAt: string;
  createdBy: string;
  lastUsedAt?: string;
  expiresAt?: string;
  revokedAt?: string;
}

function keyFromRow(r: Row): ApiKeyInfo {
  return {
    id: r.id as string,
    name: r.name as string,
    role: r.role as Role,
    scopes: parse(r.scopes, []),
    createdAt: r.created_at as string,
    createdBy: r.created_by as string,
    ...(r.last_used_at ? { lastUsedAt: r.last_used_at as string } : {}),
    ...(r.expires_at ? { expiresAt: r.expires_at as string } : {}),
    ...(r.revoked_at ? { revokedAt: r.revoked_at as string } : {}),
  };
}

function auditFromRow(r: Row): AuditEntry {
  return {
    seq: Number(r.seq),
    id: r.id as string,
    ts: r.ts as string,
    actor: r.actor as string,
    action: r.action as string,
    target: r.target as string,
    details: parse(r.details, {}),
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
  };
}

export interface AssetFilter extends PageQuery {
  kind?: Asset['kind'];
  owner?: string;
  tag?: string;
  riskTier?: Asset['riskTier'];
  /** Substring of the name. */
  q?: string;
}

export interface FindingFilter extends PageQuery {
  severity?: Severity[];
  /** At or above this severity. */
  minSeverity?: Severity;
  assetId?: string;
  ruleId?: string;
  runId?: string;
}

export interface RunFilter extends PageQuery {
  engine?: Engine;
  assetId?: string;
  status?: RunStatus;
}

export interface StoreOptions {
  /** Key for the HMAC audit chain; without it the chain is plain SHA-256. */
  auditKey?: Buffer;
}

export type Store = ReturnType<typeof createStore>;

/** The query layer: every SQL statement of the product lives here or in a sibling of this file. */
export function createStore(db: Db, options: StoreOptions = {}) {
  const auditKey = options.auditKey;

  async function appendAudit(
    tx: Db,
    actor: string,
    action: string,
    target: string,
    details: Record<string, unknown> = {},
  ): Promise<AuditEntry> {
    const head = await tx.get<Row>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    const seq = head ? Number(head.seq) + 1 : 1;
    const prevHash = head ? (head.hash as string) : GENESIS;
    const base = { id: newId('e'), ts: now(), actor, action, target, details };
    const hash = entryHash(prevHash, base, auditKey);
    await tx.run(
      'INSERT INTO audit_log (seq, id, ts, actor, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [seq, base.id, base.ts, actor, action, target, json(details), prevHash, hash],
    );
    return { seq, ...base, prevHash, hash };
  }

  /** A change and its audit entry commit together, or not at all. */
  function audited<T>(
    fn: (
      tx: Db,
      audit: (action: string, target: string, details?: Record<string, unknown>) => Promise<void>,
    ) => Promise<T>,
    actor: string,
  ): Promise<T> {
    return db.transaction(
      (tx) =>
        fn(
          tx,
          async (action, target, details) => void (await appendAudit(tx, actor, action, target, details)),
        ),
      { lock: 'bulwark:audit' },
    );
  }

  async function getAsset(tx: Db, id: string): Promise<Asset> {
    const r = await tx.get<Row>('SELECT * FROM assets WHERE id = ?', [id]);
    if (!r) throw new NotFoundError('asset', id);
    return assetFromRow(r);
  }

  const assets = {
    async create(input: AssetCreate, actor: string): Promise<Asset> {
      const a = AssetCreate.parse(input);
      const id = newId('a');
      const ts = now();
      return audited(async (tx, audit) => {
        const dup = await tx.get('SELECT id FROM assets WHERE kind = ? AND name = ?', [a.kind, a.name]);
        if (dup)
          throw new BulwarkError(
            'BW_ERR_CONFLICT',
            `a ${a.kind} asset named ${JSON.stringify(a.name)} already exists`,
            { field: 'name' },
          );
        await tx.run(
          'INSERT INTO assets (id, kind, name, description, owner, tags, risk_tier, uri, metadata, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [
            id,
            a.kind,
            a.name,
            a.description,
            a.owner,
            json(a.tags),
            a.riskTier,
            a.uri,
            json(a.metadata),
            ts,
            ts,
          ],
        );
        await audit('asset.create', id, { kind: a.kind, name: a.name });
        return getAsset(tx, id);
      }, actor);
    },

    /** Creates the asset, or updates the one with the same kind and name (discovery re-runs). */
    async upsert(input: AssetCreate, actor: string): Promise<{ asset: Asset; created: boolean }> {
      const a = AssetCreate.parse(input);
      const existing = await db.get<Row>('SELECT id FROM assets WHERE kind = ? AND name = ?', [
        a.kind,
        a.name,
      ]);
      if (!existing) {
        try {
          return { asset: await assets.create(input, actor), created: true };
        } catch (e) {
          if (!(e instanceof BulwarkError && e.code === 'BW_ERR_CONFLICT')) throw e;
        }
      }
      const row =
        existing ??
        (await db.get<Row>('SELECT id FROM assets WHERE kind = ? AND name = ?', [a.kind, a.name]));
      return { asset: await assets.update(row!.id as string, input, actor), created: false };
    },

    get: (id: string) => getAsset(db, id),

    async getByName(kind: Asset['kind'], name: string): Promise<Asset | undefined> {
      const r = await db.get<Row>('SELECT * FROM assets WHERE kind = ? AND name = ?', [kind, name]);
      return r ? assetFromRow(r) : undefined;
    },

    async list(filter: AssetFilter = {}): Promise<Page<Asset>> {
      const c = conditions();
      if (filter.kind) c.add('kind = ?', filter.kind);
      if (filter.owner) c.add('owner = ?', filter.owner);
      if (filter.riskTier) c.add('risk_tier = ?', filter.riskTier);
      if (filter.tag) c.add("tags LIKE ? ESCAPE '\\'", `%${likeEscape(JSON.stringify(filter.tag))}%`);
      if (filter.q) c.add("LOWER(name) LIKE ? ESCAPE '\\'", `%${likeEscape(filter.q.toLowerCase())}%`);
      const w = c.sql();
      const params = c.params;
      const { limit, offset } = page(filter);
      const total = Number((await db.get<Row>(`SELECT COUNT(*) AS n FROM assets ${w}`, params))!.n);
      const rows = await db.all<Row>(`SELECT * FROM assets ${w} ORDER BY kind, name LIMIT ? OFFSET ?`, [
        ...params,
        limit,
        offset,
      ]);
      return { items: rows.map(assetFromRow), total, limit, offset };
    },

    async update(id: string, patch: AssetUpdate, actor: string): Promise<Asset> {
      const p = AssetUpdate.parse(patch);
      return audited(async (tx, audit) => {
        const cur = await getAsset(tx, id);
        const next = { ...cur, ...p, updatedAt: now() };
        if (next.kind !== cur.kind || next.name !== cur.name) {
          const dup = await tx.get('SELECT id FROM assets WHERE kind = ? AND name = ? AND id <> ?', [
            next.kind,
            next.name,
            id,
          ]);
          if (dup)
            throw new BulwarkError(
              'BW_ERR_CONFLICT',
              `a ${next.kind} asset named ${JSON.stringify(next.name)} already exists`,
              { field: 'name' },
            );
        }
        await tx.run(
          'UPDATE assets SET kind = ?, name = ?, description = ?, owner = ?, tags = ?, risk_tier = ?, uri = ?, metadata = ?, updated_at = ? WHERE id = ?',
          [
            next.kind,
            next.name,
            next.description,
            next.owner,
            json(next.tags),
            next.riskTier,
            next.uri,
            json(next.metadata),
            next.updatedAt,
            id,
          ],
        );
        await audit('asset.update', id, { fields: Object.keys(p).sort() });
        return getAsset(tx, id);
      }, actor);
    },

    async delete(id: string, actor: string): Promise<void> {
      await audited(async (tx, audit) => {
        const cur = await getAsset(tx, id);
        await tx.run('DELETE FROM assets WHERE id = ?', [id]);
        await audit('asset.delete', id, { kind: cur.kind, name: cur.name });
      }, actor);
    },

    async addVersion(assetId: string, input: AssetVersionCreate, actor: string): Promise<AssetVersion> {
      const v = AssetVersionCreate.parse(input);
      const id = newId('v');
      return audited(async (tx, audit) => {
        await getAsset(tx, assetId);
        const dup = await tx.get('SELECT id FROM asset_versions WHERE asset_id = ? AND version = ?', [
          assetId,
          v.version,
        ]);
        if (dup)
          throw new BulwarkError('BW_ERR_CONFLICT', `version ${JSON.stringify(v.version)} already exists`, {
            field: 'version',
          });
        await tx.run(
          'INSERT INTO asset_versions (id, asset_id, version, digest, size, uri, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [id, assetId, v.version, v.digest, v.size, v.uri, json(v.metadata), now()],
        );
        await audit('asset.version.create', assetId, { version: v.version, digest: v.digest });
        return versionFromRow((await tx.get<Row>('SELECT * FROM asset_versions WHERE id = ?', [id]))!);
      }, actor);
    },

    async listVersions(assetId: string): Promise<AssetVersion[]> {
      const rows = await db.all<Row>(
        'SELECT * FROM asset_versions WHERE asset_id = ? ORDER BY created_at, id',
        [assetId],
      );
      return rows.map(versionFromRow);
    },
  };

  const runs = {
    async start(input: { engine: Engine; assetId?: string; target?: string }): Promise<Run> {
      const id = newId('r');
      await db.run(
        'INSERT INTO runs (id, engine, asset_id, status, target, summary, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [id, input.engine, input.assetId ?? null, 'running', input.target ?? '', '{}', now()],
      );
      return runs.get(id);
    },

    async finish(
      id: string,
      result: { status: Exclude<RunStatus, 'running'>; summary?: Record<string, unknown> },
    ): Promise<Run> {
      const run = await runs.get(id);
      const finishedAt = now();
      const durationMs = Date.parse(finishedAt) - Date.parse(run.startedAt);
      await db.run('UPDATE runs SET status = ?, summary = ?, finished_at = ?, duration_ms = ? WHERE id = ?', [
        result.status,
        json(result.summary ?? {}),
        finishedAt,
        durationMs,
        id,
      ]);
      return runs.get(id);
    },

    /** Links a run to its asset once known (a queued scan learns its model when it runs). */
    async setAsset(id: string, assetId: string): Promise<void> {
      await db.run('UPDATE runs SET asset_id = ? WHERE id = ?', [assetId, id]);
    },

    async get(id: string): Promise<Run> {
      const r = await db.get<Row>('SELECT * FROM runs WHERE id = ?', [id]);
      if (!r) throw new NotFoundError('run', id);
      return runFromRow(r);
    },

    async list(filter: RunFilter = {}): Promise<Page<Run>> {
      const c = conditions();
      if (filter.engine) c.add('engine = ?', filter.engine);
      if (filter.assetId) c.add('asset_id = ?', filter.assetId);
      if (filter.status) c.add('status = ?', filter.status);
      const w = c.sql();
      const params = c.params;
      const { limit, offset } = page(filter);
      const total = Number((await db.get<Row>(`SELECT COUNT(*) AS n FROM runs ${w}`, params))!.n);
      const rows = await db.all<Row>(
        `SELECT * FROM runs ${w} ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`,
        [...params, limit, offset],
      );
      return { items: rows.map(runFromRow), total, limit, offset };
    },
  };

  const findings = {
    /** Stores a run's findings in one transaction (a scan of 10k files is one commit, not 10k). */
    async insertMany(list: Finding[], link: { runId?: string; assetId?: string } = {}): Promise<void> {
      if (list.length === 0) return;
      await db.transaction(async (tx) => {
        const ts = now();
        for (const f of list) {
          await tx.run(
            'INSERT INTO findings (id, run_id, asset_id, rule_id, title, severity, severity_rank, confidence, asset, location, evidence, remediation, refs, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            [
              f.id,
              link.runId ?? f.runId ?? null,
              link.assetId ?? f.asset?.id ?? null,
              f.ruleId,
              f.title,
              f.severity,
              severityRank(f.severity),
              f.confidence,
              f.asset ? json(f.asset) : null,
              json(f.location),
              json(f.evidence),
              f.remediation,
              json(f.refs),
              f.createdAt ?? ts,
            ],
          );
        }
      });
    },

    async get(id: string): Promise<StoredFinding> {
      const r = await db.get<Row>('SELECT * FROM findings WHERE id = ?', [id]);
      if (!r) throw new NotFoundError('finding', id);
      return findingFromRow(r);
    },

    async list(filter: FindingFilter = {}): Promise<Page<StoredFinding>> {
      const c = conditions();
      if (filter.severity?.length) {
        c.add(`severity IN (${filter.severity.map(() => '?').join(', ')})`, ...filter.severity);
      }
      if (filter.minSeverity) c.add('severity_rank >= ?', severityRank(filter.minSeverity));
      if (filter.assetId) c.add('asset_id = ?', filter.assetId);
      if (filter.ruleId) c.add('rule_id = ?', filter.ruleId);
      if (filter.runId) c.add('run_id = ?', filter.runId);
      const w = c.sql();
      const params = c.params;
      const { limit, offset } = page(filter);
      const total = Number((await db.get<Row>(`SELECT COUNT(*) AS n FROM findings ${w}`, params))!.n);
      const rows = await db.all<Row>(
        `SELECT * FROM findings ${w} ORDER BY severity_rank DESC, created_at DESC, id LIMIT ? OFFSET ?`,
        [...params, limit, offset],
      );
      return { items: rows.map(findingFromRow), total, limit, offset };
    },

    async countBySeverity(
      filter: { assetId?: string; runId?: string } = {},
    ): Promise<Record<Severity, number>> {
      const c = conditions();
      if (filter.assetId) c.add('asset_id = ?', filter.assetId);
      if (filter.runId) c.add('run_id = ?', filter.runId);
      const w = c.sql();
      const params = c.params;
      const rows = await db.all<Row>(
        `SELECT severity, COUNT(*) AS n FROM findings ${w} GROUP BY severity`,
        params,
      );
      const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
      for (const r of rows) out[r.severity as Severity] = Number(r.n);
      return out;
    },
  };

  const keys = {
    /** Creates a key; the plaintext is returned once and only its hash is stored. */
    async create(
      input: { name: string; role: Role; scopes?: string[]; expiresAt?: string },
      actor: string,
    ): Promise<{ key: string; info: ApiKeyInfo }> {
      const gen = generateApiKey();
      return audited(async (tx, audit) => {
        await tx.run(
          'INSERT INTO api_keys (id, name, role, scopes, hash, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [
            gen.id,
            input.name,
            input.role,
            json(input.scopes ?? []),
            gen.hash,
            now(),
            actor,
            input.expiresAt ?? null,
          ],
        );
        await audit('key.create', gen.id, { name: input.name, role: input.role });
        return {
          key: gen.key,
          info: keyFromRow((await tx.get<Row>('SELECT * FROM api_keys WHERE id = ?', [gen.id]))!),
        };
      }, actor);
    },

    async list(): Promise<ApiKeyInfo[]> {
      return (await db.all<Row>('SELECT * FROM api_keys ORDER BY created_at, id')).map(keyFromRow);
    },

    async revoke(id: string, actor: string): Promise<ApiKeyInfo> {
      return audited(async (tx, audit) => {
        const r = await tx.get<Row>('SELECT * FROM api_keys WHERE id = ?', [id]);
        if (!r) throw new NotFoundError('API key', id);
        if (!r.revoked_at) await tx.run('UPDATE api_keys SET revoked_at = ? WHERE id = ?', [now(), id]);
        await audit('key.revoke', id, { name: r.name as string });
        return keyFromRow((await tx.get<Row>('SELECT * FROM api_keys WHERE id = ?', [id]))!);
      }, actor);
    },

    /** Resolves a presented key to its record, or undefined when unknown, revoked or expired. */
    async authenticate(presented: string): Promise<ApiKeyInfo | undefined> {
      const parsed = parseApiKey(presented);
      if (!parsed) return undefined;
      const r = await db.get<Row>('SELECT * FROM api_keys WHERE id = ?', [parsed.id]);
      if (!r || r.revoked_at) return undefined;
      if (!secretMatches(parsed.secret, r.hash as string)) return undefined;
      if (r.expires_at && Date.parse(r.expires_at as string) <= Date.now()) return undefined;
      const ts = now();
      // Coarse last-used tracking: at most one write a minute per key.
      if (!r.last_used_at || Date.parse(ts) - Date.parse(r.last_used_at as string) > 60_000) {
        await db.run('UPDATE api_keys SET last_used_at = ? WHERE id = ?', [ts, parsed.id]);
      }
      return keyFromRow(r);
    },

    async count(): Promise<number> {
      return Number((await db.get<Row>('SELECT COUNT(*) AS n FROM api_keys WHERE revoked_at IS NULL'))!.n);
    },
  };

  const audit = {
    /** Appends an entry for an action with no other write (e.g. a rollback decision, a login). */
    append(
      actor: string,
      action: string,
      target: string,
      details: Record<string, unknown> = {},
    ): Promise<AuditEntry> {
      return db.transaction((tx) => appendAudit(tx, actor, action, target, details), {
        lock: 'bulwark:audit',
      });
    },
    async list(q: PageQuery & { actor?: string; action?: string } = {}): Promise<Page<AuditEntry>> {
      const c = conditions();
      if (q.actor) c.add('actor = ?', q.actor);
      if (q.action) c.add('action = ?', q.action);
      const w = c.sql();
      const params = c.params;
      const { limit, offset } = page(q);
      const total = Number((await db.get<Row>(`SELECT COUNT(*) AS n FROM audit_log ${w}`, params))!.n);
      const rows = await db.all<Row>(`SELECT * FROM audit_log ${w} ORDER BY seq DESC LIMIT ? OFFSET ?`, [
        ...params,
        limit,
        offset,
      ]);
      return { items: rows.map(auditFromRow), total, limit, offset };
    },
    async verify(): Promise<AuditVerifyResult> {
      const rows = await db.all<Row>('SELECT * FROM audit_log ORDER BY seq');
      return verifyChain(rows.map(auditFromRow), auditKey);
    },
  };

  return {
    db,
    assets,
    runs,
    findings,
    keys,
    audit,
    jobs: createJobs(db),
    registry: registryQueries(db),
    /** Runs `fn` with the audit helper inside one transaction (for engines' stores built on this one). */
    audited,
    async ping(): Promise<boolean> {
      return Boolean(await db.get('SELECT 1 AS ok'));
    },
    close: () => db.close(),
  };
}
