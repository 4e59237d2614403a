import { newId } from '../core/index.ts';
import type { Db } from './db.ts';

/**
 * A durable job queue kept in the database, so background work (server-side scans, scheduled
 * re-verification, drift checks) survives restarts and spreads over every worker process that shares the
 * database. Claims are atomic: PostgreSQL uses `FOR UPDATE SKIP LOCKED`, SQLite's single writer
 * serialises them. A claim is a lease: a worker that dies leaves the job to be claimed again when
 * `locked_until` passes.
 */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface Job {
  id: string;
  queue: string;
  payload: Record<string, unknown>;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  result?: unknown;
  error?: string;
  createdAt: string;
  updatedAt: string;
}

type Row = Record<string, unknown>;

function jobFromRow(r: Row): Job {
  return {
    id: r.id as string,
    queue: r.queue as string,
    payload: JSON.parse(r.payload as string),
    status: r.status as JobStatus,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    runAt: r.run_at as string,
    ...(r.result ? { result: JSON.parse(r.result as string) } : {}),
    ...(r.error ? { error: r.error as string } : {}),
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

export function createJobs(db: Db) {
  const jobs = {
    /**
     * Queues a job. With `dedupeKey`, a second enqueue of the same key while the first is pending is a
     * no-op, and so is one after it finished: the key is kept (schedules use one key per period, so N
     * workers queue one job per period, not N).
     */
    async enqueue(
      queue: string,
      payload: Record<string, unknown>,
      options: { runAt?: Date; maxAttempts?: number; dedupeKey?: string } = {},
    ): Promise<Job | undefined> {
      const id = newId('j');
      const now = iso(Date.now());
      const runAt = iso(options.runAt?.getTime() ?? Date.now());
      const sql =
        'INSERT INTO jobs (id, queue, payload, status, attempts, max_attempts, run_at, dedupe_key, created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING';
      const r = await db.run(sql, [
        id,
        queue,
        JSON.stringify(payload),
        'queued',
        options.maxAttempts ?? 3,
        runAt,
        options.dedupeKey ?? null,
        now,
        now,
      ]);
      return r.changes ? jobs.get(id) : undefined;
    },

    async get(id: string): Promise<Job | undefined> {
      const r = await db.get<Row>('SELECT * FROM jobs WHERE id = ?', [id]);
      return r ? jobFromRow(r) : undefined;
    },

    /** Claims the next due job of these queues for `leaseMs`, or returns undefined. */
    async claim(queues: string[], worker: string, leaseMs = 60_000): Promise<Job | undefined> {
      if (queues.length === 0) return undefined;
      const now = Date.now();
      const marks = queues.map(() => '?').join(', ');
      return db.transaction(async (tx) => {
        const due = `(status = 'queued' OR (status = 'running' AND locked_until < ?)) AND queue IN (${marks}) AND run_at <= ?`;
        const pick =
          tx.dialect === 'postgres'
            ? `SELECT id FROM jobs WHERE ${due} ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`
            : `SELECT id FROM jobs WHERE ${due} ORDER BY run_at, id LIMIT 1`;
        const row = await tx.get<Row>(pick, [iso(now), ...queues, iso(now)]);
        if (!row) return undefined;
        await tx.run(
          "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = ?, locked_until = ?, updated_at = ? WHERE id = ?",
          [worker, iso(now + leaseMs), iso(now), row.id as string],
        );
        return jobFromRow((await tx.get<Row>('SELECT * FROM jobs WHERE id = ?', [row.id as string]))!);
      });
    },

    async complete(id: string, result: unknown = null): Promise<void> {
      await db.run(
        "UPDATE jobs SET status = 'succeeded', result = ?, locked_by = NULL, locked_until = NULL, updated_at = ? WHERE id = ?",
        [JSON.stringify(result), iso(Date.now()), id],
      );
    },

    /** Records a failure: retried with exponential backoff until `max_attempts`, then failed for good. */
    async fail(id: string, error: string): Promise<Job | undefined> {
      const job = await jobs.get(id);
      if (!job) return undefined;
      const final = job.attempts >= job.maxAttempts;
      const backoff = Math.min(2 ** job.attempts * 1000, 5 * 60_000);
      await db.run(
        `UPDATE jobs SET status = ?, error = ?, run_at = ?, locked_by = NULL, locked_until = NULL, updated_at = ? WHERE id = ?`,
        [
          final ? 'failed' : 'queued',
          error.slice(0, 2000),
          iso(Date.now() + (final ? 0 : backoff)),
          iso(Date.now()),
          id,
        ],
      );
      return jobs.get(id);
    },

    async list(filter: { queue?: string; status?: JobStatus; limit?: number } = {}): Promise<Job[]> {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (filter.queue) {
        where.push('queue = ?');
        params.push(filter.queue);
      }
      if (filter.status) {
        where.push('status = ?');
        params.push(filter.status);
      }
      const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const rows = await db.all<Row>(`SELECT * FROM jobs ${w} ORDER BY created_at DESC, id DESC LIMIT ?`, [
        ...params,
        Math.min(filter.limit ?? 100, 500),
      ]);
      return rows.map(jobFromRow);
    },
  };
  return jobs;
}

export type Jobs = ReturnType<typeof createJobs>;
