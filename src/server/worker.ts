import { hostname } from 'node:os';
import type { Job, Store } from '../store/index.ts';

export type JobHandler = (payload: Record<string, unknown>, job: Job) => Promise<unknown>;

export interface WorkerOptions {
  store: Store;
  handlers: Record<string, JobHandler>;
  /** Jobs run at once by this process. */
  concurrency?: number;
  pollMs?: number;
  leaseMs?: number;
  /** Recurring work (e.g. re-verify registry digests): one job per period across all workers. */
  schedules?: { queue: string; everyMs: number; payload?: Record<string, unknown> }[];
  onError?: (e: unknown, job?: Job) => void;
}

/**
 * Runs jobs from the database queue. Every server process may run one; they share the work through
 * atomic claims, so adding processes (on more machines) scales background work out.
 */
export function startWorker(options: WorkerOptions) {
  const { store, handlers } = options;
  const queues = Object.keys(handlers);
  const concurrency = options.concurrency ?? 2;
  const pollMs = options.pollMs ?? 1000;
  const worker = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  let running = 0;
  let stopped = false;
  const inflight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;

  async function schedule(): Promise<void> {
    for (const s of options.schedules ?? []) {
      const period = Math.floor(Date.now() / s.everyMs);
      await store.jobs.enqueue(s.queue, s.payload ?? {}, { dedupeKey: `schedule:${s.queue}:${period}` });
    }
  }

  async function runOne(job: Job): Promise<void> {
    try {
      const result = await handlers[job.queue]!(job.payload, job);
      await store.jobs.complete(job.id, result ?? null);
    } catch (e) {
      options.onError?.(e, job);
      await store.jobs.fail(job.id, (e as Error)?.message ?? String(e)).catch(() => {});
    }
  }

  async function tick(): Promise<void> {
    if (stopped) return;
    try {
      await schedule();
      while (!stopped && running < concurrency) {
        const job = await store.jobs.claim(queues, worker, options.leaseMs ?? 60_000);
        if (!job) break;
        running++;
        const p = runOne(job).finally(() => {
          running--;
          inflight.delete(p);
        });
        inflight.add(p);
      }
    } catch (e) {
      options.onError?.(e);
    }
    if (!stopped) timer = setTimeout(() => void tick(), pollMs);
  }

  void tick();
  return {
    worker,
    /** Wakes the worker now (after an enqueue in the same process). */
    poke(): void {
      if (stopped) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void tick(), 0);
    },
    /** Stops claiming and waits for the jobs in flight. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.allSettled([...inflight]);
    },
  };
}
