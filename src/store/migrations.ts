import type { Db } from './db.ts';

/**
 * The one schema, as ordered migrations in the portable subset of SQLite and PostgreSQL:
 * TEXT ids (ULIDs), ISO-8601 timestamps as TEXT (they sort), JSON as TEXT, BIGINT counters.
 * Append new migrations; never edit one that has shipped.
 */
export const MIGRATIONS: { id: string; up: string[] }[] = [
  {
    id: '0001_foundation',
    up: [
      `CREATE TABLE assets (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        owner TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]',
        risk_tier TEXT NOT NULL DEFAULT 'medium',
        uri TEXT NOT NULL DEFAULT '',
        metadata TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (kind, name)
      )`,
      `CREATE TABLE asset_versions (
        id TEXT PRIMARY KEY,
        asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        version TEXT NOT NULL,
        digest TEXT NOT NULL DEFAULT '',
        size BIGINT NOT NULL DEFAULT 0,
        uri TEXT NOT NULL DEFAULT '',
        metadata TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        UNIQUE (asset_id, version)
      )`,
      `CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        engine TEXT NOT NULL,
        asset_id TEXT REFERENCES assets(id) ON DELETE SET NULL,
        status TEXT NOT NULL,
        target TEXT NOT NULL DEFAULT '',
        summary TEXT NOT NULL DEFAULT '{}',
        started_at TEXT NOT NULL,
        finished_at TEXT,
        duration_ms DOUBLE PRECISION
      )`,
      `CREATE INDEX runs_asset ON runs (asset_id, started_at)`,
      `CREATE INDEX runs_engine ON runs (engine, started_at)`,
      `CREATE TABLE findings (
        id TEXT PRIMARY KEY,
        run_id TEXT REFERENCES runs(id) ON DELETE CASCADE,
        asset_id TEXT REFERENCES assets(id) ON DELETE SET NULL,
        rule_id TEXT NOT NULL,
        title TEXT NOT NULL,
        severity TEXT NOT NULL,
        severity_rank INTEGER NOT NULL,
        confidence TEXT NOT NULL,
        asset TEXT,
        location TEXT NOT NULL DEFAULT '{}',
        evidence TEXT NOT NULL DEFAULT '{}',
        remediation TEXT NOT NULL DEFAULT '',
        refs TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL
      )`,
      `CREATE INDEX findings_run ON findings (run_id)`,
      `CREATE INDEX findings_asset ON findings (asset_id, severity_rank)`,
      `CREATE INDEX findings_rule ON findings (rule_id)`,
      `CREATE INDEX findings_severity ON findings (severity_rank, created_at)`,
      `CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        scopes TEXT NOT NULL DEFAULT '[]',
        hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        last_used_at TEXT,
        expires_at TEXT,
        revoked_at TEXT
      )`,
      `CREATE TABLE audit_log (
        seq BIGINT PRIMARY KEY,
        id TEXT NOT NULL,
        ts TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL DEFAULT '',
        details TEXT NOT NULL DEFAULT '{}',
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      )`,
    ],
  },
  {
    id: '0002_gateway',
    up: [
      `CREATE TABLE gateway_events (
        id TEXT PRIMARY KEY,
        ts TEXT NOT NULL,
        request_id TEXT NOT NULL,
        key_id TEXT NOT NULL DEFAULT '',
        route TEXT NOT NULL,
        kind TEXT NOT NULL,
        method TEXT NOT NULL DEFAULT '',
        path TEXT NOT NULL DEFAULT '',
        model TEXT NOT NULL DEFAULT '',
        status INTEGER NOT NULL,
        decision TEXT NOT NULL,
        shadow INTEGER NOT NULL DEFAULT 0,
        reason TEXT NOT NULL DEFAULT '',
        scores TEXT NOT NULL DEFAULT '{}',
        spans TEXT NOT NULL DEFAULT '[]',
        latency_ms DOUBLE PRECISION NOT NULL DEFAULT 0,
        added_ms DOUBLE PRECISION NOT NULL DEFAULT 0,
        upstream_ms DOUBLE PRECISION NOT NULL DEFAULT 0,
        tokens_in INTEGER NOT NULL DEFAULT 0,
        tokens_out INTEGER NOT NULL DEFAULT 0,
        request_hash TEXT NOT NULL DEFAULT '',
        response_hash TEXT NOT NULL DEFAULT '',
        body TEXT
      )`,
      `CREATE INDEX gateway_events_ts ON gateway_events (ts)`,
      `CREATE INDEX gateway_events_key ON gateway_events (key_id, ts)`,
      `CREATE INDEX gateway_events_decision ON gateway_events (decision, ts)`,
    ],
  },
  {
    id: '0003_jobs',
    up: [
      `CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        queue TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL DEFAULT 3,
        run_at TEXT NOT NULL,
        locked_by TEXT,
        locked_until TEXT,
        result TEXT,
        error TEXT,
        dedupe_key TEXT UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      `CREATE INDEX jobs_due ON jobs (status, queue, run_at)`,
    ],
  },
  {
    id: '0004_registry',
    up: [
      `CREATE TABLE registry_versions (
        version_id TEXT PRIMARY KEY REFERENCES asset_versions(id) ON DELETE CASCADE,
        asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        stage TEXT NOT NULL,
        artifact_path TEXT NOT NULL,
        stored INTEGER NOT NULL DEFAULT 0,
        manifest TEXT NOT NULL DEFAULT '[]',
        signature TEXT NOT NULL DEFAULT '{}',
        scan TEXT NOT NULL DEFAULT '{}',
        bom TEXT,
        integrity TEXT NOT NULL DEFAULT '{}',
        stage_changed_at TEXT NOT NULL
      )`,
      `CREATE INDEX registry_versions_stage ON registry_versions (asset_id, stage)`,
      `CREATE TABLE registry_history (
        id TEXT PRIMARY KEY,
        asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        version_id TEXT NOT NULL,
        version TEXT NOT NULL,
        from_stage TEXT,
        to_stage TEXT NOT NULL,
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        gates TEXT NOT NULL DEFAULT '[]',
        ts TEXT NOT NULL
      )`,
      `CREATE INDEX registry_history_asset ON registry_history (asset_id, ts)`,
    ],
  },
];

export async function migrate(db: Db): Promise<string[]> {
  await db.transaction(
    (tx) =>
      tx.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)'),
    { lock: 'bulwark:migrate' },
  );
  const applied: string[] = [];
  for (const m of MIGRATIONS) {
    // Each migration in its own transaction under a lock, so two processes starting together apply it once.
    const did = await db.transaction(
      async (tx) => {
        const done = await tx.get('SELECT id FROM schema_migrations WHERE id = ?', [m.id]);
        if (done) return false;
        for (const stmt of m.up) await tx.exec(stmt);
        await tx.run('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)', [
          m.id,
          new Date().toISOString(),
        ]);
        return true;
      },
      { lock: 'bulwark:migrate' },
    );
    if (did) applied.push(m.id);
  }
  return applied;
}
