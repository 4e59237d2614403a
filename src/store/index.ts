import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BulwarkError, type LoadedConfig } from '../core/index.ts';
import type { Db } from './db.ts';
import { migrate } from './migrations.ts';
import { openPostgres } from './postgres.ts';
import { openSqlite } from './sqlite.ts';
import { createStore, type Store } from './store.ts';

export type { Db, Param } from './db.ts';
export { ROLES, type Role } from './api-keys.ts';
export { type AuditEntry, type AuditVerifyResult, verifyChain, entryHash, GENESIS } from './audit-chain.ts';
export { MIGRATIONS, migrate } from './migrations.ts';
export { createStore, type Store, type Page, type StoredFinding, type ApiKeyInfo } from './store.ts';
export type { Job, JobStatus, Jobs } from './jobs.ts';
export * from './registry.ts';

export interface OpenStoreOptions {
  auditKey?: Buffer;
  /** PostgreSQL schema to use (tests isolate themselves this way). */
  schema?: string;
}

/** Opens the database named by `url` (`sqlite:PATH`, `sqlite::memory:`, `postgres://…`) and migrates it. */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  let db: Db;
  if (/^postgres(ql)?:\/\//.test(url)) {
    db = openPostgres(url, options.schema ? { schema: options.schema } : {});
  } else if (url.startsWith('sqlite:') || !url.includes('://')) {
    const path = url.replace(/^sqlite:(\/\/)?/, '');
    db = openSqlite(path === ':memory:' ? ':memory:' : resolve(path));
  } else {
    throw new BulwarkError(
      'BW_ERR_CONFIG_INVALID',
      `store.url: unsupported database URL scheme in ${JSON.stringify(url.replace(/\/\/[^@]*@/, '//***@'))} (use sqlite:PATH or postgres://…)`,
      { field: 'store.url' },
    );
  }
  try {
    await migrate(db);
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
  return createStore(db, options.auditKey ? { auditKey: options.auditKey } : {});
}

/**
 * The audit HMAC key: BULWARK_AUDIT_KEY (hex or base64, for several servers sharing PostgreSQL), else
 * `<home>/audit.key`, created with mode 0600 on first use.
 */
export function resolveAuditKey(
  home: string,
  env: NodeJS.ProcessEnv = process.env,
  create = true,
): Buffer | undefined {
  const fromEnv = env.BULWARK_AUDIT_KEY;
  if (fromEnv)
    return /^[0-9a-f]{64}$/i.test(fromEnv) ? Buffer.from(fromEnv, 'hex') : Buffer.from(fromEnv, 'base64');
  const file = join(home, 'audit.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  if (!create) return undefined;
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

/** Opens the store a loaded config points at, with its audit key. */
export function openConfiguredStore(
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Store> {
  return openStore(loaded.databaseUrl, { auditKey: resolveAuditKey(loaded.home, env)! });
}
