import pg from 'pg';
import { BulwarkError } from '../core/index.ts';
import { type Db, type Param, toPostgresPlaceholders } from './db.ts';

// BIGINT (int8) comes back as a string by default; our counters fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

function clientDb(
  q: (sql: string, params: Param[]) => Promise<pg.QueryResult>,
): Omit<Db, 'transaction' | 'close'> {
  return {
    dialect: 'postgres',
    async all<T>(sql: string, params: Param[] = []) {
      return (await q(toPostgresPlaceholders(sql), params)).rows as T[];
    },
    async get<T>(sql: string, params: Param[] = []) {
      return (await q(toPostgresPlaceholders(sql), params)).rows[0] as T | undefined;
    },
    async run(sql: string, params: Param[] = []) {
      return { changes: (await q(toPostgresPlaceholders(sql), params)).rowCount ?? 0 };
    },
    async exec(sql: string) {
      await q(sql, []);
    },
  };
}

/** PostgreSQL through a pool; `schema` (tests) puts every table in its own schema. */
export function openPostgres(url: string, options: { schema?: string; max?: number } = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    statement_timeout: 30_000,
  });
  pool.on('error', () => {}); // idle-client errors surface on the next query instead of crashing
  const wrap = async (fn: () => Promise<pg.QueryResult>) => {
    try {
      return await fn();
    } catch (e) {
      const err = e as Error & { code?: string };
      if (err.code === '23505')
        throw new BulwarkError('BW_ERR_CONFLICT', `already exists (${err.message})`, { cause: e });
      throw new BulwarkError('BW_ERR_STORE', `PostgreSQL: ${err.message}`, { cause: e });
    }
  };
  const base = clientDb((sql, params) => wrap(() => pool.query(sql, params as unknown[])));
  return {
    ...base,
    async transaction<T>(fn: (tx: Db) => Promise<T>, opts: { lock?: string } = {}): Promise<T> {
      const client = await pool.connect();
      const tx: Db = {
        ...clientDb((sql, params) => wrap(() => client.query(sql, params as unknown[]))),
        transaction: () => {
          throw new Error('nested transactions are not supported');
        },
        async close() {},
      };
      try {
        await client.query('BEGIN');
        // Serialises writers across processes (several servers over one database) for this lock name.
        if (opts.lock) await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [opts.lock]);
        const out = await fn(tx);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
