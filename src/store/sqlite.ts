import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { BulwarkError } from '../core/index.ts';
import type { Db, Param } from './db.ts';

/**
 * SQLite through Node's built-in driver (no native addon to compile). The driver is synchronous and
 * the connection is shared, so a transaction holds a queue: other statements wait for it to finish
 * rather than joining it by accident.
 */
export function openSqlite(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: DatabaseSync;
  const isNew = path !== ':memory:' && !existsSync(path);
  try {
    db = new DatabaseSync(path);
    // The database holds key hashes and findings: readable by its owner only.
    if (isNew) chmodSync(path, 0o600);
  } catch (e) {
    throw new BulwarkError('BW_ERR_STORE', `cannot open SQLite database ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  db.exec(
    'PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;',
  );
  const cache = new Map<string, ReturnType<DatabaseSync['prepare']>>();
  const prepare = (sql: string) => {
    let st = cache.get(sql);
    if (!st) {
      st = db.prepare(sql);
      cache.set(sql, st);
    }
    return st;
  };
  const args = (params: Param[]) => params as SQLInputValue[];
  const guard = <T>(sql: string, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      const msg = (e as Error).message;
      if (/UNIQUE constraint failed/.test(msg))
        throw new BulwarkError('BW_ERR_CONFLICT', `already exists (${msg})`, { cause: e });
      throw new BulwarkError('BW_ERR_STORE', `SQLite: ${msg} in: ${sql.slice(0, 80)}`, { cause: e });
    }
  };
  let queue: Promise<unknown> = Promise.resolve();
  let inTx = false;

  const direct: Db = {
    dialect: 'sqlite',
    async all<T>(sql: string, params: Param[] = []) {
      return guard(sql, () => prepare(sql).all(...args(params)) as T[]);
    },
    async get<T>(sql: string, params: Param[] = []) {
      return guard(sql, () => prepare(sql).get(...args(params)) as T | undefined);
    },
    async run(sql: string, params: Param[] = []) {
      const r = guard(sql, () => prepare(sql).run(...args(params)));
      return { changes: Number(r.changes) };
    },
    async exec(sql: string) {
      guard(sql, () => db.exec(sql));
    },
    transaction: () => {
      throw new Error('nested transactions are not supported');
    },
    async close() {},
  };

  const waitTurn = async () => {
    while (inTx) await queue;
  };

  return {
    dialect: 'sqlite',
    ...(path !== ':memory:' ? { file: path } : {}),
    async all(sql, params) {
      await waitTurn();
      return direct.all(sql, params);
    },
    async get(sql, params) {
      await waitTurn();
      return direct.get(sql, params);
    },
    async run(sql, params) {
      await waitTurn();
      return direct.run(sql, params);
    },
    async exec(sql) {
      await waitTurn();
      return direct.exec(sql);
    },
    transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      const next = queue.then(async () => {
        inTx = true;
        db.exec('BEGIN IMMEDIATE');
        try {
          const out = await fn(direct);
          db.exec('COMMIT');
          return out;
        } catch (e) {
          db.exec('ROLLBACK');
          throw e;
        } finally {
          inTx = false;
        }
      });
      queue = next.catch(() => {});
      return next;
    },
    async close() {
      await queue;
      db.close();
    },
  };
}
