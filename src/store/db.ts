/**
 * The one query interface both databases implement. SQL is written once with `?` placeholders in the
 * portable subset of SQLite and PostgreSQL; the PostgreSQL adapter renumbers them to `$n`.
 */
export type Param = string | number | bigint | null;

export interface Db {
  readonly dialect: 'sqlite' | 'postgres';
  /** The SQLite database file (absent for PostgreSQL and in-memory SQLite): a second connection, such as
   * the gateway's event-writer thread, opens it. */
  readonly file?: string;
  all<T = Record<string, unknown>>(sql: string, params?: Param[]): Promise<T[]>;
  get<T = Record<string, unknown>>(sql: string, params?: Param[]): Promise<T | undefined>;
  run(sql: string, params?: Param[]): Promise<{ changes: number }>;
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction; writes that must serialise (the audit chain) take `lock`. */
  transaction<T>(fn: (tx: Db) => Promise<T>, options?: { lock?: string }): Promise<T>;
  close(): Promise<void>;
}

/** Renumbers `?` placeholders to `$1..$n` (the SQL in this project never has `?` in literals). */
export function toPostgresPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
